"""A spec's numbers: one bad number at a time in a shipped spec is refused by `bnn specs` and by
`bnn compute` in the same words (file, key, value, in Bahasa Indonesia), before anything is
written; the edge values that are allowed compute."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from bnn_lib import cli
from bnn_lib.analyses import Analyses
from bnn_lib.pipeline import compute_year
from bnn_lib.spec import load_spec, parse_spec

NAN, INF = math.nan, math.inf


def shipped(name: str) -> dict:
    """A shipped spec as its TOML reads."""
    return tomllib.loads(Path(load_spec(name).path).read_text(encoding="utf-8"))


def changed(raw: dict, changes: dict[str, object]) -> dict:
    """``raw`` with dotted keys set ("variables.0.weight"); a value of None removes the key."""
    raw = copy.deepcopy(raw)
    for dotted, value in changes.items():
        *parents, leaf = dotted.split(".")
        target = raw
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(leaf)] = value
        elif value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return raw


JUKNIS, DAYAMAS, IKKTT, IKKRN = (
    "ikotan-juknis-2021",
    "ikotan-dayamas-2022",
    "ikktt-placeholder-2024",
    "ikkrn-dayatif-2024",
)
# The juknis spec without its answer labels (4 of them, for the points 1–4), for the cases that
# change the scale's points.
NO_LABELS = {"scale.labels": None}
ALL_VARIABLES_ZERO = {f"variables.{v}.weight": 0.0 for v in range(len(shipped(JUKNIS)["variables"]))}
FIRST_VARIABLES_INDICATORS_ZERO = {
    f"variables.0.indicators.{i}.weight": 0.0 for i in range(len(shipped(JUKNIS)["variables"][0]["indicators"]))
}

# (spec, index it computes, changes, the line the refusal must hold: "key = value: why")
CASES = {
    "nan-scale-min": (JUKNIS, "ikotan", {"scale.min": NAN}, "scale.min = nan: harus angka terhingga"),
    "inf-variable-weight": (JUKNIS, "ikotan", {"variables.0.weight": INF}, "variables[0].weight = inf: harus angka"),
    "minus-inf-band-edge": (
        JUKNIS,
        "ikotan",
        {"bands.fixed.0.lower": -INF},
        "bands.fixed[0].lower = -inf: harus angka terhingga",
    ),
    "nan-missing-code": (JUKNIS, "ikotan", {"scale.missing_codes": [NAN]}, "scale.missing_codes[0] = nan: harus"),
    "negative-indicator-weight": (
        JUKNIS,
        "ikotan",
        {"variables.0.indicators.0.weight": -0.5},
        "variables[0].indicators[0].weight = -0.5: harus ≥ 0",
    ),
    "weight-not-a-number": (
        JUKNIS,
        "ikotan",
        {"variables.1.weight": "berat"},
        "variables[1].weight = 'berat': harus angka",
    ),
    "weight-past-limit": (
        JUKNIS,
        "ikotan",
        {"variables.0.weight": 2.5e6},
        "variables[0].weight = 2500000.0: paling besar",
    ),
    "all-variable-weights-zero": (JUKNIS, "ikotan", ALL_VARIABLES_ZERO, "variables = 0: semua bobot variabel nol"),
    "all-indicator-weights-zero": (
        JUKNIS,
        "ikotan",
        FIRST_VARIABLES_INDICATORS_ZERO,
        "variables[0].indicators = 0: semua bobot indikator variabel 'ketahanan_keluarga' nol",
    ),
    "empty-score-range": (
        JUKNIS,
        "ikotan",
        {"rescale.from_range": [1.0, 1.0]},
        "rescale.from_range = [1.0, 1.0]: rentang",
    ),
    "reversed-reported-range": (
        JUKNIS,
        "ikotan",
        {"rescale.to_range": [100.0, 0.0]},
        "rescale.to_range = [100.0, 0.0]: rentang kosong atau terbalik",
    ),
    "score-range-short-of-the-scale": (
        JUKNIS,
        "ikotan",
        {"rescale.from_range": [2.0, 4.0]},
        "rescale.from_range = [2.0, 4.0]: harus mencakup skala jawaban 1–4",
    ),
    "fractional-scale-end": (
        JUKNIS,
        "ikotan",
        {**NO_LABELS, "scale.min": 0.5},
        "scale.min = 0.5: ujung skala harus bilangan bulat",
    ),
    "scale-past-limit": (
        JUKNIS,
        "ikotan",
        {**NO_LABELS, "scale.max": 250.0, "scale.missing_codes": [999.0]},
        "scale.max = 250.0: skala 250 titik; paling banyak 101",
    ),
    "answered-share-zero": (
        JUKNIS,
        "ikotan",
        {"scale.min_answered_share": 0.0},
        "scale.min_answered_share = 0.0: harus > 0",
    ),
    "duplicate-fixed-label": (
        JUKNIS,
        "ikotan",
        {"bands.fixed.1.label": "Tidak Tanggap"},
        "bands.fixed[1].label = 'Tidak Tanggap': label kategori ganda",
    ),
    "duplicate-class-label": (
        DAYAMAS,
        "ikotan",
        {"bands.labels": ["Tanggap", "Tanggap", "Sangat Tanggap"]},
        "bands.labels[1] = 'Tanggap': label kategori ganda",
    ),
    "bands-start-above-the-scale": (
        JUKNIS,
        "ikotan",
        {"bands.fixed.0.lower": 10.5},
        "bands.fixed[0].lower = 10.5: kategori terendah harus mulai di ujung bawah skala laporan 0",
    ),
    "bands-end-past-the-scale": (
        JUKNIS,
        "ikotan",
        {"bands.fixed.3.upper": 120.5},
        "bands.fixed[3].upper = 120.5: kategori tertinggi harus berakhir di ujung atas skala laporan 100",
    ),
    "too-many-decimals": (JUKNIS, "ikotan", {"bands.decimals": 7}, "bands.decimals = 7: harus ≤ 6"),
    "year-before-the-range": (
        DAYAMAS,
        "ikotan",
        {"years_from": 1999},
        "years_from = 1999: tahun harus dalam 2000–2100",
    ),
    "year-after-the-range": (JUKNIS, "ikotan", {"years_to": 20211}, "years_to = 20211: tahun harus dalam 2000–2100"),
    "min-cell-zero": (
        JUKNIS,
        "ikotan",
        {"reporting": {"min_cell": 0, "provenance": "assumed"}},
        "reporting.min_cell = 0: harus ≥ 1",
    ),
    "min-cell-past-limit": (
        JUKNIS,
        "ikotan",
        {"reporting": {"min_cell": 5000, "provenance": "assumed"}},
        "reporting.min_cell = 5000: paling banyak 1000",
    ),
    "min-kawasan-beyond-64-bit": (
        IKKRN,
        "ikkrn",
        {"reporting.min_kawasan": 10**30},
        f"reporting.min_kawasan = {10**30}: terlalu besar",
    ),
    "effect-window-past-limit": (IKKRN, "ikkrn", {"effect.end_year": 9}, "effect.end_year = 9: harus ≤ 5"),
    "threshold-above-the-scale": (
        IKKTT,
        "ikktt",
        {"recovery.min_score": 150.5},
        "recovery.min_score = 150.5: ambang harus dalam skala laporan 0–100",
    ),
    "threshold-below-the-scale": (
        IKKTT,
        "ikktt",
        {"recovery.min_score": -0.5},
        "recovery.min_score = -0.5: ambang harus dalam skala laporan 0–100",
    ),
    "score-rule-without-threshold": (
        IKKTT,
        "ikktt",
        {"recovery.min_score": None},
        "recovery.min_score = (kosong): aturan 'score' memerlukan ambang min_score",
    ),
    "unknown-cultivation-indicator": (
        IKKTT,
        "ikktt",
        {"recovery.no_active_indicator": "ladang_kopi_ha"},
        "recovery.no_active_indicator = 'ladang_kopi_ha': bukan indikator spesifikasi ini",
    ),
    "inf-goalpost": (
        IKKTT,
        "ikktt",
        {"variables.0.indicators.0.goalposts": [0.0, INF]},
        "variables[0].indicators[0].goalposts[1] = inf: harus angka terhingga",
    ),
}


def write(path: Path, raw: dict) -> Path:
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return path


def error_of(capsys) -> str:
    """The one error a command printed (its stderr), checked for a traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_number_is_refused_alike_by_specs_and_compute(case, tmp_path, sample_dir, capsys):
    name, index, changes, expected = CASES[case]
    path = write(tmp_path / "salinan.toml", changed(shipped(name), changes))
    assert cli.main(["specs", str(path)]) == 1
    by_specs = error_of(capsys)
    assert by_specs.startswith(f"kesalahan: {path}: ")
    assert f"\n  {expected}" in by_specs
    out = tmp_path / "hasil"
    argv = ["compute", "--year", "2024", "--data", sample_dir, "--out", str(out), "--spec", f"{index}={path}"]
    assert cli.main([*argv, "--replicates", "0", "--samples", "0"]) == 1
    assert error_of(capsys) == by_specs  # the same check, the same words
    assert not out.exists()


def test_every_shipped_spec_passes_the_number_checks():
    for name in (JUKNIS, DAYAMAS, IKKTT, IKKRN, "ikp-placeholder-2024", "p4gn-stis-2020"):
        assert parse_spec(shipped(name), name).id == name


def edge_ikotan() -> dict:
    """IKOTAN at the edges the checks allow: reported on 0–10 with bands covering exactly 0–10,
    the score range wider than the answer scale, one variable weighing nothing, the largest
    min_cell, the first and last years."""
    raw = shipped(JUKNIS)
    edges = [(0.0, 2.5), (2.51, 5.0), (5.01, 7.5), (7.51, 10.0)]
    for band, (lower, upper) in zip(raw["bands"]["fixed"], edges, strict=True):
        band["lower"], band["upper"] = lower, upper
    return changed(
        raw,
        {
            "rescale.to_range": [0.0, 10.0],
            "rescale.from_range": [0.0, 4.0],
            "bands.success_from": "Sangat Tanggap",
            "variables.0.weight": 0.0,
            "reporting": {"min_cell": 1000, "provenance": "assumed"},
            "years_from": 2000,
            "years_to": 2100,
        },
    )


def test_the_edge_values_allowed_compute(tmp_path, sample_dir, capsys):
    ikotan = write(tmp_path / "ikotan-tepi.toml", edge_ikotan())
    ikktt = write(tmp_path / "ikktt-tepi.toml", changed(shipped(IKKTT), {"recovery.min_score": 0.0}))
    assert cli.main(["specs", str(ikotan), str(ikktt)]) == 0
    out = tmp_path / "hasil"
    argv = ["compute", "--year", "2024", "--data", sample_dir, "--out", str(out)]
    argv += ["--spec", f"ikotan={ikotan}", "--spec", f"ikktt={ikktt}", "--replicates", "40", "--samples", "14"]
    assert cli.main(argv) == 0, capsys.readouterr().err
    kabkota = pd.read_parquet(out / "2024" / "results" / "ikotan_kabkota.parquet")
    # (x − 0)/(4 − 0)·10 of answers on 1–4: every value within 2.5–10, every cell under 1000.
    assert kabkota["value_100"].between(2.5, 10).all()
    assert kabkota["small_cell"].all()


def test_priorities_of_one_index_without_any_count(sample_dir):
    """Every kab/kota below the success band (the top one, on 0–10) and no index whose findings
    are counts (kawasan): the priority list is made of values alone."""
    spec = parse_spec(changed(edge_ikotan(), {"reporting": None}), "tepi.toml")
    results = compute_year(2024, sample_dir, {"ikotan": spec}, Analyses(replicates=40, samples=0), ["ikotan"])
    table = results.tables["prioritas"]
    assert set(table["reason"]) >= {"below_success"} and table["value"].notna().all()
