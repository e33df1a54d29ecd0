"""Survey tables: a wide table (one row per respondent) unfolded into the long respondents and
answers, the two put together with the long tables and checked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.intake import checks
from bnn_lib.intake.copies import copied_answers
from bnn_lib.intake.problems import Problem
from bnn_lib.spec import IndexSpec


def survey_tables(
    key: str, spec: IndexSpec, raw_tables: dict[str, pd.DataFrame], blocked: set[str]
) -> tuple[dict[str, pd.DataFrame], list[Problem], list[Problem]]:
    """Respondents and answers of a survey index from its long tables and its wide table, checked:
    the tables, the problems and the warnings. ``blocked``: the files that already have a problem
    (copies are looked at only in tables that pass every check; so are scores, by
    :mod:`bnn_lib.inputs`)."""
    found: list[Problem] = []
    warned: list[Problem] = []
    people = [raw_tables[t] for t in (f"{key}_respondents",) if t in raw_tables]
    answers = [raw_tables[t] for t in (f"{key}_answers",) if t in raw_tables]
    if f"{key}_survey" in raw_tables:
        wide_people, wide_answers = unfold(raw_tables[f"{key}_survey"], spec)
        people.append(wide_people)
        answers.append(wide_answers)
    if not people and not answers:
        return {}, [], []
    if not people or not answers:
        what, missing = ("jawaban", "tabel responden") if answers else ("responden", "jawaban")
        tables = f"{key}_respondents" if answers else f"{key}_answers"
        message = f"ada {what} {key.upper()} tetapi tidak ada {missing} ({tables} atau {key}_survey)"
        source = checks.source_of((people or answers)[0], f"{what} {spec.index}")
        return {}, [Problem(source, None, None, None, message)], []
    people_frame = pd.concat(people, ignore_index=True) if len(people) > 1 else people[0]
    answer_frame = pd.concat(answers, ignore_index=True) if len(answers) > 1 else answers[0]
    for problems, warnings in (
        checks.respondents(people_frame, spec),
        # A repeated respondent is reported there; its first row stands for it in the answer checks.
        checks.answers(answer_frame, spec, people_frame.drop_duplicates("respondent_id")),
    ):
        found += problems
        warned += warnings
    if passed(people_frame, answer_frame, found, blocked):
        warned += copied_answers(people_frame, answer_frame)
    return {f"{key}_respondents": people_frame, f"{key}_answers": answer_frame}, found, warned


def passed(people: pd.DataFrame, answers: pd.DataFrame, found: list[Problem], blocked: set[str]) -> bool:
    """Whether a survey's tables pass every check (no problem ``found`` in them, none of their
    files ``blocked``): only then do copies and scores mean something."""
    files = set(pd.unique(people["_source"])) | set(pd.unique(answers["_source"]))
    return not found and not files & blocked


def unfold(wide: pd.DataFrame, spec: IndexSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide survey table (one row per respondent, one column per item) as respondents and
    long answers; a blank cell is not an answer. Each answer keeps its row and item column."""
    item_ids = [i for i in spec.item_ids if i in wide]
    people = wide.drop(columns=item_ids)
    values = wide[item_ids].to_numpy(dtype=float)
    r, c = np.nonzero(~np.isnan(values))
    ids, uniques = pd.factorize(wide["respondent_id"])
    item = pd.Categorical.from_codes(c, item_ids)
    answers = pd.DataFrame(
        {
            "respondent_id": pd.Categorical.from_codes(ids[r], pd.Index(uniques.astype(str), dtype=object)),
            "item_id": item,
            "value": values[r, c],
            "_source": wide["_source"].to_numpy()[r],
            "_row": wide["_row"].to_numpy()[r],
            "_column": item,
        }
    )
    return people, answers
