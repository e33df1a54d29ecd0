"""Values exactly on a band edge or a recovery threshold, rounded as Excel's ROUND does.

Worked by hand: the bands are 0,00–25,00 / 25,01–50,00 / 50,01–75,00 / 75,01–100,00 and a value
is rounded to two decimals, halves away from zero, on the decimal it prints as; so 25,005 is
25,01 (the upper band) and 25,0049 is 25,00 (the lower one). NumPy's half-to-even rounding of
the binary value would give 25,00 / 50,00 / 75,00 for all three edges.
"""

from __future__ import annotations

import pandas as pd
import pytest

from bnn_lib.bands import classify
from bnn_lib.kawasan import area_recovery
from bnn_lib.spec import load_spec

IKOTAN = load_spec("ikotan-juknis-2021")
IKKTT = load_spec("ikktt-placeholder-2024")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (25.005, "Cukup Tanggap"),
        (25.0049, "Tidak Tanggap"),
        (50.005, "Tanggap"),
        (50.0049, "Cukup Tanggap"),
        (75.005, "Sangat Tanggap"),
        (75.0049, "Tanggap"),
        (75.015, "Sangat Tanggap"),
    ],
)
def test_a_value_on_a_band_edge_rounds_half_up(value, band):
    assert IKOTAN.bands.rounding == "half_up"  # the spec states the rule the report applies
    assert classify(pd.Series([value]), IKOTAN.bands).iloc[0] == band


@pytest.mark.parametrize(("after", "pulih"), [(50.005, True), (50.0049, False), (50.01, True), (50.0, False)])
def test_the_ikktt_recovery_threshold_rounds_half_up(after, pulih):
    assert IKKTT.recovery.min_score == 50.01
    rows = [
        {"phase": "before", "value_100": 20.0},
        {"phase": "after", "value_100": after},
    ]
    scores = pd.DataFrame(rows).assign(kawasan_id="K1", kabkota_code="11.01", year=2024, active_cultivation=False)
    scores["value_100_low"] = scores["value_100_high"] = scores["value_100"]
    assert bool(area_recovery(scores, IKKTT)["pulih"].iloc[0]) is pulih


def test_equal_values_share_a_rank_whatever_floating_point_says():
    from bnn_lib.ranking import with_ranks

    # 0.1 + 0.2 and 0.3 are the same value that floating point tells apart (…04 vs …99).
    table = pd.DataFrame(
        {"kabkota_code": ["11.01", "11.02", "11.03", "12.01"], "province_code": ["11", "11", "11", "12"]}
    )
    table["value"] = [0.1 + 0.2, 0.3, 0.25, 0.3]
    ranked = with_ranks(table).set_index("kabkota_code")
    assert ranked["rank_national"].tolist() == [1, 1, 4, 1]  # three at 0.3 share rank 1, the next is 4th
    assert ranked["rank_province"].tolist() == [1, 1, 3, 1]
    assert ranked["n_ranked_province"].tolist() == [3, 3, 3, 1]
