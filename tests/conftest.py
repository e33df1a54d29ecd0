"""Shared fixtures: a tiny survey spec worked by hand, and the synthetic sample built once."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from bnn_lib.pipeline import compute_survey
from bnn_lib.sample import write_sample
from bnn_lib.spec import IndexSpec, load_spec, parse_spec

BANDS = [
    {"label": "Tidak Tanggap", "lower": 0.0, "upper": 25.0},
    {"label": "Cukup Tanggap", "lower": 25.01, "upper": 50.0},
    {"label": "Tanggap", "lower": 50.01, "upper": 75.0},
    {"label": "Sangat Tanggap", "lower": 75.01, "upper": 100.0},
]

TINY = {
    "id": "tiny",
    "index": "TINY",
    "version": "1",
    "title": "Tiny survey index",
    "kind": "survey",
    "scale": {"min": 1, "max": 4, "missing_codes": [9], "min_answered_share": 0.5, "provenance": "assumed"},
    "weighting": {"provenance": "assumed"},
    "aggregation": {"unit_weighting": "equal_unit", "method": "arithmetic", "provenance": "assumed"},
    "rescale": {"from_range": [1, 4], "to_range": [0, 100], "provenance": "assumed"},
    "bands": {
        "mode": "fixed",
        "fixed": BANDS,
        "labels": ["Cukup Tanggap", "Tanggap", "Sangat Tanggap"],
        "success_from": "Tanggap",
        "provenance": "assumed",
    },
    "groups": {"a": {"name": "A", "provenance": "assumed"}, "b": {"name": "B", "provenance": "assumed"}},
    "variables": [
        {
            "id": "V1",
            "name": "V1",
            "weight": 1.0,
            "provenance": "assumed",
            "indicators": [
                {
                    "id": "I1",
                    "name": "I1",
                    "groups": ["a", "b"],
                    "provenance": "assumed",
                    "items": [
                        {"id": "i1a", "provenance": "assumed"},
                        {"id": "i1b", "reverse": True, "provenance": "assumed"},
                    ],
                },
            ],
        },
        {
            "id": "V2",
            "name": "V2",
            "weight": 1.0,
            "provenance": "assumed",
            "indicators": [
                {
                    "id": "I2",
                    "name": "I2",
                    "groups": ["b"],
                    "provenance": "assumed",
                    "items": [
                        {"id": "i2a", "provenance": "assumed"},
                    ],
                },
            ],
        },
    ],
}


def tiny_spec(**changes) -> IndexSpec:
    """The tiny spec with top-level sections updated: tiny_spec(aggregation={...})."""
    raw = copy.deepcopy(TINY)
    for key, value in changes.items():
        raw[key] = {**raw[key], **value} if isinstance(value, dict) else value
    return parse_spec(raw, "tiny.toml")


def one_row_per_respondent(people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The survey as form tools export it, made here with a plain pandas pivot (not the suite's own
    code): the respondent's columns, then one column per item in spec order, blank where unanswered."""
    items = [it.id for ind in spec.indicators for it in ind.items]
    grid = answers.astype({"respondent_id": str, "item_id": str}).pivot(
        index="respondent_id", columns="item_id", values="value"
    )
    return people.merge(grid.reindex(columns=items), left_on="respondent_id", right_index=True, how="left")


def survey_tables(spec: IndexSpec, respondents: pd.DataFrame, answers: pd.DataFrame) -> dict:
    """Run the survey stages on in-memory tables."""
    return compute_survey(respondents, answers, spec, "tiny")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> str:
    """The full synthetic sample, generated once per test session."""
    return str(write_sample(tmp_path_factory.mktemp("sample")))


@pytest.fixture(scope="session")
def results_2024(sample_dir):
    from bnn_lib.pipeline import compute_year

    return compute_year(2024, sample_dir)


@pytest.fixture(scope="session")
def ikotan_spec() -> IndexSpec:
    return load_spec("ikotan-juknis-2021")


@pytest.fixture(scope="session")
def reports_dir(sample_dir, tmp_path_factory):
    """Results of 2023 and 2024 computed from the sample into a temporary reports folder."""
    from bnn_lib import cli

    out = tmp_path_factory.mktemp("reports")
    assert cli.main(["compute", "--year", "2023", "2024", "--data", sample_dir, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def rendered(reports_dir):
    """Aceh, DKI Jakarta, their measured kab/kota and the national report of 2024, rendered by
    the batch."""
    from bnn_lib.reporting import batch

    outcomes = batch.run(batch.Batch(year=2024, out=reports_dir, provinces=["11", "31", "nasional"], progress=False))
    assert {o.key for o in outcomes} >= {"11", "31", "nasional"}
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes]
    return reports_dir / "2024"


def research_notebook_outputs(name: str, folder: Path, data: str) -> list:
    """Run the shipped research notebook ``name`` on the data folder ``data`` (executed copy in
    ``folder``) and return the outputs of its code cells; none may be an error."""
    import papermill

    from bnn_lib.paths import NOTEBOOKS_DIR
    from bnn_lib.reporting import engine

    engine.register()
    nb = papermill.execute_notebook(
        str(NOTEBOOKS_DIR / name),
        str(folder / name),
        parameters={"data_dir": data},
        engine_name=engine.ENGINE_NAME,
        progress_bar=False,
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs
