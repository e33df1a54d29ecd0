"""Problems found in input data, worded in Bahasa Indonesia for the offices that fix them.

A :class:`Problem` names where it is (file, sheet, row as a spreadsheet shows it, column as the
file spells it, with its letter) and what is wrong. Problems are collected, never raised one by
one: :class:`DataError` carries every blocking problem of a load, and the warnings travel beside
the results.

Inside the intake stages a table carries its locations in two hidden columns, ``_source`` (the
key of the file, or of the sheet of a workbook, it came from) and ``_row`` (the row a person
sees); :func:`at_rows` turns flagged positions into problems, and :func:`describe` fills in the
file name, sheet and the column as it was written once the sources are known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bnn_lib.intake import names
from bnn_lib.intake.cells import MARKED
from bnn_lib.intake.values import key

MAX_LISTED = 50  # problems printed by DataError
MAX_PER_CHECK = 20  # rows listed per column and check; the rest are counted in one more problem
# Hidden columns of a table being checked: where each row came from, and the item column of an
# answer unfolded from a wide table.
LOCATION = ["_source", "_row", "_column"]
CELL_COLUMNS = {"item_id", "value"}  # in a long table unfolded from a wide one, they sit in `_column`


@dataclass(frozen=True)
class Problem:
    """One bad cell, row, column or file (row and column are None where they do not apply)."""

    file: str
    row: int | None
    column: str | None
    value: object
    message: str
    sheet: str | None = None
    letter: str | None = None  # the spreadsheet column letter, where the file has one
    also: tuple[str, int | None] | None = None  # (file, row) of the row this one repeats
    # What this problem makes fail elsewhere (other rows, other checks), listed under it rather
    # than as problems of their own (:mod:`.causes`); ``unlisted`` counts those beyond the list.
    affected: tuple[Problem, ...] = ()
    unlisted: int = 0

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"baris {self.row}")
        if self.column:
            parts.append(f"kolom {self.letter + ' ' if self.letter else ''}{self.column!r}")
        where = f"{', '.join(parts)}: " if parts else ""
        value = "" if self.value is None else f" (nilai {shown(self.value)!r})"
        return f"{self.place}: {where}{self.message}{value}{self.elsewhere}{self.consequences}"

    @property
    def consequences(self) -> str:
        """How many rows (or other problems) this one makes fail, in words: " — 11 baris lain
        terdampak" (empty when none)."""
        n = len(self.affected) + self.unlisted
        if not n:
            return ""
        rows = {(a.file, a.row) for a in self.affected}
        what = "sel" if rows == {(self.file, self.row)} else "baris" if None not in {r for _, r in rows} else "masalah"
        return f" — {n} {what} lain terdampak"

    @property
    def place(self) -> str:
        """The file, and its sheet where it has one: "data.xlsx [Responden]"."""
        return place(self.file, self.sheet)

    @property
    def elsewhere(self) -> str:
        """Where the repeated row is, in words (empty when this problem repeats nothing)."""
        if self.also is None:
            return ""
        file, row = self.also
        same = file == self.place
        return f"; sama dengan baris {row}" + ("" if same else f" di {file}")


def place(file: str, sheet: str | None) -> str:
    """A file and its sheet as people name them: "2024/data.xlsx [Responden]"."""
    return file + (f" [{sheet}]" if sheet else "")


def shown(value: object, limit: int = 60) -> object:
    """A value as printed in a message: long text is cut, numbers that are whole lose '.0', the
    parts of a key are joined."""
    value = plain(value)
    if isinstance(value, tuple):
        return ", ".join(str(shown(v, limit)) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


class DataError(ValueError):
    """Input data that cannot be computed; ``problems`` lists every blocking problem found."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        files = sorted({p.file for p in problems})
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED])
        more = f"\n  … dan {len(problems) - MAX_LISTED} masalah lain" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{len(problems)} masalah di {', '.join(files)}:\n{shown}{more}")

    def __reduce__(self) -> tuple:
        # Rebuilt from the problems when it crosses a process boundary (compute_years).
        return (DataError, (self.problems, self.warnings))


def at_rows(
    frame: pd.DataFrame, bad: np.ndarray, column: str | None, message: str, value: bool = True
) -> list[Problem]:
    """A problem for each flagged row of ``frame`` (the first MAX_PER_CHECK per source, then a count).

    ``bad`` is a boolean mask over the rows; the value shown is the cell of ``column``. The
    file and row come from the hidden location columns.
    """
    rows = np.flatnonzero(np.asarray(bad, dtype=bool))
    if not len(rows):
        return []
    sources = frame["_source"].to_numpy()[rows]
    numbers = frame["_row"].to_numpy()[rows]
    cells = frame[column].to_numpy()[rows] if value and column in frame else [None] * len(rows)
    names = [column] * len(rows)
    if "_column" in frame and column in CELL_COLUMNS:
        # A table unfolded from a wide sheet: the answer's own column and cell, where it has one.
        own = frame["_column"].to_numpy()[rows]
        names = [c if isinstance(c, str) else column for c in own]
        if value:
            answers = frame["value"].to_numpy()[rows]
            cells = [a if isinstance(c, str) else x for c, a, x in zip(own, answers, cells, strict=True)]
    problems: list[Problem] = []
    counted: dict[str, int] = {}
    for source, row, name, cell in zip(sources, numbers, names, cells, strict=True):
        counted[source] = counted.get(source, 0) + 1
        if counted[source] <= MAX_PER_CHECK:
            problems.append(Problem(str(source), int(row), name, plain(cell), message))
    for source, n in counted.items():
        if n > MAX_PER_CHECK:
            more = f"{n - MAX_PER_CHECK} baris lain juga: {message}"
            problems.append(Problem(str(source), None, column, None, more))
    return problems


def plain(cell: object) -> object:
    """A cell as a plain Python value for a message (None for a blank)."""
    if isinstance(cell, tuple):
        return tuple(plain(c) for c in cell)
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
        return None
    if isinstance(cell, MARKED):
        return str(cell)  # as the spreadsheet shows it: #REF!, =A1*2, 35%
    return cell.item() if isinstance(cell, np.generic) else cell


@dataclass(frozen=True)
class Source:
    """Where a part of a table came from, and how it was read.

    ``file`` is the path relative to the data folder, ``headers`` maps each standard column
    (or item id) to the header as the file spells it and its column letter; ``sha256`` is the
    hash of the file's bytes, recorded with the results.
    """

    key: str
    file: str
    sheet: str | None = None
    how: str = ""
    headers: Mapping[str, tuple[str, str | None]] | None = None
    table: str | None = None  # the table it was read for (a mapping file: "<table>_mapping")
    sha256: str | None = None

    @property
    def place(self) -> str:
        """The file, and its sheet where it has one."""
        return place(self.file, self.sheet)

    @property
    def uses_ids(self) -> bool:
        """Whether the file names its columns by their ids (``respondent_id``) rather than by
        their Indonesian names (``id_responden``): more of its headers are ids than are those names."""
        spelled = [(key(h), column) for column, (h, _) in (self.headers or {}).items()]
        named = [column for column in (self.headers or {}) if names.header(column) != column]
        as_id = sum(h == key(c) for h, c in spelled if c in named)
        return as_id > sum(h == key(names.header(c)) for h, c in spelled if c in named)


def describe(problems: Iterable[Problem], sources: Mapping[str, Source]) -> list[Problem]:
    """Problems with the file name, sheet and the column as written in the file filled in; a
    column the file does not have, and a choice's value, named as the file would: by its
    Indonesian name, or by its id in a file that names its columns by their ids."""
    out = []
    for p in problems:
        affected = tuple(describe(p.affected, sources))
        source = sources.get(p.file)
        ids = source is not None and source.uses_ids
        value = p.value if ids or p.column is None else names.word(p.column, p.value)
        column = p.column if ids or p.column is None else names.header(p.column)
        if source is None:
            out.append(replace(p, column=column, value=value, affected=affected))
            continue
        header, letter = (source.headers or {}).get(p.column or "", (column, p.letter))
        also = p.also
        if also is not None and also[0] in sources:
            also = (sources[also[0]].place, also[1])
        where = {"file": source.file, "sheet": source.sheet, "column": header, "letter": letter, "also": also}
        out.append(replace(p, **where, value=value, affected=affected))
    return out
