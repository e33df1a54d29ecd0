"""The table of measures: validated when read, and true to the results it points into."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from bnn_lib.measures import load_measures, measures, outcomes
from bnn_lib.rollup import kpi_table
from bnn_lib.spec import SpecError

OUTCOME = """
[[measure]]
id = "ikotan"
kind = "outcome"
label = "IKOTAN"
unit = "indeks"
decimals = 2
index = "ikotan"
table = "ikotan_regions"
column = "value"
"""


def test_every_outcome_points_at_a_column_of_the_results(results_2024):
    """Each outcome's realisasi is read off a table and column the engine writes, and the KPI
    table carries it for the nation."""
    kpi = results_2024.tables["kpi"]
    for m in outcomes():
        assert m.column in results_2024.tables[m.table], m.id
        national = kpi[(kpi["measure"] == m.id) & (kpi["region_code"] == "00")]["realisasi"]
        expected = results_2024.tables[m.table].set_index("region_code").loc["00", m.column]
        assert national.tolist() == pytest.approx([expected]), m.id


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.replace('unit = "indeks"', 'unit = "poin"'), "measure.0.unit"),
        (lambda t: t.replace('table = "ikotan_regions"\n', ""), "measure.0"),
        (lambda t: t + t, "measure"),
        (lambda t: t.replace("decimals = 2", "decimals = -1"), "measure.0.decimals"),
    ],
)
def test_a_broken_table_is_refused_naming_the_field(tmp_path, edit, field):
    path = tmp_path / "measures.toml"
    path.write_text(edit(OUTCOME), encoding="utf-8")
    with pytest.raises(SpecError, match=rf"measures\.toml: {field}"):
        load_measures(path)


def test_capaian_follows_the_direction_of_the_measure(monkeypatch):
    """Higher is better: 80 of a target of 100 is 80 %. Lower is better (a prevalence, say):
    80 against a ceiling of 100 is 100 / 80 = 125 %."""
    lower = next(m for m in measures() if m.id == "ikkrn_rate").model_copy(update={"direction": "turun"})
    monkeypatch.setattr(sys.modules["bnn_lib.rollup"], "measures", lambda: (lower,))
    realised = pd.DataFrame(
        {"region_code": ["00", "00"], "measure": ["ikkrn_rate", "ikkrn_pulih"], "realisasi": [80.0, 80.0]}
    )
    targets = pd.DataFrame(
        {
            "region_code": ["00", "00"],
            "measure": ["ikkrn_rate", "ikkrn_pulih"],
            "year": [2024, 2024],
            "target": [100.0, 100.0],
        }
    )
    table = kpi_table(realised, targets, 2024).set_index("measure")["capaian_pct"]
    assert table.to_dict() == pytest.approx({"ikkrn_rate": 125.0, "ikkrn_pulih": 80.0})
