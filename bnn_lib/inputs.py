"""A year's inputs read and checked whole: the intake's reading and checks
(:func:`bnn_lib.intake.read_year`), then the checks that need a figure a computing stage makes,
each computed once here and handed on:

- the respondent scores of each survey whose tables pass every check
  (:func:`bnn_lib.scoring.respondent_scores`): a part of the questionnaire scored nowhere is
  refused, a kab/kota or group without a score is a warning (:func:`.plausible.survey_scores`);
  the scores go on to the pipeline in ``Loaded.scores``, which does not compute them again;
- the status a kawasan's indicators allow (:func:`bnn_lib.kawasan.recorded_status`): a recorded
  status they contradict is a warning.

    loaded = check_year(Path("data"), 2024, specs)   # never raises for bad data
    loaded.problems, loaded.warnings                  # what blocks, what is worth a look
    tables = load_inputs(Path("data"), 2024, specs).tables   # raises DataError if anything blocks
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from bnn_lib.intake import DataError, Loaded, Problem, finish, read_year
from bnn_lib.intake.checks import contradicted_status, status_checkable
from bnn_lib.intake.plausible import survey_scores
from bnn_lib.kawasan import recorded_status
from bnn_lib.scoring import respondent_scores
from bnn_lib.spec import SURVEY_INDICES, IndexSpec


def data_years(folder: Path) -> list[int]:
    """The years with a folder of inputs under ``folder`` (``<folder>/<year>/``), oldest first;
    none where ``folder`` does not exist."""
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and p.is_dir())


def check_year(folder: Path, year: int, specs: dict[str, IndexSpec], tables: Collection[str] | None = None) -> Loaded:
    """Read and check every input table of ``folder/<year>/`` (or only ``tables``); raises only
    FileNotFoundError."""
    loaded = read_year(folder, year, specs, tables)
    for key in (k for k in SURVEY_INDICES if k in loaded.passed):
        people, answers = loaded.raw[f"{key}_respondents"], loaded.raw[f"{key}_answers"]
        scores = respondent_scores(answers, pd.Index(people["respondent_id"]), specs[key])
        problems, warnings = survey_scores(people, answers, specs[key], scores)
        loaded.problems += problems
        loaded.warnings += warnings
        loaded.scores[key] = scores
    frame = loaded.raw.get("kawasan_assessments")
    if "kawasan_assessments" in loaded.passed and status_checkable(frame, specs["ikkrn"]):
        loaded.warnings += contradicted_status(frame, *recorded_status(frame, specs["ikkrn"].status_rule))
    return finish(loaded)


def load_inputs(folder: Path, year: int, specs: dict[str, IndexSpec]) -> Loaded:
    """Like :func:`check_year`, but raises :class:`DataError` when anything blocks."""
    loaded = check_year(folder, year, specs)
    if loaded.problems:
        raise DataError(loaded.problems, loaded.warnings)
    return loaded


def outside_years(specs: dict[str, IndexSpec], year: int) -> list[Problem]:
    """A warning for each spec applied to a ``year`` outside its own years (``years_from`` …
    ``years_to``): allowed (a researcher tries a method on another year), never silent."""
    return [
        Problem(
            spec.path or spec.id,
            None,
            None,
            year,
            f"spesifikasi {spec.id} berlaku {_years(spec)}, dipakai untuk tahun di luar itu: hasilnya tidak sebanding "
            "dengan yang diterbitkan untuk tahun ini",
        )
        for spec in specs.values()
        if not spec.applies_to(year)
    ]


def _years(spec: IndexSpec) -> str:
    """ "2022 dan sesudahnya", "sampai 2021", "2020–2021"."""
    if spec.years_from is not None and spec.years_to is not None:
        return f"{spec.years_from}–{spec.years_to}"
    return f"{spec.years_from} dan sesudahnya" if spec.years_from is not None else f"sampai {spec.years_to}"
