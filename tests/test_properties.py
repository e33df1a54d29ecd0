"""Properties that hold for any answers: bounds, monotonicity, order and scale invariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import survey_tables, tiny_spec
from hypothesis import given, settings
from hypothesis import strategies as st

from bnn_lib.spec import parse_spec

GROUPS = ["a", "a", "a", "b", "b", "b"]
ITEMS = {"a": ["i1a", "i1b"], "b": ["i1a", "i1b", "i2a"]}
CELLS = [(f"r{n}", item) for n, group in enumerate(GROUPS) for item in ITEMS[group]]
RESPONDENTS = pd.DataFrame(
    {
        "respondent_id": [f"r{n}" for n in range(len(GROUPS))],
        "kabkota_code": ["11.01", "11.01", "11.02", "11.01", "11.02", "11.02"],
        "group": GROUPS,
    }
)
answer = st.sampled_from([1, 2, 3, 4, 9, None])
answer_sets = st.lists(answer, min_size=len(CELLS), max_size=len(CELLS))


def frame(values) -> pd.DataFrame:
    return pd.DataFrame(
        [(r, i, v) for (r, i), v in zip(CELLS, values, strict=True)],
        columns=["respondent_id", "item_id", "value"],
    )


def index_values(spec, values) -> pd.Series:
    table = survey_tables(spec, RESPONDENTS, frame(values))["tiny_kabkota"]
    return table.set_index("kabkota_code")["value"]


@settings(max_examples=60, deadline=None)
@given(answer_sets, st.sampled_from(["arithmetic", "geometric"]), st.sampled_from(["equal_unit", "pooled"]))
def test_index_stays_on_the_scale(values, method, pooling):
    spec = tiny_spec(aggregation={"method": method, "unit_weighting": pooling})
    result = index_values(spec, values).dropna()
    assert ((result >= 1 - 1e-12) & (result <= 4 + 1e-12)).all()


@settings(max_examples=60, deadline=None)
@given(answer_sets, st.integers(0, len(CELLS) - 1), st.sampled_from(["arithmetic", "geometric"]))
def test_monotone_in_every_item(values, cell, method):
    # Raising one answer never lowers the index (never raises it for a reverse-coded item).
    if values[cell] not in (1, 2, 3):
        values[cell] = 1
    spec = tiny_spec(aggregation={"method": method})
    before = index_values(spec, values)
    raised = list(values)
    raised[cell] += 1
    after = index_values(spec, raised)
    both = before.notna() & after.notna()
    sign = -1 if CELLS[cell][1] == "i1b" else 1
    assert (sign * (after[both] - before[both]) >= -1e-12).all()


@settings(max_examples=40, deadline=None)
@given(answer_sets, st.randoms(use_true_random=False))
def test_invariant_to_row_order(values, rnd):
    spec = tiny_spec()
    answers = frame(values)
    order = list(range(len(answers)))
    rnd.shuffle(order)
    people = RESPONDENTS.iloc[::-1].reset_index(drop=True)
    a = survey_tables(spec, RESPONDENTS, answers)["tiny_kabkota"].set_index("kabkota_code")["value"]
    b = survey_tables(spec, people, answers.iloc[order])["tiny_kabkota"].set_index("kabkota_code")["value"]
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), check_exact=False, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(answer_sets, st.floats(0.01, 100), st.floats(0.1, 5), st.floats(0.1, 5))
def test_invariant_to_scaling_all_weights(values, c, w1, w2):
    base = tiny_spec().model_dump(exclude={"path"})
    base["variables"][0]["weight"], base["variables"][1]["weight"] = w1, w2
    scaled = tiny_spec().model_dump(exclude={"path"})
    scaled["variables"][0]["weight"], scaled["variables"][1]["weight"] = c * w1, c * w2
    for var in scaled["variables"]:
        for ind in var["indicators"]:
            ind["weight"] *= c
    a = index_values(parse_spec(base), values)
    b = index_values(parse_spec(scaled), values)
    assert np.allclose(a.to_numpy(), b.to_numpy(), equal_nan=True)
