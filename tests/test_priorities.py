"""Prioritas tindak lanjut: each rule on a year worked by hand, and the outputs beside the change
of the outcome indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bnn_lib.association import output_association
from bnn_lib.priorities import RULES_FILE, load_rules, priority_table
from bnn_lib.spec import SpecError, load_spec

SPEC = load_spec("ikotan-juknis-2021")  # fixed bands: Tanggap from 50.01, the success band


def year() -> dict[str, pd.DataFrame]:
    """Three kab/kota of Aceh. A (11.01) lies below Tanggap beyond its interval, fell two years
    running, is 8 points below the nation on one variable and has 12 kawasan rawan, none
    intervened. B (11.02) is Tanggap, but 30 % of the replicates put it below. C (11.03) is fine."""
    codes = ["11.01", "11.02", "11.03"]
    kabkota = pd.DataFrame({"kabkota_code": codes, "band": ["Cukup Tanggap", "Tanggap", "Tanggap"]})
    intervals = pd.DataFrame(
        {
            "region_code": codes,
            "level": "kabkota",
            "value_100": [45.0, 52.0, 70.0],
            "lo95": [42.0, 49.0, 67.0],
            "hi95": [48.0, 55.0, 73.0],
            "p_Tidak Tanggap": [0.0, 0.0, 0.0],
            "p_Cukup Tanggap": [1.0, 0.3, 0.0],
            "p_Tanggap": [0.0, 0.7, 1.0],
            "p_Sangat Tanggap": [0.0, 0.0, 0.0],
            "spec_id": SPEC.id,
            "spec_version": SPEC.version,
        }
    )
    bands = pd.DataFrame([b.model_dump() for b in SPEC.bands.fixed])
    variables = pd.DataFrame(
        {
            "variable_id": ["hukum", "hukum", "kewilayahan"],
            "kabkota_code": ["11.01", "11.02", "11.03"],
            "score_100": [62.0, 67.0, 68.0],
            "diff": [-8.0, -3.0, 2.0],  # B is below too, but by less than the rules' 5 points
            "diff_lo95": [-13.0, -6.0, -1.0],
            "diff_hi95": [-3.0, -0.5, 5.0],
            "national_100": [70.0, 70.0, 66.0],
        }
    )
    change = pd.DataFrame({"region_code": codes, "change": [-2.0, 1.0, 0.5], "lo95": [-3.5, -0.5, -1.0]})
    change["hi95"] = [-0.5, 2.5, 2.0]
    status = pd.DataFrame({"kabkota_code": codes, "n_rawan": [12, 12, 2], "n_intervened": [0, 1, 0]})
    return {
        "ikotan_kabkota": kabkota,
        "ikotan_intervals": intervals,
        "ikotan_bands": bands,
        "ikotan_variable_intervals": variables,
        "ikotan_change": change,
        "ikkrn_status": status,
    }


def test_each_rule_finds_what_the_numbers_support():
    previous = {"ikotan_change": pd.DataFrame({"region_code": ["11.01", "11.02"], "change": [-1.0, -4.0]})}
    table = priority_table(year(), {"ikotan": SPEC}, load_rules(), previous)
    national = table[table["level"] == "nasional"]
    found = national.groupby("kabkota_code")["reason"].apply(set).to_dict()
    assert found == {
        "11.01": {"below_success", "declining", "weak_variable", "rawan_not_intervened"},
        "11.02": {"may_fall"},  # 12 kawasan rawan, but one was intervened; it rose this year
    }
    assert national.drop_duplicates("kabkota_code")["rank"].tolist() == [1, 2]  # most reasons first
    assert (national["n_flagged"] == 2).all()
    below = national[national["reason"] == "below_success"].iloc[0]
    assert (below["value"], below["hi95"], below["reference"]) == (45.0, 48.0, 50.01)  # the edge it is below
    assert below["probability"] == 0.0  # no replicate reaches Tanggap
    fall = national[national["reason"] == "may_fall"].iloc[0]
    assert fall["probability"] == pytest.approx(0.3)
    weak = national[national["reason"] == "weak_variable"].iloc[0]
    assert (weak["component"], weak["value"], weak["reference"], weak["score"]) == ("hukum", -8.0, 70.0, 62.0)
    decline = national[national["reason"] == "declining"].iloc[0]
    assert (decline["value"], decline["hi95"], decline["reference"]) == (-2.0, -0.5, -1.0)
    assert national[national["reason"] == "rawan_not_intervened"]["count"].tolist() == [12]
    # The province's list is the same here; each kab/kota has its own list.
    assert set(table[table["level"] == "provinsi"]["code"]) == {"11"}
    own = table[(table["level"] == "kabkota") & (table["code"] == "11.01")]
    assert own["rank"].tolist() == [1, 2, 3, 4] and set(own["reason"]) == found["11.01"]


def test_each_finding_carries_its_numbers_on_the_score_scale_worked_by_hand():
    # 1–4 = 0–100 / 100 × 3 + 1 for a level (a value, an edge, a score); × 3 / 100 for a gap or a
    # change. A level mapped as a gap would be 1 off; a gap mapped as a level would be 1 off.
    previous = {"ikotan_change": pd.DataFrame({"region_code": ["11.01", "11.02"], "change": [-1.0, -4.0]})}
    table = priority_table(year(), {"ikotan": SPEC}, load_rules(), previous)
    national = table[table["level"] == "nasional"].set_index("reason")
    below = national.loc["below_success"]
    assert (below["value_score"], below["hi95_score"]) == pytest.approx((2.35, 2.44))
    assert below["reference_score"] == pytest.approx(2.5003)
    weak = national.loc["weak_variable"]
    assert (weak["value_score"], weak["lo95_score"], weak["hi95_score"]) == pytest.approx((-0.24, -0.39, -0.09))
    assert (weak["reference_score"], weak["score_score"]) == pytest.approx((3.1, 2.86))
    decline = national.loc["declining"]
    assert (decline["value_score"], decline["reference_score"]) == pytest.approx((-0.06, -0.03))
    assert np.isnan(national.loc["rawan_not_intervened", "value_score"])  # a count has no scale


def test_a_small_cell_is_listed_nowhere():
    # What the public copy blanks (an index resting on too few respondents) must not reappear in a list.
    tables = year()
    tables["ikotan_kabkota"] = tables["ikotan_kabkota"].assign(small_cell=[True, False, False])
    table = priority_table(tables, {"ikotan": SPEC}, load_rules())
    assert set(table.loc[table["index"] == "ikotan", "kabkota_code"]) == {"11.02"}


def test_without_last_years_changes_nothing_is_called_a_decline():
    table = priority_table(year(), {"ikotan": SPEC}, load_rules())
    assert "declining" not in set(table["reason"])


def test_the_shipped_rules_load_and_state_their_grounds():
    rules = load_rules(RULES_FILE)
    assert rules.provenance == "assumed" and all(rule.note for rule in rules.rules)
    assert {rule.id for rule in rules.rules} >= {"below_success", "may_fall", "declining", "weak_group", "relapsed"}


def test_outputs_beside_the_change_match_a_least_squares_fit_by_hand():
    rng = np.random.default_rng(5)
    codes = [f"11.{j:02d}" for j in range(1, 31)]
    penggiat = rng.integers(100, 200, len(codes)).astype(float)
    change = 0.05 * penggiat + rng.normal(0, 2, len(codes))
    outputs = pd.DataFrame({"kabkota_code": codes, "penggiat_formed": penggiat, "kawasan_intervened": 0.0})
    outputs["lifeskill_participants"] = 0.0
    table = output_association(outputs, {"ikotan": pd.DataFrame({"region_code": codes, "change": change})})
    row = table.set_index("output").loc["penggiat_formed"]
    x, n = penggiat / row["per"], len(codes)
    slope, intercept = np.polyfit(x, change, 1)
    residual = change - (slope * x + intercept)
    se = np.sqrt(residual @ residual / (n - 2) / ((x - x.mean()) @ (x - x.mean())))
    assert row["per"] == 10 and row["n"] == n
    assert row["slope"] == pytest.approx(slope)
    assert row["slope_high"] - row["slope"] == pytest.approx(stats.t.ppf(0.975, n - 2) * se)
    assert row["r"] == pytest.approx(np.corrcoef(penggiat, change)[0, 1])
    assert np.isnan(table.set_index("output").loc["kawasan_intervened", "slope"])  # no variation: no slope


@pytest.mark.parametrize(("field", "value"), [("min_gap", "inf"), ("min_gap", "nan"), ("min_gap", "150.0"),
                                              ("min_probability", "1.0"), ("max_items", "0")])  # fmt: skip
def test_a_rules_file_with_a_number_out_of_range_is_refused_naming_it(tmp_path, field, value):
    text = RULES_FILE.read_text(encoding="utf-8")
    if field.startswith("max_"):
        text = text.replace(f"{field} = 10", f"{field} = {value}", 1)
    else:
        text = text.replace('id = "declining"\n', f'id = "declining"\n{field} = {value}\n', 1)
    path = tmp_path / "prioritas.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=field):
        load_rules(path)
