"""Problems that cause others: one bad cell that makes other rows, or other checks, fail.

A weight typed in one row of a table that has no other weights leaves every other row without
one; a respondent id the respondents table does not have makes each of its answers unknown; a
respondent filed under the wrong group puts each of its answers out of place. Listed one by one,
an office would see a dozen problems on rows it never touched and look for a dozen mistakes. A
:class:`~.problems.Problem` carries instead the rows it makes fail (``affected``): the report
shows one problem at the cause's file, row, column and value, "— 11 baris lain terdampak", and
the affected rows under it.

- :func:`caused`: a cause with the rows a mask flags listed under it;
- :func:`by_value`: flagged rows grouped by their value (one unknown id, one problem);
- :func:`fold`: the problems of one cell made one, so that a cell two checks flag (a weight of 0
  out of range, and the only weight given) is one problem carrying what it causes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bnn_lib.intake.problems import MAX_PER_CHECK, Problem, at_rows


def caused(
    cause: Problem, frame: pd.DataFrame, affected: np.ndarray, column: str | None, message: str, value: bool = True
) -> Problem:
    """``cause`` carrying the rows of ``frame`` that ``affected`` flags (the first MAX_PER_CHECK
    listed, each with ``message`` and its cell of ``column``; the rest counted)."""
    rows = np.flatnonzero(np.asarray(affected, dtype=bool))
    if not len(rows):
        return cause
    shown = frame.iloc[rows[:MAX_PER_CHECK]]
    listed = at_rows(shown, np.ones(len(shown), dtype=bool), column, message, value)
    return replace(cause, affected=tuple(listed), unlisted=len(rows) - len(listed))


def by_value(frame: pd.DataFrame, bad: np.ndarray, column: str, message: str) -> list[Problem]:
    """Flagged rows grouped by their cell of ``column``: one problem at the first row of each
    value, its other rows under it (one unknown id, however many rows hold it). The first
    MAX_PER_CHECK values of each file are problems, the rest are counted in one more."""
    rows = np.flatnonzero(np.asarray(bad, dtype=bool))
    if not len(rows):
        return []
    codes, _ = pd.factorize(pd.Series(frame[column].to_numpy(dtype=object)[rows]))
    firsts = rows[np.unique(codes, return_index=True)[1]]  # the first row of each value, in order
    sources = frame["_source"].to_numpy()
    problems: list[Problem] = []
    counted: dict[object, int] = {}
    for first in firsts:
        counted[sources[first]] = counted.get(sources[first], 0) + 1
        if counted[sources[first]] <= MAX_PER_CHECK:
            (cause,) = at_rows(frame.iloc[[first]], np.ones(1, dtype=bool), column, message)
            same = np.zeros(len(frame), dtype=bool)
            same[rows[codes == codes[np.searchsorted(rows, first)]]] = True
            same[first] = False
            problems.append(caused(cause, frame, same, column, message))
    for source, n in counted.items():
        if n > MAX_PER_CHECK:
            more = f"{n - MAX_PER_CHECK} nilai lain juga: {message}"
            problems.append(Problem(str(source), None, column, None, more))
    return problems


def fold(problems: list[Problem]) -> list[Problem]:
    """The problems of one cell (file, row, column) as one where one of them carries what it
    causes: the cell's own problems first in the message, then the cause's, and the affected
    rows under it. Other problems are left as they are, in their order."""
    places = {_place(p) for p in problems if p.row is not None and (p.affected or p.unlisted)}
    if not places:
        return problems
    together: dict[tuple, list[Problem]] = {}
    out: list[Problem | tuple] = []
    for p in problems:
        place = _place(p)
        if place in places and p.row is not None:
            if place not in together:
                out.append(place)  # the merged problem goes where the cell was first reported
            together.setdefault(place, []).append(p)
        else:
            out.append(p)
    return [_merge(together[p]) if isinstance(p, tuple) else p for p in out]


def _place(p: Problem) -> tuple:
    return (p.file, p.sheet, p.row, p.column)


def _merge(problems: list[Problem]) -> Problem:
    """One problem of a cell: its own problems' messages, then its causes'; their consequences."""
    ordered = sorted(problems, key=lambda p: bool(p.affected or p.unlisted))
    message = "; ".join(dict.fromkeys(p.message for p in ordered))
    value = next((p.value for p in ordered if p.value is not None), None)
    affected = tuple(a for p in ordered for a in p.affected)
    return replace(
        ordered[0], message=message, value=value, affected=affected, unlisted=sum(p.unlisted for p in ordered)
    )
