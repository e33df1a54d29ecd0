"""What the spreadsheet reader does not tell about an ``.ods`` sheet, read from its XML.

The same facts as :mod:`bnn_lib.intake.xlsx` finds in an ``.xlsx`` sheet, in an OpenDocument
spreadsheet (LibreOffice's own format): the last row and column that hold a value, and the cells
holding an error value (LibreOffice saves the error, ``#DIV/0!``, as the cell's text and marks it
``calcext:value-type="error"``), a formula without a saved value, or a percentage
(``office:value-type="percentage"``). Rows and cells may stand for many
(``table:number-rows-repeated``, ``table:number-columns-repeated``): positions count them.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from bnn_lib.intake.xlsx import MAX_XML, ScanError, SheetCells

_TABLE = re.compile(rb'<table:table\b[^>]*?\btable:name="([^"]*)"[^>]*>(.*?)</table:table>', re.S)
_ROW = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.S)
_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)", re.S)
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
_TEXT = re.compile(rb"<text:p\b[^>]*>(.*?)</text:p>", re.S)
_FORMULA = re.compile(rb'table:formula="([^"]*)"')
# Copies of a repeated row or cell that are marked: more than a table has (a far repeat makes
# the sheet too large to read anyway).
MAX_REPEATS = 20_000


def scan(path: Path, sheet: str) -> SheetCells:
    """The cells of ``sheet`` in the ``.ods`` workbook ``path`` that calamine does not tell
    apart; raises :class:`ScanError` where the package cannot be followed."""
    try:
        with zipfile.ZipFile(path) as book:
            if book.getinfo("content.xml").file_size > MAX_XML:
                raise ScanError(f"lembar {sheet!r} terlalu besar untuk dibaca (lebih dari {MAX_XML >> 30} GB XML)")
            content = book.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise ScanError(str(exc) or type(exc).__name__) from None
    for table in _TABLE.finditer(content):
        if html.unescape(table[1].decode(errors="replace")) == sheet:
            return _scan_table(table[2])
    raise ScanError(f"lembar {sheet!r} tidak ditemukan di content.xml")


def _scan_table(table: bytes) -> SheetCells:
    found = SheetCells()
    row = 0
    for match in _ROW.finditer(table):
        repeated = _ROWS_REPEATED.search(match[1])
        count = int(repeated[1]) if repeated else 1
        cells = match[2] or b""
        if b"value-type" in cells or b"table:formula" in cells:
            for copy in range(min(count, MAX_REPEATS)):  # identical rows are written once, repeated
                _scan_row(cells, row + 1 + copy, found)
            found.last_row = max(found.last_row, row + count if b"value-type" in cells else 0)
        row += count
    return found


def _scan_row(cells: bytes, row: int, found: SheetCells) -> None:
    column = 0
    for match in _CELL.finditer(cells):
        attributes, inner = match[1], match[2] or b""
        repeated = _COLUMNS_REPEATED.search(attributes)
        count = int(repeated[1]) if repeated else 1
        places = [(row, column + 1 + k) for k in range(min(count, MAX_REPEATS))]  # identical cells, repeated
        if b"value-type" in attributes:
            found.last_column = max(found.last_column, column + count)
            if b'calcext:value-type="error"' in attributes:
                text = _TEXT.search(inner)
                value = html.unescape(text[1].decode(errors="replace")) if text else "#N/A"
                found.errors |= dict.fromkeys(places, value)
            elif b'office:value-type="percentage"' in attributes:
                found.percent.update(places)
        elif (formula := _FORMULA.search(attributes)) is not None:
            value = "=" + html.unescape(formula[1].decode(errors="replace")).removeprefix("of:=")
            found.unevaluated |= dict.fromkeys(places, value)
        column += count
