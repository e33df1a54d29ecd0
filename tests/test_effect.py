"""The effect of an intervention beside its recovery rate: intervals checked against published
values and a second method, and a planted effect recovered from simulated kawasan series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bnn_lib.effect import effect_table, mapping_units
from bnn_lib.kawasan import area_recovery, recovery_rates
from bnn_lib.sample import YEARS
from bnn_lib.sample.areas import effect_trials
from bnn_lib.sample.surveys import choose_kabkota
from bnn_lib.spec import load_spec

IKKRN = load_spec("ikkrn-dayatif-2024")
IKKTT = load_spec("ikktt-placeholder-2024")


def units(*strata: tuple[str, int, int, int, int], change: list[float] | None = None) -> pd.DataFrame:
    """Kawasan of one kab/kota: per stratum (status, k₁ of n₁ intervened, k₀ of n₀ comparison)."""
    rows = []
    for status, k1, n1, k0, n0 in strata:
        rows += [(True, status, j < k1) for j in range(n1)] + [(False, status, j < k0) for j in range(n0)]
    frame = pd.DataFrame(rows, columns=["intervened", "status", "success"]).assign(kabkota_code="11.01", compared=True)
    return frame.assign(kawasan_id=[f"K{j}" for j in range(len(frame))], change=change or np.nan)


@pytest.mark.parametrize(
    ("k1", "n1", "k0", "n0", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score)
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_one_stratum_gives_newcombes_published_interval(k1, n1, k0, n0, low, high):
    row = effect_table(units(("waspada", k1, n1, k0, n0)), ["status"], 1).iloc[0]
    assert row["effect"] == pytest.approx(100 * (k1 / n1 - k0 / n0))
    assert row["ci_low"] == pytest.approx(100 * low, abs=0.01) and row["ci_high"] == pytest.approx(100 * high, abs=0.01)


def test_strata_standardise_the_comparison_to_the_intervened_mix():
    # bahaya: 8 of 10 intervened and 5 of 20 comparison leave the rawan set; waspada: 3 of 5 and 1 of 20.
    row = effect_table(units(("bahaya", 8, 10, 5, 20), ("waspada", 3, 5, 1, 20)), ["status"], 5).iloc[0]
    a = {"bahaya": 10 / 15, "waspada": 5 / 15}  # the intervened kawasan's mix
    p1, p0 = 11 / 15, a["bahaya"] * 5 / 20 + a["waspada"] * 1 / 20  # 0.7333 and 0.1833, not 6/40 = 0.15
    assert (row["rate_intervened"], row["rate_comparison"]) == pytest.approx((100 * p1, 100 * p0))
    assert row["effect"] == pytest.approx(100 * (p1 - p0)) == pytest.approx(55.0)

    def wilson(k, n):  # scipy's Wilson interval, a second implementation
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        return ci.low, ci.high

    (l1, u1), (la, ua), (lb, ub) = wilson(11, 15), wilson(5, 20), wilson(1, 20)
    # MOVER (Zou & Donner 2008): the comparison's limits from its strata's, then the difference's.
    below = np.sqrt((a["bahaya"] * (5 / 20 - la)) ** 2 + (a["waspada"] * (1 / 20 - lb)) ** 2)
    above = np.sqrt((a["bahaya"] * (ua - 5 / 20)) ** 2 + (a["waspada"] * (ub - 1 / 20)) ** 2)
    assert row["ci_low"] == pytest.approx(100 * (p1 - p0 - np.sqrt((p1 - l1) ** 2 + above**2)))
    assert row["ci_high"] == pytest.approx(100 * (p1 - p0 + np.sqrt((u1 - p1) ** 2 + below**2)))


def test_difference_in_differences_matches_welchs_interval():
    changes = [4.0, 9.0, 7.5, 12.0, 6.0, 8.0, 1.0, -2.0, 3.5, 0.5, 2.0]  # 6 intervened, then 5 comparison
    row = effect_table(units(("waspada", 3, 6, 1, 5), change=changes), ["status"], 5).iloc[0]
    welch = stats.ttest_ind(changes[:6], changes[6:], equal_var=False).confidence_interval(0.95)
    assert row["did"] == pytest.approx(np.mean(changes[:6]) - np.mean(changes[6:]))
    assert (row["did_ci_low"], row["did_ci_high"]) == pytest.approx((welch.low, welch.high))


def test_too_few_kawasan_give_counts_and_no_effect():
    row = effect_table(units(("waspada", 2, 4, 1, 30)), ["status"], 5).iloc[0]
    assert row["few"] and pd.isna(row["effect"]) and pd.isna(row["ci_low"])
    assert (row["n_pulih_intervened"], row["n_intervened"]) == (2, 4)  # shown as "2 dari 4"


def test_a_planted_effect_is_recovered_and_the_raw_rate_overstates_it():
    # 40 simulated kawasan series, three cohorts each: intervened kawasan are picked on a noisy
    # mapping (regression to the mean) and their risk lowered by a known amount.
    trials = effect_trials(IKKRN, range(40), YEARS, choose_kabkota(np.random.default_rng(1)))
    assert len(trials) == 120
    covered = ((trials["ci_low"] <= trials["truth"]) & (trials["truth"] <= trials["ci_high"])).mean()
    assert covered >= 0.9, covered  # 95 % intervals; 0.9 is three standard errors below
    assert abs((trials["effect"] - trials["truth"]).mean()) < 2.0
    # The documented rate (before → after of the intervened alone) credits the programme with
    # what the comparison kawasan do anyway and with the regression to the mean.
    assert (trials["raw_rate"] - trials["truth"]).mean() > 10
    assert (trials["raw_rate"] > trials["ci_high"]).mean() > 0.8


def test_the_window_of_an_ikkrn_effect_and_a_missing_mapping():
    frame = lambda year, kawasan: pd.DataFrame(  # noqa: E731
        {"kawasan_id": kawasan, "kabkota_code": "11.01", "year": year, "phase": "mapping", "status": "waspada"}
    )
    _, window = mapping_units({2023: frame(2023, ["K1"]), 2024: frame(2024, ["K1"])}, IKKRN, 2024)
    assert (window.cohort, window.start, window.end, window.missing) == (2023, 2022, 2024, (2022,))


def test_ikktt_counts_apart_a_kawasan_already_recovered_before():
    # Threshold 50.01: K1 was 60 before (already past it), K2 went 30 → 55, K3 30 → 40.
    rows = [("K1", "before", 60.0), ("K1", "after", 70.0), ("K2", "before", 30.0), ("K2", "after", 55.0)]
    rows += [("K3", "before", 30.0), ("K3", "after", 40.0)]
    scores = pd.DataFrame(rows, columns=["kawasan_id", "phase", "value_100"])
    scores = scores.assign(kabkota_code="11.01", year=2024, active_cultivation=False)
    scores["value_100_low"] = scores["value_100_high"] = scores["value_100"]
    per_kawasan = area_recovery(scores, IKKTT).set_index("kawasan_id")
    assert per_kawasan.loc["K1", "already"] and pd.isna(per_kawasan.loc["K1", "pulih"])
    assert per_kawasan.loc["K2", "pulih"] and not per_kawasan.loc["K3", "pulih"]
    rate = recovery_rates(per_kawasan.reset_index(), min_kawasan=5).iloc[0]
    assert (rate["n_already"], rate["n_decided"], rate["recovery_rate"]) == (1, 2, 50.0)  # 1 of 2, not 2 of 3
    assert rate["few"]  # 2 decided kawasan: shown as counts


def assessments(rows: list[tuple[str, int, str, str]]) -> pd.DataFrame:
    """Kawasan rows of kab/kota 11.01 (id, year, phase, recorded status; no indicator columns)."""
    frame = pd.DataFrame(rows, columns=["kawasan_id", "year", "phase", "status"]).assign(kabkota_code="11.01")
    return frame.astype({"status": "str"})


def test_the_kawasan_an_ikkrn_effect_compares():
    # Worked by hand for the results of 2024: cohort 2023, start at the 2022 mapping, end at 2024's.
    history = {
        2022: assessments(
            [(k, 2022, "mapping", s) for k, s in
             [("K1", "waspada"), ("K2", "bahaya"), ("K3", "waspada"), ("K4", "waspada"), ("K5", "aman"),
              ("K6", "waspada"), ("K7", "waspada")]]
            + [("K6", 2022, "before", "bahaya"), ("K6", 2022, "after", "siaga")]  # reached the year before
        ),
        2023: assessments(
            [(k, 2023, phase, s) for k in ("K1", "K2", "K5") for phase, s in (("before", "bahaya"), ("after", "aman"))]
        ),
        2024: assessments(
            [(k, 2024, "mapping", s) for k, s in
             [("K1", "aman"), ("K2", "waspada"), ("K3", "siaga"), ("K4", "waspada"), ("K5", "aman"), ("K6", "aman")]]
        ),  # K7 is not mapped in 2024
    }  # fmt: skip
    units, window = mapping_units(history, IKKRN, 2024)
    units = units.set_index("kawasan_id")
    assert (window.cohort, window.start, window.end, window.missing) == (2023, 2022, 2024, ())
    compared = units[units["compared"]]
    assert set(compared.index) == {"K1", "K2", "K3", "K4"}  # K6: intervened in 2022; K7: no end mapping
    assert compared["intervened"].to_dict() == {"K1": True, "K2": True, "K3": False, "K4": False}
    assert compared["success"].to_dict() == {"K1": True, "K2": False, "K3": True, "K4": False}
    assert compared.loc["K2", "status"] == "bahaya"  # the status at the start: a stratum
    assert not units.loc["K5", "compared"] and units.loc["K5", "intervened"]  # aman at the start
    row = effect_table(units.reset_index(), [], 1).iloc[0]
    assert (row["n_intervened"], row["n_comparison"], row["n_excluded"]) == (2, 2, 1)
    assert (row["rate_intervened"], row["rate_comparison"], row["effect"]) == (50.0, 50.0, 0.0)


def test_a_kawasan_that_recovered_and_is_rawan_again():
    from bnn_lib.kawasan_year import relapses

    history = {
        2022: assessments([("K1", 2022, "before", "bahaya"), ("K1", 2022, "after", "aman")]),  # recovered
        2023: assessments([("K2", 2023, "before", "waspada"), ("K2", 2023, "after", "waspada")]),  # did not
        2024: assessments([("K1", 2024, "mapping", "waspada"), ("K2", 2024, "mapping", "bahaya")]),
    }
    table = relapses(history, IKKRN, 2024)
    assert table[["kawasan_id", "cohort", "status"]].values.tolist() == [["K1", 2022, "waspada"]]
