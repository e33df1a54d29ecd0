"""One rounding rule for bands and for every number a reader sees.

The expected strings are worked out by hand: half away from zero on the decimal a value is
written as, as Excel's ROUND does (the spec's ``rounding = "half_up"``). The band edges are the
published IKOTAN bands of Juknis 2021, copied here from the source rather than read from the spec.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bnn_lib.bands import classify
from bnn_lib.reporting.fmt import angka, bertanda, selisih
from bnn_lib.rounding import sign_at
from bnn_lib.spec import load_spec

# (label, lower, upper) on 0–100, as published (two decimals, lower-inclusive).
PUBLISHED = [
    ("Tidak Tanggap", 0.00, 25.00),
    ("Cukup Tanggap", 25.01, 50.00),
    ("Tanggap", 50.01, 75.00),
    ("Sangat Tanggap", 75.01, 100.00),
]


@pytest.mark.parametrize(
    ("x", "shown", "band"),
    [
        (25.005, "25,01", "Cukup Tanggap"),  # Python's round() gives 25.0: printed "25,00" beside Cukup Tanggap
        (25.004999, "25,00", "Tidak Tanggap"),
        (24.995, "25,00", "Tidak Tanggap"),
        (50.005, "50,01", "Tanggap"),
        (49.995, "50,00", "Cukup Tanggap"),
        (75.005, "75,01", "Sangat Tanggap"),
        (74.995, "75,00", "Tanggap"),
        (75.0049, "75,00", "Tanggap"),
    ],
)
def test_value_at_a_band_edge_prints_as_it_is_banded(x: float, shown: str, band: str) -> None:
    spec = load_spec("ikotan-juknis-2021")
    assert angka(x, spec.bands.decimals) == shown
    assert classify(pd.Series([x]), spec.bands).iloc[0] == band


def test_a_value_shown_lies_in_the_printed_range_of_its_band() -> None:
    """Every x.xx5 around every edge, and a grid beside them: the number printed at the spec's
    decimals, read back, lies between the printed lower and upper of the band beside it."""
    spec = load_spec("ikotan-juknis-2021")
    decimals = spec.bands.decimals
    edges = np.array([e for _, lo, hi in PUBLISHED for e in (lo, hi)])
    halves = np.concatenate([edges + d for d in (-0.015, -0.005, 0.005, 0.015)])
    grid = np.concatenate([halves, np.round(np.arange(0, 100.001, 0.0037), 4)])
    grid = grid[(grid >= 0) & (grid <= 100)]
    bands = classify(pd.Series(grid), spec.bands).astype(str)
    ranges = {label: (lo, hi) for label, lo, hi in PUBLISHED}
    outside = [
        (x, angka(x, decimals), band)
        for x, band in zip(grid, bands, strict=True)
        if not ranges[band][0] <= float(angka(x, decimals).replace(".", "").replace(",", ".")) <= ranges[band][1]
    ]
    assert not outside, outside[:5]


@pytest.mark.parametrize(
    ("x", "decimals", "change", "signed"),
    [
        (0.015, 2, "+0,02", "0,02"),  # round() gives 0.01: 0.015 is stored as 0.01499999…
        (-0.015, 2, "−0,02", "−0,02"),
        (0.005, 2, "+0,01", "0,01"),
        (0.0049, 2, "0,00", "0,00"),
        (-0.0049, 2, "0,00", "0,00"),  # no "−0,00"
        (2.675, 2, "+2,68", "2,68"),
        (-0.05, 1, "−0,1", "−0,1"),
        (0.5, 0, "+1", "1"),
        (1234.5, 0, "+1.235", "1.235"),
    ],
)
def test_changes_and_signed_numbers_round_half_up(x: float, decimals: int, change: str, signed: str) -> None:
    assert selisih(x, decimals) == change
    assert bertanda(x, decimals) == signed


def test_zero_is_what_prints_as_zero() -> None:
    """A change that prints as zero is no rise or fall; one that prints as 0,01 is."""
    assert sign_at(0.0049, 2) == 0
    assert sign_at(0.005, 2) == 1
    assert sign_at(-0.005, 2) == -1
    assert sign_at(-0.04, 1) == 0
