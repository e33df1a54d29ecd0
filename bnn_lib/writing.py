"""Writing files safely: atomically, and spreadsheets that never run what a cell says.

Every file the suite writes goes through a temporary file beside it and a rename, so a failed
run never leaves a half-written file in place of a good one. Workbooks are written with
openpyxl: text is always stored as text (a cell that begins with ``=``, ``+``, ``-`` or ``@`` is
not a formula), numbers as numbers, with a frozen, filtered header row and sized columns. CSV
has no cell types, so a text cell that a spreadsheet would run as a formula is written behind a
single quote, as OWASP's guidance on CSV injection says.
"""

from __future__ import annotations

import math
import os
import shutil
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from bnn_lib.staging import as_known, settle, work_path

# The process's umask, read once: temporary files are created owner-only, and the files that
# replace the user's are given the permissions a plain open() would have given them.
UMASK = os.umask(0)
os.umask(UMASK)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MAX_WIDTH = 60
# Excel's "Narrow" margins (inches): the page width left for a table's columns, 11.19 of A4's 11.69.
NARROW = {"left": 0.25, "right": 0.25, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
# What makes a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

LINE_HEIGHT = 15  # points: one line of the default 11 pt font


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; it replaces ``path`` only on success. An
    error names ``path``, never the temporary name (:func:`bnn_lib.staging.as_known`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = work_path(path, "tmp")
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        yield tmp
        tmp.chmod(0o666 & ~UMASK)
        tmp.replace(path)
    except OSError as exc:
        raise as_known(exc, tmp, path) from None
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


@contextmanager
def atomic_folder(folder: Path) -> Iterator[Path]:
    """A fresh staging folder beside ``folder`` to write into; it replaces ``folder`` whole only
    when the block ends without error, so a reader never sees a half-written set of files.

    The swap is two renames (a folder cannot replace a non-empty one in one step): the old
    folder is moved aside under a unique name, the staging folder takes its place, and only
    then is the old one deleted. If the second rename fails (a file held open on Windows, say),
    the old folder is moved back. What a run that died left beside ``folder`` (its staging
    folder, or the old folder moved aside, which goes back if ``folder`` is missing) is cleared
    first (:func:`bnn_lib.staging.settle`). An error names ``folder`` (or a file in it), never
    the staging name.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    settle(folder)
    staging = work_path(folder, "staging")
    try:
        staging.mkdir(mode=0o700)
        yield staging
        staging.chmod(0o777 & ~UMASK)
        _swap(staging, folder)
    except OSError as exc:
        raise as_known(exc, staging, folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` in the place of ``folder`` (see :func:`atomic_folder`)."""
    if not folder.exists():
        staging.replace(folder)
        return
    aside = work_path(folder, "old")
    try:
        folder.replace(aside)
    except OSError as exc:
        raise as_known(exc, aside, folder) from None
    try:
        staging.replace(folder)
    except BaseException:
        aside.replace(folder)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half-written."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV, atomically; text cells that a spreadsheet would run as a
    formula are written as text ('=1+1 → '=1+1). Numbers are left as numbers."""
    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name]):
            safe[name] = safe[name].map(_as_text, na_action="ignore")
    with atomic_path(path) as tmp:
        safe.to_csv(tmp, index=False, encoding="utf-8")
    return path


def _as_text(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def save_workbook(book, path: Path) -> Path:
    """Save an openpyxl workbook atomically."""
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def put(sheet: Worksheet, row: int, column: int, value: object, number_format: str | None = None):
    """Write one cell: text as text (never a formula), NaN as empty, numbers as numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return sheet.cell(row, column)
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        # A control character (from a file name or a cell) cannot be stored in a worksheet; it is
        # written as its escape, as the terminal shows it.
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
    if number_format:
        cell.number_format = number_format
    return cell


def write_rows(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    start: int = 1,
    formats: Mapping[int, str] | None = None,
    widths: Mapping[int, float] | None = None,
    freeze: bool = True,
    filters: bool = True,
) -> None:
    """A header row (styled, frozen, filtered) at row ``start`` and the rows under it.

    ``formats`` gives a number format per 0-based column; column widths follow the content
    (capped) unless ``widths`` sets them, and then long text wraps within the column.
    """
    formats, wrapped = formats or {}, set(widths or ())
    for j, name in enumerate(header, start=1):
        cell = put(sheet, start, j, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, row in enumerate(rows, start=start + 1):
        for j, value in enumerate(row, start=1):
            cell = put(sheet, i, j, value, formats.get(j - 1))
            cell.alignment = Alignment(vertical="top", wrap_text=j - 1 in wrapped)
        height = max([LINE_HEIGHT] + [wrapped_height(row[j], widths[j] - 1) for j in wrapped if row[j]])
        if height > LINE_HEIGHT:
            sheet.row_dimensions[i].height = height
    for j, name in enumerate(header):
        if widths and j in widths:
            width = widths[j]
        else:
            longest = max([len(str(name))] + [len(str(r[j])) for r in rows[:500] if r[j] is not None])
            width = min(MAX_WIDTH, longest + 2)
        sheet.column_dimensions[get_column_letter(j + 1)].width = width
    if freeze:
        sheet.freeze_panes = sheet.cell(start + 1, 1)
    if filters and header:
        sheet.auto_filter.ref = f"A{start}:{get_column_letter(len(header))}{start + max(len(rows), 1)}"


def wrapped_height(text: object, width: float) -> float:
    """The height (points) of a row whose cell of ``width`` characters wraps ``text`` word by word:
    not every spreadsheet program sizes rows itself."""
    return LINE_HEIGHT * max(1, len(textwrap.wrap(str(text), max(int(width), 1))))


def printable(sheet: Worksheet) -> None:
    """Print a sheet as people read it: landscape on A4 with narrow margins, all columns on the
    page width, the header row repeated on every page, the sheet's name and the page number of
    the pages in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_margins = PageMargins(**NARROW)
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.right.text = "Halaman &P dari &N"
