"""Sensitivity analysis: SALib's Sobol indices, rank intervals, drop-one, and the model itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_spec

from bnn_lib import sensitivity as sv
from bnn_lib.spec import modify


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    # Analytical values (a = 7, b = 0.1): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    table = sv.sobol(ishigami, problem, base=4096).set_index("input")
    assert table["S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    assert table["ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.03)


def tiny_model(spec=None) -> sv.Model:
    # Three kab/kota; S(k, I1) and S(k, I2) given directly for both unit weightings.
    spec = spec or tiny_spec()
    equal_unit = np.array([[3.0, 2.0], [2.5, 2.5], [2.0, 3.5]])
    pooled = np.array([[2.8, 2.0], [2.5, 2.5], [2.2, 3.5]])
    return sv.Model(spec, pd.Index(["11.01", "11.02", "11.03"], name="kabkota_code"), ["I1", "I2"],
                    equal_unit, pooled)  # fmt: skip


def test_model_at_the_nominal_point_is_the_nominal_index():
    values, modes = tiny_model().evaluate(np.zeros((1, sv.problem(tiny_model())["num_vars"])))
    # (V1 + V2)/2 on 1–4 → 0–100: (2.5, 2.5, 2.75) → 50, 50, 58.33
    assert values[0] == pytest.approx([50.0, 50.0, (2.75 - 1) / 3 * 100])
    assert modes == ["fixed"]


def test_rank_intervals_collapse_when_nothing_varies():
    documented = {"provenance": "documented", "source": "uji"}
    spec = tiny_spec(weighting=documented, aggregation=documented, bands=documented)
    spec = modify(spec, {"bands.labels": []}, id="tiny")
    model = tiny_model(spec)
    assert model.inputs() == {}
    result = sv.run(model, samples=200)
    ranks = result.ranks.set_index("kabkota_code")
    assert (ranks["p05_rank"] == ranks["nominal_rank"]).all() and (ranks["p95_rank"] == ranks["nominal_rank"]).all()
    assert ranks["nominal_rank"].tolist() == [2, 2, 1]  # 50, 50 (tied), 58.33


def test_rank_intervals_widen_when_assumptions_vary():
    result = sv.run(tiny_model(), samples=300)
    ranks = result.ranks.set_index("kabkota_code")
    assert (ranks["p05_rank"] <= ranks["nominal_rank"]).all() and (ranks["nominal_rank"] <= ranks["p95_rank"]).all()
    assert set(result.sobol["input"]) == {
        "variable_weights",
        "indicator_weights",
        "aggregation",
        "unit_weighting",
        "bands",
    }
    assert result.runs == 32 * 7  # Saltelli design N·(G + 2): G = 5, N = 2^round(log2(300/7)) = 32


def test_drop_one_indicator_by_hand():
    # Without I2 the index is V1 alone: 3.0, 2.5, 2.0 → ranks 1, 2, 3 (nominal: 2, 2, 1);
    # |shift| = 1, 0, 2 → mean 1, max 2. Bands: 66.7 Tanggap, 50.0 Cukup, 33.3 Cukup vs nominal
    # Cukup (50.00), Cukup, Tanggap → 2 kab/kota change band.
    table = sv.drop_one(tiny_model()).set_index("indicator_id")
    assert table.loc["I2", "mean_abs_rank_shift"] == pytest.approx(1.0)
    assert table.loc["I2", "max_abs_rank_shift"] == 2
    assert table.loc["I2", "n_band_changed"] == 2


@pytest.mark.parametrize("key", ["ikotan", "ikp"])  # IKP: computed per environment, then averaged
def test_model_matches_the_pipeline_on_the_sample(sample_dir, key):
    from bnn_lib.inputs import load_inputs
    from bnn_lib.pipeline import compute_year
    from bnn_lib.scoring import group_sums, respondent_scores
    from bnn_lib.spec import DEFAULT_SPECS, load_spec

    spec = load_spec(DEFAULT_SPECS[key])
    inputs = load_inputs(Path(sample_dir), 2024, {key: spec}).tables
    people = inputs[f"{key}_respondents"].set_index("respondent_id")
    scores = respondent_scores(inputs[f"{key}_answers"], people.index, spec)
    model = sv.Model.from_group_sums(*group_sums(scores, people, spec)[:2], spec)
    assert ("unit_weighting" in model.inputs()) == (not spec.aggregation.by_group)
    values, _ = model.evaluate(np.zeros((1, sv.problem(model)["num_vars"])))
    nominal = compute_year(2024, sample_dir).table(f"{key}_kabkota").set_index("kabkota_code")["value_100"]
    assert values[0] == pytest.approx(nominal.reindex(model.kabkota).to_numpy())
    assert len(sv.run(model, samples=200).ranks) == len(nominal)


def test_monte_carlo_nominal_values_follow_dimensions_and_indicator_count_weights():
    """The P4GN 2020 tree (dimensions, variables weighted by their indicator counts), with the
    published indicator counts filled in as indicators; the Monte Carlo at its nominal point must
    give the pipeline's value and the published formula I = 100 · (3 SR + 4 DR) / 7, with SR and
    DR the means of all the dimension's indicators (17 and 29 of them)."""
    from bnn_lib.aggregate import index_tables, rescale
    from bnn_lib.spec import load_spec, parse_spec

    raw = load_spec("p4gn-stis-2020").model_dump(mode="json", exclude={"path"}, exclude_none=True)
    for variable in raw["variables"]:
        n = variable.pop("n_indicators")
        variable["indicators"] = [
            {"id": f"{variable['id']}_{k}", "name": "x", "provenance": "assumed"} for k in range(n)
        ]
    raw["aggregation"] = {**raw["aggregation"], "provenance": "assumed"}  # varied, but not at the nominal point
    spec = parse_spec(raw, "p4gn-with-indicators")
    ids = [i.id for i in spec.indicators]
    rng = np.random.default_rng(3)
    scores = rng.uniform(0, 1, (4, len(ids)))
    model = sv.Model(spec, pd.Index(["a", "b", "c", "d"], name="kabkota_code"), ids, scores, scores)
    values, _ = model.evaluate(np.zeros((1, sv.problem(model)["num_vars"])))
    supply = np.isin(ids, [i for d in spec.dimensions[:1] for v in d.variables for i in ids if i.startswith(v)])
    assert supply.sum() == 17 and (~supply).sum() == 29
    by_hand = 100 * (3 * scores[:, supply].mean(axis=1) + 4 * scores[:, ~supply].mean(axis=1)) / 7
    np.testing.assert_allclose(values[0], by_hand)
    pipeline = rescale(index_tables(pd.DataFrame(scores, columns=ids), spec)[1], spec.rescale)
    np.testing.assert_allclose(values[0], pipeline.to_numpy())


def test_the_inferred_equal_interval_rule_is_tried_against_the_juknis_bands(sample_dir):
    """From 2022 the bands are equal-interval classes, a rule the methodology infers: the Monte
    Carlo tries the Juknis 2021 bands the spec states beside it, so a kab/kota that those bands
    put in another band changes band in about half of the runs, not in none."""
    from bnn_lib.analyses import Analyses
    from bnn_lib.bands import classify, fixed_edges
    from bnn_lib.pipeline import compute_year
    from bnn_lib.spec import load_spec

    spec = load_spec("ikotan-dayamas-2022")
    assert "bands" in sv.varied(spec)
    inputs = sv.inputs_table(spec).set_index("element")
    assert inputs.loc["bands", "provenance"] == "inferred" and inputs.loc["bands", "varied"] == "bands"
    assert inputs.loc["rescale", "varied"] == "" and inputs.loc["rescale", "reason"]  # not varied: says why
    analysed = compute_year(2024, sample_dir, analyses=Analyses(replicates=0, samples=200), indices=["ikotan"])
    kabkota = analysed.table("ikotan_kabkota").set_index("kabkota_code")
    juknis = classify(kabkota["value_100"], spec.bands, fixed_edges(spec.bands)).astype(str)
    differ = juknis[juknis != kabkota["band"].astype(str)].index
    assert len(differ) > 0
    ranks = analysed.table("ikotan_rank_intervals").set_index("kabkota_code")
    shares = ranks.loc[differ, "share_other_band"]
    # Near a Juknis edge the other varied assumptions can bring a run back to the nominal band.
    assert (shares > 0).all() and shares.median() > 0.4
