"""How a sheet of the performance workbook is written: its title, its table of columns from a
frame (:class:`.sheets.Col`), widths that print legibly, and the heading rows of a Laporan
Kinerja table.

A column with a set width wraps its text there; any other column is as wide as the longest
value it shows (a number as Excel shows it in its format) or the longest word of its heading.
With the sheet fitted to the page width (:func:`bnn_lib.writing.printable`), the widths are what
keeps the print legible: the sheets are laid out so that none is scaled below about 8 pt.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.kinerja import INDICATOR, REGION
from bnn_lib.reporting.sheets import PER_ROW, Col
from bnn_lib.reporting.words import SYNTHETIC
from bnn_lib.rounding import rounded
from bnn_lib.writing import MAX_WIDTH, printable, put, wrapped_height, write_rows

TITLE_FONT = Font(bold=True, size=12)
BANNER_FONT = Font(bold=True, size=12, color="C00000")
# A heading row of a Laporan Kinerja table: a region's darker than a sasaran's.
HEADING_FILLS = {REGION: PatternFill("solid", fgColor="BDD7EE"), "sasaran": PatternFill("solid", fgColor="DDEBF7")}
# The narrowest number column: its heading ("Batas bawah selang 95 % (skala 1–4)") wraps onto
# four lines rather than seven.
NUMBER_WIDTH = 10


def title(sheet: Worksheet, data: ReportData, text: str) -> None:
    """The title in row 1, marked when the data are synthetic."""
    synthetic = bool(data.meta.get("synthetic"))
    cell = put(sheet, 1, 1, f"{SYNTHETIC} · {text}" if synthetic else text)
    cell.font = BANNER_FONT if synthetic else TITLE_FONT


def table(
    sheet: Worksheet, data: ReportData, heading: str, columns: list[Col], frame: pd.DataFrame, frozen_columns: int = 0
) -> None:
    """A title row, then ``columns`` of ``frame`` as a table with a frozen, filtered header in
    row 2 (and the first ``frozen_columns`` columns frozen), sized, printable with the title
    and header on every page. A ``PER_ROW`` column takes each row's ``number_format``."""
    title(sheet, data, heading)
    values = frame[[c.key for c in columns]].astype(object)
    for c in (c for c in columns if c.rounded is not None):  # Excel signs the stored value, not the shown one
        values[c.key] = [None if pd.isna(v) else rounded(v, c.rounded) for v in values[c.key]]
    rows = values.where(values.notna(), None).to_numpy().tolist()
    formats = {j: c.fmt for j, c in enumerate(columns) if c.fmt and c.fmt != PER_ROW}
    widths = {j: c.width for j, c in enumerate(columns) if c.width}
    write_rows(sheet, [c.header for c in columns], rows, start=2, formats=formats, widths=widths)
    per_row = list(frame["number_format"]) if "number_format" in frame else []
    for j, column in enumerate(columns, start=1):
        if column.fmt == PER_ROW:
            for i, fmt in enumerate(per_row, start=3):
                if isinstance(fmt, str):  # a heading row has none
                    sheet.cell(i, j).number_format = fmt
    _fit(sheet, columns, rows, per_row)
    sheet.freeze_panes = sheet.cell(3, frozen_columns + 1)
    printable(sheet)
    sheet.print_title_rows = "1:2"


def headings(sheet: Worksheet, frame: pd.DataFrame, columns: list[Col], text_key: str) -> None:
    """The heading rows of a Laporan Kinerja table (``frame["row"]`` other than an indicator):
    bold and shaded, their text (in column ``text_key``) across the columns from there to the
    last; each region's table begins a printed page."""
    first = next(j for j, c in enumerate(columns, start=1) if c.key == text_key)
    across = sum(sheet.column_dimensions[get_column_letter(j)].width for j in range(first, len(columns) + 1))
    for i, (kind, text) in enumerate(zip(frame["row"], frame[text_key], strict=True), start=3):
        if kind == INDICATOR:
            continue
        for j in range(1, len(columns) + 1):
            cell = sheet.cell(i, j)
            cell.font, cell.fill = Font(bold=True), HEADING_FILLS[kind]
        sheet.cell(i, first).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=i, start_column=first, end_row=i, end_column=len(columns))
        sheet.row_dimensions[i].height = wrapped_height(text, across - 2)
        if kind == REGION and i > 3:
            sheet.row_breaks.append(Break(id=i - 1))


def _fit(sheet: Worksheet, columns: list[Col], rows: list[list[object]], per_row: list[object]) -> None:
    """Widths of the columns without a set width: the longest value as shown, or the longest
    word of the heading; the heading row as tall as its most wrapped heading (not every
    program sizes rows itself)."""
    height = 0.0
    for j, column in enumerate(columns):
        width = column.width
        if width is None:
            formats = per_row if column.fmt == PER_ROW else [column.fmt] * len(rows)
            shown = [_shown(r[j], f) for r, f in zip(rows, formats, strict=False) if r[j] is not None]
            longest = max([*shown, *(len(w) for w in column.header.split())])
            width = min(MAX_WIDTH, max(longest + 2, NUMBER_WIDTH if column.fmt else 0))
            sheet.column_dimensions[get_column_letter(j + 1)].width = width
        height = max(height, wrapped_height(column.header, width - 2))
    sheet.row_dimensions[2].height = height


def _shown(value: object, fmt: object) -> int:
    """How many characters ``value`` takes as Excel shows it in number format ``fmt``: a number
    with the format's decimals and its thousands grouped, and a sign where the format shows
    one; text as written."""
    if not isinstance(value, int | float) or not isinstance(fmt, str):
        return len(str(value))
    decimals = len(fmt.split(";")[0].partition(".")[2])  # "#,##0.00" → 2, "+0.00;…" → 2
    return len(f"{abs(value):,.{decimals}f}") + (value < 0 or fmt.startswith("+"))
