"""Bootstrap intervals, band probabilities, changes and Wilson intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BANDS, tiny_spec
from scipy import stats

from bnn_lib import uncertainty as u
from bnn_lib.regions import regions
from bnn_lib.scoring import respondent_scores

EDGES = pd.DataFrame(BANDS)


def population_sample(rng: np.random.Generator, codes: list[str], n: int = 30):
    """Respondents of the TINY spec in every kab/kota of ``codes``, all from one population.

    Answers are drawn from known distributions on 1..4, so the population index is known:
    E[i1a | a] = 3.0, E[i1b | a] = 2.0 (reversed: 3.0) → S(a, I1) = 3.0
    E[i1a | b] = 2.5, E[i1b | b] = 2.5 (reversed: 2.5) → S(b, I1) = 2.5;  E[i2a | b] = 2.2 → S(b, I2) = 2.2
    IKOTAN = ((3.0 + 2.5)/2 + 2.2)/2 = 2.475 → (2.475 − 1)/3 × 100 = 49.1667
    """
    dist = {  # probabilities of answers 1, 2, 3, 4 and their means
        ("a", "i1a"): [0.1, 0.2, 0.3, 0.4],  # mean 3.0
        ("a", "i1b"): [0.4, 0.3, 0.2, 0.1],  # mean 2.0
        ("b", "i1a"): [0.25, 0.25, 0.25, 0.25],  # mean 2.5
        ("b", "i1b"): [0.25, 0.25, 0.25, 0.25],  # mean 2.5
        ("b", "i2a"): [0.3, 0.3, 0.3, 0.1],  # mean 2.2
    }
    people, answers = [], []
    for group, items in (("a", ["i1a", "i1b"]), ("b", ["i1a", "i1b", "i2a"])):
        ids = [f"{c}-{group}-{j}" for c in codes for j in range(n)]
        people.append(pd.DataFrame({"respondent_id": ids, "kabkota_code": np.repeat(codes, n), "group": group}))
        for item in items:
            values = rng.choice([1, 2, 3, 4], size=len(ids), p=dist[(group, item)])
            answers.append(pd.DataFrame({"respondent_id": ids, "item_id": item, "value": values.astype(float)}))
    return pd.concat(people, ignore_index=True), pd.concat(answers, ignore_index=True)


def replicates_of(people: pd.DataFrame, answers: pd.DataFrame, spec, replicates: int, seed: int = 7) -> pd.DataFrame:
    scores = respondent_scores(answers, pd.Index(people["respondent_id"]), spec)
    return u.bootstrap_survey(scores, people, spec, replicates=replicates, seed=seed).kabkota


def test_95_percent_intervals_cover_the_population_value():
    # 400 kab/kota = 400 independent samples of the same population in one run.
    truth = (2.475 - 1) / 3 * 100
    codes = list(regions().kabkota_table["code"][:400])
    people, answers = population_sample(np.random.default_rng(2024), codes)
    reps = replicates_of(people, answers, tiny_spec(), replicates=400)
    intervals = u.percentile_intervals(reps)
    covered = ((intervals["lo95"] <= truth) & (truth <= intervals["hi95"])).mean()
    # Binomial tolerance: sd of a coverage share over 400 samples is √(.95 × .05 / 400) = 0.011;
    # allow 3 sd either side (the percentile bootstrap runs a little narrow at n = 30 per group).
    assert 0.95 - 3 * 0.011 <= covered <= 0.95 + 3 * 0.011, covered
    covered90 = ((intervals["lo90"] <= truth) & (truth <= intervals["hi90"])).mean()
    assert 0.90 - 3 * 0.015 <= covered90 <= 0.90 + 3 * 0.015, covered90


def test_identical_respondents_give_a_zero_width_interval():
    people, answers = population_sample(np.random.default_rng(1), ["11.01"], n=5)
    answers["value"] = 3.0  # everyone answers 3 → every replicate is the nominal value
    reps = replicates_of(people, answers, tiny_spec(), replicates=50)
    # s(I1) = (3 + (5 − 3))/2 = 2.5 for everyone, s(I2) = 3 → ((2.5 + 2.5)/2 + 3)/2 = 2.75 → 58.333
    assert np.allclose(reps["11.01"], (2.75 - 1) / 3 * 100)


def test_bootstrap_is_repeatable_with_a_seed():
    people, answers = population_sample(np.random.default_rng(3), ["11.01", "11.02"], n=10)
    a = replicates_of(people, answers, tiny_spec(), replicates=30, seed=5)
    b = replicates_of(people, answers, tiny_spec(), replicates=30, seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_band_probability_is_one_inside_a_band():
    reps = pd.DataFrame({"k1": np.linspace(55, 60, 100), "k2": np.r_[np.full(30, 49.0), np.full(70, 52.0)]})
    probs = u.band_probabilities(reps, list(EDGES["label"]), EDGES["lower"].to_numpy(), 2)
    assert probs.loc["k1", "p_Tanggap"] == 1.0 and probs.loc["k1"].sum() == pytest.approx(1.0)
    assert probs.loc["k2", "p_Cukup Tanggap"] == pytest.approx(0.3)
    assert probs.loc["k2", "p_Tanggap"] == pytest.approx(0.7)
    summary = u.summarise(reps, pd.Series({"k1": 57.5, "k2": 51.0}), EDGES, EDGES["lower"].to_numpy(), 2)
    # k2 is Tanggap (51.0) in 70 % of the replicates only: less than the reported 95 %
    assert summary.loc["k2", "p_band"] == pytest.approx(0.7)
    assert not summary.loc["k1", "uncertain"] and summary.loc["k2", "uncertain"]


def test_change_is_distinguishable_only_when_the_interval_excludes_zero():
    rng = np.random.default_rng(0)
    before = pd.DataFrame({"k1": rng.normal(50, 1, 1000), "k2": rng.normal(50, 1, 1000)})
    now = pd.DataFrame({"k1": rng.normal(56, 1, 1000), "k2": rng.normal(50.5, 1, 1000)})
    change = u.change(now, before)
    # k1: difference ~ N(6, √2) → 95 % interval ≈ 6 ± 2.8, excludes 0; k2: 0.5 ± 2.8 includes 0
    assert change.loc["k1", "distinguishable"] and not change.loc["k2", "distinguishable"]
    assert change.loc["k1", "lo95"] == pytest.approx(6 - 1.96 * np.sqrt(2), abs=0.3)


@pytest.mark.parametrize(("k", "n"), [(44, 69), (0, 10), (10, 10), (1, 2), (60, 60)])
def test_wilson_interval_matches_scipy(k, n):
    lo, hi = u.wilson(np.array([k]), np.array([n]))
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert lo[0] == pytest.approx(100 * ci.low, abs=1e-9) and hi[0] == pytest.approx(100 * ci.high, abs=1e-9)


def test_wilson_with_no_trials_is_blank():
    lo, hi = u.wilson(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_region_replicates_are_means_of_their_kabkota():
    reps = pd.DataFrame({"11.01": [1.0, 3.0], "11.02": [3.0, 5.0], "12.01": [10.0, 10.0]})
    regions_ = u.region_replicates(reps)
    assert regions_["11"].tolist() == [2.0, 4.0]
    assert regions_["00"].tolist() == pytest.approx([14 / 3, 6.0])


def test_equal_interval_edges_are_re_estimated_in_every_replicate():
    from bnn_lib.bands import lowers_by_row
    from bnn_lib.spec import load_spec

    bands = load_spec("ikotan-dayamas-2022").bands  # three classes over each set's own range
    # Replicates that move every kab/kota up or down together: the edges move with them, so each
    # kab/kota stays in its class; with the nominal edges held fixed, b (1 point above the edge
    # at 50) would seem to leave its class half of the time.
    shift = np.r_[np.full(50, -3.0), np.full(50, 3.0)]
    nominal = pd.Series({"a": 40.0, "b": 51.0, "c": 70.0})  # edges 40 / 50 / 60
    reps = pd.DataFrame({k: v + shift for k, v in nominal.items()})
    edges = pd.DataFrame({"label": bands.labels, "lower": [40.0, 50.0, 60.0]})
    moving = u.summarise(reps, nominal, edges, lowers_by_row(reps.to_numpy(), bands), None)
    assert moving["p_band"].tolist() == [1.0, 1.0, 1.0] and not moving["uncertain"].any()
    fixed = u.summarise(reps, nominal, edges, edges["lower"].to_numpy(), None)
    assert fixed.loc["b", "p_band"] == 0.5 and fixed.loc["b", "uncertain"]


def test_kpi_counts_per_replicate_and_region():
    reps = pd.DataFrame({"11.01": [60.0, 40.0], "11.02": [70.0, 70.0], "12.01": [49.0, 51.0]})
    counts = u.success_counts(reps, list(EDGES["label"]), "Tanggap", EDGES["lower"].to_numpy(), 2)
    # replicate 0: 11.01 and 11.02 reach 50.01, 12.01 does not; replicate 1: 11.02 and 12.01
    assert counts["11"].tolist() == [2, 1] and counts["12"].tolist() == [0, 1] and counts["00"].tolist() == [2, 2]


def test_rao_wu_draws_give_the_unbiased_variance_of_a_stratum_mean():
    # One kab/kota, one group of 6 respondents answering one item: the index is a linear map of
    # the group mean, whose variance is s²/n; drawing n − 1 of n gives exactly that in expectation.
    answers = np.array([1, 2, 2, 3, 4, 4], dtype=float)
    spec = tiny_spec()
    people = pd.DataFrame({"respondent_id": [f"r{j}" for j in range(6)], "kabkota_code": "11.01", "group": "b"})
    long = pd.DataFrame({"respondent_id": np.repeat(people["respondent_id"], 3), "item_id": ["i1a", "i1b", "i2a"] * 6})
    long["value"] = np.repeat(answers, 3)
    long.loc[long["item_id"] == "i1b", "value"] = 5 - long.loc[long["item_id"] == "i1b", "value"]  # reversed
    reps = replicates_of(people, long, spec, replicates=20000)
    # I = (S_b(I1) + S_b(I2))/2 = mean answer, so I100 = (mean − 1)/3 × 100
    expected_sd = answers.std(ddof=1) / np.sqrt(len(answers)) / 3 * 100
    assert reps["11.01"].std() == pytest.approx(expected_sd, rel=0.03)


def test_a_regions_change_is_over_the_kab_kota_measured_in_both_years():
    from bnn_lib.analyses import change_tables

    spec = tiny_spec()  # fixed bands, success from Tanggap (50.01)

    def year(values: dict[str, float]) -> dict[str, pd.DataFrame]:
        kabkota = pd.DataFrame({"kabkota_code": list(values), "value_100": list(values.values())})
        kabkota = kabkota.assign(value=1 + kabkota["value_100"] * 3 / 100, spec_id="tiny", spec_version="1")
        kabkota["band"] = ["Tanggap" if v > 50 else "Cukup Tanggap" for v in values.values()]
        reached = kabkota["band"].eq("Tanggap").groupby(kabkota["kabkota_code"].str[:2]).sum()
        regions = pd.DataFrame({"region_code": [*reached.index, "00"], "n_success": [*reached, reached.sum()]})
        replicates = pd.DataFrame({c: [v] * 4 for c, v in values.items()}).assign(spec_id="tiny", spec_version="1")
        return {"tiny_kabkota": kabkota, "tiny_regions": regions, "tiny_bootstrap": replicates}

    now = year({"11.01": 60.0, "11.02": 70.0, "11.03": 80.0})  # 11.03 measured this year only
    before = year({"11.01": 50.0, "11.02": 60.0})
    change = change_tables(now, before, {"tiny": spec})["tiny_change"].set_index("region_code")
    aceh = change.loc["11"]
    assert aceh["change"] == 10.0  # (60 + 70)/2 − (50 + 60)/2
    assert aceh["change_all"] == 15.0  # (60 + 70 + 80)/3 − 55: 11.03 alone adds 5 points
    assert (aceh["n_common"], aceh["n_now"], aceh["n_before"]) == (2, 3, 2)
    assert aceh["change_score"] == pytest.approx(0.3)  # 10 points of 0–100 are 0.3 on 1–4
    # KPI: 11.01 crossed into Tanggap; 11.03 adds one more only to the all-units count
    assert (aceh["n_success_change"], aceh["n_success_change_all"]) == (1, 2)
