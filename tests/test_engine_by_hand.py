"""A data set small enough to work by hand; the working is in the comments.

Kab/kota 11.01, spec TINY (conftest): V1 = {I1: items i1a, i1b (reverse)} answered by groups a
and b; V2 = {I2: item i2a} answered by group b only. Scale 1–4, 9 = tidak tahu, an indicator
needs half its items answered. Reverse coding: 1 + 4 − x.

    r1 (a): i1a 4, i1b 1 → 4          s(r1, I1) = (4 + 4)/2 = 4
    r2 (a): i1a 2, i1b 9              s(r2, I1) = 2 (1 of 2 items answered: enough)
    r5 (a): i1a 4, i1b 1 → 4          s(r5, I1) = 4
    r6 (a): i1a 9, i1b blank          no score
    r3 (b): i1a 3, i1b 2 → 3; i2a 1   s(r3, I1) = 3, s(r3, I2) = 1
    r4 (b): i1a 1, i1b blank; i2a 3   s(r4, I1) = 1, s(r4, I2) = 3

equal_unit: S(a, I1) = (4 + 2 + 4)/3 = 10/3; S(b, I1) = (3 + 1)/2 = 2 → S(I1) = 8/3
            S(b, I2) = (1 + 3)/2 = 2 → S(I2) = 2
            IKOTAN = (8/3 + 2)/2 = 7/3 → (7/3 − 1)/3 × 100 = 44.444… → Cukup Tanggap
pooled:     S(I1) = (4 + 2 + 4 + 3 + 1)/5 = 2.8; S(I2) = 2 → (2.8 + 2)/2 = 2.4 → 46.666…
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import survey_tables, tiny_spec

RESPONDENTS = pd.DataFrame(
    {
        "respondent_id": ["r1", "r2", "r5", "r6", "r3", "r4"],
        "kabkota_code": "11.01",
        "group": ["a", "a", "a", "a", "b", "b"],
    }
)
ANSWERS = pd.DataFrame(
    [
        ("r1", "i1a", 4),
        ("r1", "i1b", 1),
        ("r2", "i1a", 2),
        ("r2", "i1b", 9),
        ("r5", "i1a", 4),
        ("r5", "i1b", 1),
        ("r6", "i1a", 9),
        ("r6", "i1b", None),
        ("r3", "i1a", 3),
        ("r3", "i1b", 2),
        ("r3", "i2a", 1),
        ("r4", "i1a", 1),
        ("r4", "i1b", None),
        ("r4", "i2a", 3),
    ],
    columns=["respondent_id", "item_id", "value"],
)


def kabkota_row(spec) -> pd.Series:
    return survey_tables(spec, RESPONDENTS, ANSWERS)["tiny_kabkota"].iloc[0]


def test_equal_unit_weighting():
    row = kabkota_row(tiny_spec())
    assert row["value"] == pytest.approx(7 / 3)
    assert row["value_100"] == pytest.approx(400 / 9)  # (7/3 − 1)/3 × 100
    assert row["band"] == "Cukup Tanggap"
    assert row["n_respondents"] == 6


def test_pooled_weighting():
    row = kabkota_row(tiny_spec(aggregation={"unit_weighting": "pooled"}))
    assert row["value"] == pytest.approx(2.4)
    assert row["value_100"] == pytest.approx(140 / 3)


def test_group_means_and_indicators():
    tables = survey_tables(tiny_spec(), RESPONDENTS, ANSWERS)
    groups = tables["tiny_groups"].set_index(["group", "indicator_id"])["score"]
    assert groups[("a", "I1")] == pytest.approx(10 / 3)
    assert groups[("b", "I1")] == pytest.approx(2)
    assert groups[("b", "I2")] == pytest.approx(2)
    assert math.isnan(groups[("a", "I2")])  # group a is not asked I2
    indicators = tables["tiny_indicators"].set_index("indicator_id")["score"]
    assert indicators["I1"] == pytest.approx(8 / 3)


def test_variable_weights():
    # W(V1) = 3, W(V2) = 1: (3 × 8/3 + 2)/4 = 2.5 → 50.00 → still Cukup Tanggap (upper edge 50.00)
    spec = tiny_spec()
    raw = spec.model_dump(exclude={"path"})
    raw["variables"][0]["weight"] = 3.0
    from bnn_lib.spec import parse_spec

    row = kabkota_row(parse_spec(raw))
    assert row["value"] == pytest.approx(2.5)
    assert row["value_100"] == pytest.approx(50.0)
    assert row["band"] == "Cukup Tanggap"


def test_geometric_aggregation():
    row = kabkota_row(tiny_spec(aggregation={"method": "geometric"}))
    assert row["value"] == pytest.approx(math.sqrt(8 / 3 * 2))  # √(S(I1)·S(I2)) = 2.3094


def test_missing_rule_threshold():
    # Needing every item: r2 and r4 lose their I1 score. S(a, I1) = (4 + 4)/2 = 4, S(b, I1) = 3
    # → S(I1) = 3.5; IKOTAN = (3.5 + 2)/2 = 2.75.
    row = kabkota_row(tiny_spec(scale={"min_answered_share": 1.0}))
    assert row["value"] == pytest.approx(2.75)


def test_respondent_weights():
    # r1 counts three times: S(a, I1) = (3·4 + 2 + 4)/5 = 3.6 → S(I1) = (3.6 + 2)/2 = 2.8
    people = RESPONDENTS.assign(weight=[3.0, 1, 1, 1, 1, 1])
    row = survey_tables(tiny_spec(), people, ANSWERS)["tiny_kabkota"].iloc[0]
    assert row["value"] == pytest.approx((2.8 + 2) / 2)


def test_results_carry_spec_id_and_province():
    tables = survey_tables(tiny_spec(), RESPONDENTS, ANSWERS)
    for name in ("tiny_kabkota", "tiny_variables", "tiny_regions"):
        assert set(tables[name]["spec_id"]) == {"tiny"}
    assert tables["tiny_kabkota"].loc[0, "province_code"] == "11"
    assert tables["tiny_kabkota"].loc[0, "kabkota"] == "Kab. Aceh Selatan"
