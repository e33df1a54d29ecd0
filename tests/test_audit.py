"""The statistical audit: Cronbach's alpha, PCA share, correlation flags, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_spec

from bnn_lib import audit


def test_cronbach_alpha_by_hand():
    # items (1,2,3,4) and (2,3,3,5): variances 5/3 and 4.75/3; totals (3,5,6,9) variance 6.25
    # α = 2/1 × (1 − (5/3 + 4.75/3)/6.25) = 2 × (1 − 3.25/6.25) = 0.96
    items = pd.DataFrame({"x": [1, 2, 3, 4], "y": [2, 3, 3, 5]})
    assert audit.cronbach_alpha(items) == pytest.approx(0.96)
    with_gap = pd.concat([items, pd.DataFrame({"x": [np.nan], "y": [1.0]})])
    assert audit.cronbach_alpha(with_gap) == pytest.approx(0.96)  # complete cases only
    assert np.isnan(audit.cronbach_alpha(items[["x"]]))


def test_first_component_share():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    assert audit.first_component_share(pd.DataFrame({"a": x, "b": 2 * x + 1})) == pytest.approx(1.0)
    independent = pd.DataFrame(rng.normal(size=(5000, 2)), columns=["a", "b"])
    assert audit.first_component_share(independent) == pytest.approx(0.5, abs=0.03)


def test_correlation_flags():
    spec = tiny_spec()
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    indicators = pd.DataFrame({"I1": x, "I2": -x + np.array([0, 0.1, 0, -0.1, 0])})
    variables = pd.DataFrame({"V1": x, "V2": indicators["I2"]})
    table = audit.correlations(spec, indicators, variables, pd.Series(x))
    row = table[(table["kind"] == "indicator-index") & (table["a"] == "I2")].iloc[0]
    assert row["negative"] and not row["collinear"]
    row = table[(table["kind"] == "indicator-variable") & (table["a"] == "I1")].iloc[0]
    assert row["collinear"] and row["r"] == pytest.approx(1.0)


def test_coverage_counts_only_asked_cells():
    spec = tiny_spec()
    groups = pd.Series(["a", "a", "b", "b"], index=["r1", "r2", "r3", "r4"])
    asked = audit.asked_matrix(spec, groups)
    assert asked.to_dict("list") == {"I1": [True, True, True, True], "I2": [False, False, True, True]}
    scores = pd.DataFrame({"I1": [3.0, np.nan, 2.0, np.nan], "I2": [np.nan, np.nan, 1.0, np.nan]}, index=groups.index)
    per_indicator, per_kabkota = audit.coverage(
        scores, asked, pd.Series(["11.01", "11.01", "11.02", "11.02"], index=groups.index)
    )
    assert per_indicator.set_index("indicator_id")["coverage"].to_dict() == {"I1": 0.5, "I2": 0.5}
    # 11.01: 1 of 2 asked cells; 11.02: 2 of 4 → both 0.5, below 66 %
    assert per_kabkota.set_index("kabkota_code")["coverage"].to_dict() == {"11.01": 0.5, "11.02": 0.5}
    assert per_kabkota["low_coverage"].all()


def test_item_matrix_reverse_codes_and_blanks_missing_codes():
    # The audit reads the answers as the scores do (scoring.decoded_answers): i1b is reverse
    # coded on 1–4 (1 → 4), 9 = "tidak tahu" and a blank are not answers, unknown ids are left out.
    spec = tiny_spec()
    answers = pd.DataFrame(
        {
            "respondent_id": ["r1", "r1", "r1", "r2", "r2", "zz"],
            "item_id": ["i1a", "i1b", "i2a", "i1a", "i1b", "i1a"],
            "value": [3.0, 1.0, 9.0, np.nan, 2.0, 4.0],
        }
    )
    matrix = audit.item_matrix(answers, pd.Index(["r1", "r2"]), spec)
    assert matrix.loc["r1", "i1a"] == 3.0 and matrix.loc["r1", "i1b"] == 4.0
    assert np.isnan(matrix.loc["r1", "i2a"]) and np.isnan(matrix.loc["r2", "i1a"])
    assert matrix.loc["r2", "i1b"] == 3.0
