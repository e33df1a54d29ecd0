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


def test_the_realisasi_of_each_outcome_is_the_figure_it_names(results_2024):
    """The national realisasi of each outcome measure, worked out from the kab/kota rows: an
    index is the mean of its kab/kota, a count of kab/kota counts those at the success band or
    above, a count of kawasan adds the kab/kota counts, a rate is pulih over decided."""
    tables, specs = results_2024.tables, results_2024.specs
    kpi = tables["kpi"]
    national = kpi[kpi["region_code"] == "00"].set_index("measure")["realisasi"]
    bands = specs["ikotan"].bands
    success = bands.all_labels[bands.all_labels.index(bands.success_from) :]
    kawasan = {k: tables[f"{k}_regions"][tables[f"{k}_regions"]["level"] == "kabkota"] for k in ("ikkrn", "ikktt")}
    nation = tables["ikkrn_regions"].set_index("region_code").loc["00"]
    expected = {
        "ikotan": tables["ikotan_kabkota"]["value"].mean(),
        "ikotan_n_tanggap": tables["ikotan_kabkota"]["band"].astype(str).isin(success).sum(),
        "ikp": tables["ikp_kabkota"]["value"].mean(),
        "ikkrn_pulih": kawasan["ikkrn"]["n_pulih"].sum(),
        "ikkrn_rate": 100 * nation["n_pulih"] / nation["n_decided"],
        "ikktt_pulih": kawasan["ikktt"]["n_pulih"].sum(),
    }
    assert {m.id for m in outcomes()} == set(expected)
    assert national[list(expected)].to_dict() == pytest.approx(expected)


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
