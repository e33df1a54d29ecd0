"""A blank where a number decides recovery means "unknown", never "recovered": cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bnn_lib.kawasan import area_recovery, area_scores, recovery, recovery_rates, status_counts
from bnn_lib.spec import load_spec, modify

IKKRN = load_spec("ikkrn-dayatif-2024")
IKKTT = load_spec("ikktt-placeholder-2024")
POKOK, PENDUKUNG = IKKRN.status_rule.pokok, IKKRN.status_rule.pendukung


def assessment(kawasan: str, phase: str, pokok: list, pendukung: list, status: str | None = None) -> dict:
    """One row: the first pokok/pendukung indicators as given (1, 0 or None = blank), the rest 0."""
    row = {"kawasan_id": kawasan, "kabkota_code": "11.01", "year": 2024, "phase": phase, "status": status}
    row |= dict(zip(POKOK, pokok + [0] * (len(POKOK) - len(pokok)), strict=True))
    row |= dict(zip(PENDUKUNG, pendukung + [0] * (len(PENDUKUNG) - len(pendukung)), strict=True))
    return row


# bahaya ⇔ p ≥ 5 and s ≥ 4; waspada ⇔ p ≥ 3; siaga ⇔ p ≥ 1; else aman.
ROWS = pd.DataFrame(
    [
        assessment("K1", "before", [1] * 5, [1] * 4),  # bahaya
        assessment("K1", "after", [None], []),  # p ∈ {0, 1}: aman or siaga, both not rawan
        assessment("K2", "before", [1] * 5, [1] * 4),  # bahaya
        assessment("K2", "after", [1, 1, None], []),  # p ∈ {2, 3}: siaga or waspada
        assessment("K3", "before", [1, 1, None], []),  # siaga or waspada
        assessment("K3", "after", [], []),  # aman
        assessment("K4", "before", [1, 1, None], [], status="waspada"),  # siaga or waspada: the record settles it
        assessment("K4", "after", [], []),  # aman
        assessment("K9", "before", [1] * 5, [1] * 4, status="aman"),  # bahaya: the record contradicts, unused
        assessment("K9", "after", [None] * 8, [None] * 5, status="siaga"),  # anything: the record settles it
        assessment("K5", "before", [1, 1, 1], []),  # waspada
        assessment("K5", "after", [1, 1, 1], []),  # waspada
        assessment("K6", "mapping", [1, 1, None], []),  # siaga or waspada: unknown
        assessment("K7", "mapping", [1] * 5, [1, 1, 1, None]),  # p = 5, s ∈ {3, 4}: waspada or bahaya
        assessment("K8", "mapping", [1, None], []),  # p ∈ {1, 2}: siaga either way
    ]
)


def decided(pulih: pd.Series) -> dict:
    """pulih by kawasan: True, False, or None where it is unknown."""
    return {k: None if pd.isna(v) else bool(v) for k, v in pulih.items()}


def test_ikkrn_recovery_is_decided_only_where_blanks_cannot_change_it():
    out = recovery(ROWS, IKKRN).set_index("kawasan_id")
    assert decided(out["pulih"]) == {"K1": True, "K2": None, "K3": None, "K4": True, "K5": False, "K9": True}
    assert out.loc["K1", "status_before"] == "bahaya" and pd.isna(out.loc["K1", "status_after"])
    assert out.loc["K4", "status_before"] == "waspada"
    assert (out.loc["K9", "status_before"], out.loc["K9", "status_after"]) == ("bahaya", "siaga")


def test_any_improvement_rule_over_the_same_blanks():
    spec = modify(IKKRN, {"recovery.rule": "any_improvement"})
    out = recovery(ROWS, spec).set_index("kawasan_id")["pulih"]
    # K3: siaga or waspada before, aman after: improved either way. K1: bahaya → aman or siaga.
    assert decided(out) == {"K1": True, "K2": True, "K3": True, "K4": True, "K5": False, "K9": True}


def test_mapping_counts_keep_unknown_statuses_apart():
    counts = status_counts(ROWS, IKKRN.status_rule).iloc[0]
    assert counts[["aman", "siaga", "waspada", "bahaya", "tidak_diketahui"]].tolist() == [0, 1, 0, 0, 2]
    assert counts["n_kawasan"] == 3 and counts["n_rawan"] == 0


def area(kawasan: str, phase: str, **values) -> dict:
    perfect = {
        "ladang_ganja_ha": 0, "titik_ganja": 0, "lahan_legal_ha": 100, "eks_petani_ganja_pct": 100,
        "persepsi": 4, "partisipasi_kelompok_pct": 100, "program_pemangku": 10, "akses_pasar": 4,
    }  # fmt: skip
    return {"kawasan_id": kawasan, "kabkota_code": "11.01", "year": 2024, "phase": phase} | perfect | values


HALF = {"lahan_legal_ha": 50, "eks_petani_ganja_pct": 50, "persepsi": 2.5, "partisipasi_kelompok_pct": 50,
        "program_pemangku": 5, "akses_pasar": 2.5}  # fmt: skip
ZERO = {"lahan_legal_ha": 0, "eks_petani_ganja_pct": 0, "persepsi": 1, "partisipasi_kelompok_pct": 0,
        "program_pemangku": 10, "akses_pasar": 4}  # fmt: skip
AREAS = pd.DataFrame(
    [area(k, "before", ladang_ganja_ha=10, titik_ganja=20) for k in "ABCDE"]
    + [
        # Four variables of two indicators, equal weights; a blank indicator's x' lies in [0, 1].
        area("A", "after", ladang_ganja_ha=None),  # score ≥ 87.5 but cultivation unknown
        area("B", "after", titik_ganja=None, **ZERO),  # (0.5..1 + 0 + 0 + 1)/4: 37.5..50.0 < 50.01
        area("C", "after", titik_ganja=None),  # (0.5..1 + 1 + 1 + 1)/4: 87.5..100
        area("D", "after", titik_ganja=None, **HALF),  # (0.5..1 + .5 + .5 + .5)/4: 50.0..62.5
        area("E", "after", ladang_ganja_ha=3),  # active: x' = 1 − 3/20, (0.925 + 3)/4 = 98.125
    ]
)


def test_ikktt_a_blank_cultivation_area_is_unknown_not_recovered():
    scores = area_scores(AREAS, IKKTT)
    after = scores[scores["phase"] == "after"].set_index("kawasan_id")
    assert after["value_100_low"].round(6).to_dict() == {"A": 87.5, "B": 37.5, "C": 87.5, "D": 50.0, "E": 98.125}
    assert after["value_100_high"].round(6).to_dict() == {"A": 100.0, "B": 50.0, "C": 100.0, "D": 62.5, "E": 98.125}
    out = area_recovery(scores, IKKTT).set_index("kawasan_id")["pulih"]
    assert decided(out) == {"A": None, "B": False, "C": True, "D": None, "E": False}


def test_recovery_rate_counts_only_the_kawasan_whose_recovery_is_known():
    per_kawasan = area_recovery(area_scores(AREAS, IKKTT), IKKTT)
    national = recovery_rates(per_kawasan).set_index("region_code").loc["00"]
    assert (national["n_intervened"], national["n_pulih"], national["n_unknown"]) == (5, 1, 2)
    assert national["recovery_rate"] == pytest.approx(100 / 3)
    # Wilson 95 % for 1 of 3, by hand: z = 1.959964, centre = (1/3 + z²/6)/(1 + z²/3) = 0.4384,
    # half = z·sqrt(2/27 + z²/36)/(1 + z²/3) = 0.3769 → 6.15 % to 79.23 %.
    assert national["lo95"] == pytest.approx(6.149, abs=1e-3) and national["hi95"] == pytest.approx(79.23, abs=1e-2)
    assert not np.isnan(national["recovery_rate"])


def test_a_year_with_mapping_only_or_before_only_computes(tmp_path):
    from bnn_lib.pipeline import compute_year

    folder = tmp_path / "2024"
    folder.mkdir()
    ROWS[ROWS["phase"] == "mapping"].to_csv(folder / "kawasan_assessments.csv", index=False)
    AREAS[AREAS["phase"] == "before"].to_csv(folder / "ikktt_areas.csv", index=False)
    results = compute_year(2024, tmp_path)
    assert results.table("ikkrn_recovery").empty and results.table("ikktt_recovery").empty
    assert results.table("ikkrn_regions").set_index("region_code").loc["11.01", "tidak_diketahui"] == 2


def test_a_missing_before_comes_from_last_years_mapping(tmp_path):
    """Worked by hand over two years. 2023's routine mapping: K1 bahaya (p=5, s=4), K2 waspada
    (p=3), K3 aman. 2024: K1, K2, K3 and K4 assessed after intervention only; K2 also before
    (siaga, p=1), which takes precedence over the mapping. Strict rule, rawan = {waspada, bahaya}:
    K1 bahaya → aman: pulih; K2 siaga (its own before) → aman: not pulih (it was not rawan);
    K3 aman → aman: not pulih; K4 has no before anywhere: left out, with a warning."""
    from bnn_lib.pipeline import compute_year

    def row(kawasan: str, year: int, phase: str, pokok: list, pendukung: list) -> dict:
        return assessment(kawasan, phase, pokok, pendukung) | {"year": year}

    mapping = [row("K1", 2023, "mapping", [1] * 5, [1] * 4), row("K2", 2023, "mapping", [1] * 3, [])]
    mapping.append(row("K3", 2023, "mapping", [], []))
    this_year = [row(k, 2024, "after", [], []) for k in ("K1", "K2", "K3", "K4")]
    this_year.append(row("K2", 2024, "before", [1], []))
    for year, rows in ((2023, mapping), (2024, this_year)):
        (tmp_path / str(year)).mkdir()
        pd.DataFrame(rows).to_csv(tmp_path / str(year) / "kawasan_assessments.csv", index=False)
    results = compute_year(2024, tmp_path)
    per_kawasan = results.table("ikkrn_recovery").set_index("kawasan_id")
    assert decided(per_kawasan["pulih"]) == {"K1": True, "K2": False, "K3": False}
    assert per_kawasan["before_from"].to_dict() == {"K1": "previous_mapping", "K2": "before", "K3": "previous_mapping"}
    assert per_kawasan.loc["K1", "status_before"] == "bahaya"
    assert any("K4" in str(w) and "2023" in str(w) for w in results.warnings)
    national = results.table("ikkrn_regions").set_index("region_code").loc["00"]
    assert (national["n_intervened"], national["n_pulih"]) == (3, 1)

    leave_out = modify(IKKRN, {"recovery.missing_before": "leave_out"})
    alone = compute_year(2024, tmp_path, specs={"ikkrn": leave_out}).table("ikkrn_recovery")
    assert alone["kawasan_id"].tolist() == ["K2"]


def test_a_mapping_only_year_after_a_mapped_year_computes(tmp_path):
    from bnn_lib.pipeline import compute_year

    for year in (2023, 2024):
        (tmp_path / str(year)).mkdir()
        ROWS[ROWS["phase"] == "mapping"].assign(year=year).to_csv(
            tmp_path / str(year) / "kawasan_assessments.csv", index=False
        )
    results = compute_year(2024, tmp_path)
    assert results.table("ikkrn_recovery").empty
    assert results.table("ikkrn_status")["n_kawasan"].sum() == 3
