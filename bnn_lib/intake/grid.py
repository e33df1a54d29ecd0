"""A table as written: the header found below any title rows, the cells under it, and where each
row and column sits in the file (the numbers and letters a person sees)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bnn_lib.intake.values import is_blank

HEADER_SEARCH = 30  # rows searched for the header, below any title rows


class UnreadableError(Exception):
    """A file that cannot be read at all; the message says why and what to do."""


@dataclass
class Raw:
    """A table as written: headers, cells (columns 0..k−1), row numbers and letters."""

    headers: list[str]
    body: pd.DataFrame
    rows: np.ndarray
    letters: list[str | None]
    how: list[str] = field(default_factory=list)
    # How numbers written as text are read when the file shows no convention of its own: a
    # ';'-separated file or a spreadsheet may come from Indonesian-locale Excel (3,5 and 1.234),
    # so there 1.234 is refused rather than guessed (see values.convention).
    numbers: str | None = "dot"
    labels: dict[str, dict] = field(default_factory=dict)  # SPSS value labels by header


def reason(exc: Exception) -> str:
    """The first line of a reader's exception, for a message (its type where it says nothing)."""
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position: 0 → A, 26 → AA."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(65 + rest) + out
    return out


def from_grid(grid: pd.DataFrame, rows: np.ndarray, left: int, recognise: Callable[[str], bool], how: list[str]) -> Raw:
    """Split a headerless grid into header and body: the header is the first row (of the first
    HEADER_SEARCH non-blank rows) with the most known cells; blank rows and unnamed blank
    columns are dropped, row numbers kept."""
    filled = _filled(grid)
    nonblank = np.flatnonzero(filled.any(axis=1))
    if not len(nonblank):
        return Raw([], pd.DataFrame(), np.array([], dtype=int), [], how)
    candidates = nonblank[:HEADER_SEARCH]
    hits = [sum(recognise(str(c)) for c in grid.iloc[i] if _is_text(c)) for i in candidates]
    at = candidates[int(np.argmax(hits))] if max(hits) else nonblank[0]
    if at != nonblank[0]:
        how.append(f"{int(rows[at] - rows[nonblank[0]])} baris judul di atas tabel dilewati")
    headers = [header_text(c) for c in grid.iloc[at]]
    body, body_rows, body_filled = grid.iloc[at + 1 :], rows[at + 1 :], filled[at + 1 :]
    keep_rows = body_filled.any(axis=1)
    keep_cols = [j for j, h in enumerate(headers) if h or body_filled[:, j].any()]
    body = body.iloc[keep_rows, keep_cols].reset_index(drop=True)
    body.columns = range(len(keep_cols))
    return Raw(
        headers=[headers[j] for j in keep_cols],
        body=body,
        rows=body_rows[keep_rows],
        letters=[letter(left + j) for j in keep_cols],
        how=how,
    )


def _filled(grid: pd.DataFrame) -> np.ndarray:
    """True where a cell holds something: not empty text, not missing. A cell of spaces passes
    here (testing every cell for it would double the time to read a large sheet); a row left
    with nothing once its cells are read is dropped then (see load._parse)."""
    values = grid.to_numpy(dtype=object)
    return ~((values == "") | pd.isna(values))


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and bool(cell.strip())


def header_text(cell: object) -> str:
    """A header cell as text: numbers typed in a header row lose a trailing '.0'."""
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return re.sub(r"\s+", " ", str(cell)).strip()
