"""What the spreadsheet reader does not tell about an ``.xlsx`` sheet, read from its XML.

calamine gives a cell's saved value only: an error value (``#REF!``, ``#N/A``, ``#DIV/0!``) and a
formula that was never calculated (a workbook written by a script, or saved with calculation
off) both come out as an empty cell, and a number formatted as a percentage comes out as the
fraction (35 % as 0.35). It also holds a sheet as one dense block from its first to its last
cell, so one stray value in the last row and column (XFD1048576) asks for billions of cells and
aborts the process. :func:`scan` reads the sheet's XML once, in pieces, and returns what is
needed to refuse or read such cells honestly:

- the last row and column that hold a value (a styled but empty cell does not count, as it
  costs calamine nothing), and the reference of the farthest such cell;
- the cells that hold an error value, with the value;
- the cells that hold a formula without a saved value, with the formula;
- the number cells formatted as a percentage (built-in formats 9 and 10, or a format whose code
  has a ``%`` outside quotes).

The scan uses regular expressions over the XML bytes rather than an XML parser: it looks at a
few attributes of each cell only, and on a sheet as Excel writes it takes under calamine's own
time to read it. Every repetition is bounded and possessive, so that hostile XML cannot make it
backtrack. Writers that prefix the element names (``<x:c>``) are read too. Rows and cells may
omit their reference (they are then placed by their order): such a sheet is flagged
``unplaced``, and its size is measured apart (see :mod:`bnn_lib.intake.sheets`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

Cell = tuple[int, int]  # (row, column), both 1-based as a spreadsheet shows them

CHUNK = 8 << 20  # bytes of sheet XML looked at at a time
MAX_XML = 4 << 30  # a sheet's XML beyond this is refused unread (a 90,000-row survey is ~0.3 GB)
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_Q = rb"[\"']"  # XML allows either quote around an attribute's value
_REF = re.compile(rb"\br=" + _Q + rb"([A-Z]{1,3})(\d+)" + _Q)
_TYPE = re.compile(rb"\bt=" + _Q + rb"(\w+)" + _Q)
_STYLE = re.compile(rb"\bs=" + _Q + rb"(\d+)" + _Q)
# Every repetition below is bounded and possessive (or lazy within a bound), so that no input,
# however hostile, makes an expression backtrack: a tag's attributes never run past ATTRIBUTES
# characters, a cell's content past CONTENT.
ATTRIBUTES = 1024
CONTENT = 1 << 17
MAX_CARRY = 8 * CHUNK  # XML without a row's or a cell's end this long is no sheet Excel wrote


@dataclass(frozen=True)
class _Patterns:
    """The expressions for one namespace prefix: with the prefix written out, each starts with a
    literal ('<c'), which the engine finds fast (an optional prefix makes the scan 3x slower)."""

    value_column: re.Pattern  # a cell that holds something: not self-closing, not closed at once
    value_column_r_first: re.Pattern  # the same where 'r' is the first attribute (twice as fast)
    c_any: bytes
    c_r_first: bytes
    cell_tag: re.Pattern  # any cell's opening tag
    row_tag: re.Pattern  # any row's opening tag
    row: re.Pattern
    empty_row: re.Pattern  # a row of empty cells only
    cell: re.Pattern
    formula: re.Pattern
    saved: re.Pattern

    @classmethod
    @lru_cache
    def of(cls, prefix: bytes) -> _Patterns:
        c, row = b"<" + prefix + b"c", b"<" + prefix + b"row"
        end_c = b"</" + prefix + b"c>"
        attrs = rb"[^>/]{0,%d}+" % ATTRIBUTES
        ref = rb"r=" + _Q + rb"([A-Z]{1,3})\d+" + _Q
        empty_cell = c + rb"\b" + attrs + rb"(?:/>|>" + end_c + b")"
        return cls(
            re.compile(c + rb"\b(?=[^>]{0,%d}?\b" % ATTRIBUTES + ref + b")" + attrs + b">(?!" + end_c + b")"),
            re.compile(c + b" " + ref + attrs + b">(?!" + end_c + b")"),
            c + b" ",
            c + b' r="',
            re.compile(c + rb"\b"),
            re.compile(row + rb"\b"),
            re.compile(row + rb"\b[^>]{0,%d}?\br=" % ATTRIBUTES + _Q + rb"(\d+)" + _Q),
            re.compile(
                row
                + rb"\b[^>]{0,%d}?\br=" % ATTRIBUTES
                + _Q
                + rb"(\d+)"
                + _Q
                + attrs
                + rb"(?:/>|>(?:\s|"
                + empty_cell
                + rb")*+</"
                + prefix
                + b"row>)"
            ),
            re.compile(c + rb"\b(" + attrs + rb")(?:/>|>(.{0,%d}?)" % CONTENT + end_c + b")", re.S),
            re.compile(b"<" + prefix + rb"f\b" + attrs + rb"(?:/>|>(.{0,%d}?)</" % CONTENT + prefix + b"f>)", re.S),
            re.compile(b"<" + prefix + rb"v>(.{1,%d}?)</" % CONTENT + prefix + b"v>", re.S),
        )


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PERCENT_FORMATS = {9, 10}  # Excel's built-in 0% and 0.00%


class ScanError(Exception):
    """The workbook's structure cannot be followed (the reader will say what is wrong)."""


@dataclass
class SheetCells:
    """What :func:`scan` found in one sheet (see the module docstring)."""

    last_row: int = 0
    last_column: int = 0
    errors: dict[Cell, str] = field(default_factory=dict)
    unevaluated: dict[Cell, str] = field(default_factory=dict)
    percent: set[Cell] = field(default_factory=set)
    # Rows or cells written without their reference (allowed, and placed by their order): the
    # extent above may then be short, and the cells' marks incomplete.
    unplaced: bool = False

    @property
    def size(self) -> int:
        """Cells of the block from A1 to the last row and column: what calamine would hold."""
        return self.last_row * self.last_column


def column_number(letters: bytes | str) -> int:
    """The 1-based number of a column's letters: A → 1, XFD → 16384."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def scan(path: Path, sheet: str) -> SheetCells:
    """The cells of ``sheet`` in the ``.xlsx``/``.xlsm`` workbook ``path`` that calamine does not
    tell apart; raises :class:`ScanError` where the package cannot be followed."""
    try:
        with zipfile.ZipFile(path) as book:
            member = _sheet_member(book, sheet)
            if book.getinfo(member).file_size > MAX_XML:
                raise ScanError(f"lembar {sheet!r} terlalu besar untuk dibaca (lebih dari {MAX_XML >> 30} GB XML)")
            percent_styles = _percent_styles(book)
            found, patterns = SheetCells(), None
            with book.open(member) as stream:
                for block in _blocks(stream):
                    if patterns is None:
                        prefix = _PREFIX.search(block)
                        patterns = _Patterns.of(prefix[1] or b"" if prefix else b"")
                    _scan_block(block, patterns, percent_styles, found)
            return found
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, EOFError, ValueError) as exc:
        raise ScanError(str(exc) or type(exc).__name__) from None


def _blocks(stream) -> Iterator[bytes]:
    """The sheet XML in pieces that end at a row's (or else a cell's) end, so that no cell is cut."""
    carry = b""
    while chunk := stream.read(CHUNK):
        data = carry + chunk
        end = data.rfind(b"row>") + 4
        end = data.rfind(b"c>") + 2 if end < 4 else end
        if end < 2:
            if len(data) > MAX_CARRY:
                raise ScanError("XML lembar tanpa akhir baris atau sel")
            carry = data
            continue
        yield data[:end]
        carry = data[end:]
    if carry:
        yield carry


def _scan_block(block: bytes, patterns: _Patterns, percent_styles: set[bytes], found: SheetCells) -> None:
    # Writers put 'r' first (Excel, openpyxl, LibreOffice): then the faster expression serves.
    r_first = block.count(patterns.c_any) == block.count(patterns.c_r_first)
    columns = (patterns.value_column_r_first if r_first else patterns.value_column).findall(block)
    if columns:
        found.last_column = max(found.last_column, *(column_number(c) for c in set(columns)))
    row_numbers = patterns.row.findall(block)
    rows = {int(r) for r in row_numbers} - {int(r) for r in patterns.empty_row.findall(block)}
    if rows:
        found.last_row = max(found.last_row, *rows)
    if not r_first and len(patterns.cell_tag.findall(block)) > len(_REF.findall(block)):
        found.unplaced = True
    if len(row_numbers) < len(patterns.row_tag.findall(block)):
        found.unplaced = True
    if (
        b't="e"' in block
        or b"t='e'" in block
        or patterns.formula.search(block)
        or (percent_styles and _STYLE.search(block))
    ):
        for attributes, inner in patterns.cell.findall(block):
            _note_cell(attributes, inner, patterns, percent_styles, found)


def _note_cell(
    attributes: bytes, inner: bytes, patterns: _Patterns, percent_styles: set[bytes], found: SheetCells
) -> None:
    ref = _REF.search(attributes)
    if ref is None:
        return
    cell = (int(ref[2]), column_number(ref[1]))
    kind = _TYPE.search(attributes)
    kind = kind[1] if kind else b"n"
    saved = patterns.saved.search(inner)
    if kind == b"e":
        found.errors[cell] = saved[1].decode(errors="replace") if saved else "#N/A"
        return
    formula = patterns.formula.search(inner)
    if formula is not None and saved is None and kind != b"str":
        # A formula whose result is text "" saves t="str" and an empty value: that is a value.
        text = (formula[1] or b"").decode(errors="replace")
        found.unevaluated[cell] = "=" + text if text else "(rumus bersama)"
        return
    style = _STYLE.search(attributes)
    if style and style[1] in percent_styles and kind == b"n" and saved is not None:
        found.percent.add(cell)


def _sheet_member(book: zipfile.ZipFile, sheet: str) -> str:
    """The zip member that holds ``sheet``'s XML, through the workbook and its relationships."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    for element in workbook.iter(f"{_MAIN}sheet"):
        if element.get("name") == sheet:
            target = targets.get(element.get(_REL_ID), "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    raise ScanError(f"lembar {sheet!r} tidak ditemukan di workbook.xml")


def _percent_styles(book: zipfile.ZipFile) -> set[bytes]:
    """The cell style indices (``s="…"``) whose number format shows a percentage."""
    try:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    except KeyError:
        return set()
    percent = set(PERCENT_FORMATS)
    for fmt in styles.iter(f"{_MAIN}numFmt"):
        if _shows_percent(fmt.get("formatCode", "")):
            percent.add(_format_id(fmt))
    cell_formats = styles.find(f"{_MAIN}cellXfs")
    if cell_formats is None:
        return set()
    return {str(i).encode() for i, xf in enumerate(cell_formats.iter(f"{_MAIN}xf")) if _format_id(xf) in percent}


def _format_id(xf: ElementTree.Element) -> int | None:
    """A cell format's number format id (None where it is not a whole number)."""
    try:
        return int(float(xf.get("numFmtId", 0)))
    except ValueError:
        return None


def _shows_percent(code: str) -> bool:
    """Whether a number format code multiplies by 100 and shows '%': a '%' outside quoted text
    and not escaped (``0.0%`` does; ``0.0"%"`` and ``0.0\\%`` print a literal sign, ``0.0_%``
    leaves the width of one and ``0.0*%`` fills with it)."""
    code = re.sub(r'"[^"]*"|[\\_*].|\[[^\]]*\]', "", code)
    return "%" in code
