"""Spreadsheets (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``) read through python-calamine,
a Rust reader several times faster than openpyxl on large sheets.

Only visible sheets are data: a hidden sheet (lookup lists, an old copy) is never read. What
calamine does not tell is read beside it (:mod:`bnn_lib.intake.xlsx`, :mod:`bnn_lib.intake.ods`):
error values and uncalculated formulas, which it gives as empty cells, are marked as such, and
so are percentages, which it gives as fractions. A sheet whose cells reach so far that calamine would need gigabytes
to hold it is refused before it is loaded; a workbook in a format that cannot be scanned first is
measured in a separate process, so that such a sheet can never abort this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.intake import ods, sniff, xlsx
from bnn_lib.intake.cells import ErrorValue, Percent, Unevaluated
from bnn_lib.intake.grid import Raw, UnreadableError, from_grid, letter, reason

SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SCANNERS = {".xlsx": xlsx.scan, ".xlsm": xlsx.scan, ".ods": ods.scan}  # workbooks whose XML is read
# Cells a sheet may span from A1 to its last value: a national wide survey (90,000 respondents ×
# 300 items) is 27 million; beyond this a stray cell stretches the block, and holding it would
# take gigabytes.
MAX_CELLS = 60_000_000
STRAY = "hapus isi sel yang tersasar (Ctrl+End di Excel menuju sel terakhir) lalu simpan ulang"


def sheet_names(path: Path, hidden: bool = False) -> list[str]:
    """The visible sheets of a workbook (every sheet with ``hidden``; none for other files);
    raises :class:`UnreadableError`."""
    if path.suffix.lower() not in SPREADSHEETS:
        return []
    return list(_workbook(path).sheet_names) if hidden else visible_sheets(path)


def _workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for each kind of damage
        cause = sniff.mismatch(path)  # a CSV or a web page saved under a workbook's name, say
        if cause is not None:
            raise UnreadableError(cause) from None
        if (limit := re.search(r"Cell limit exceeded \((\d+) cells", str(exc))) is not None:
            # calamine loads an .ods whole on opening, and refuses beyond its own cell limit.
            raise UnreadableError(
                f"sebuah lembar berisi sel terisi sampai {_dotted(int(limit[1]))} sel, jauh melebihi tabel mana pun: "
                f"{STRAY}"
            ) from None
        kind = "Excel" if path.suffix.lower() != ".ods" else "spreadsheet"
        raise UnreadableError(f"bukan berkas {kind} yang utuh (rusak atau terpotong?): {reason(exc)}") from None


def spreadsheet(path: Path, recognise: Callable[[str], bool], sheet: str | None) -> Raw:
    """The sheet asked for, else the workbook's one visible sheet (a workbook of several sheets is
    read sheet by sheet: see :mod:`bnn_lib.intake.files`)."""
    book = _workbook(path)
    if sheet is None:
        visible = visible_sheets(path, book)
        if not visible:
            raise UnreadableError("semua lembar buku kerja ini tersembunyi; lembar tersembunyi tidak dibaca")
        if len(visible) > 1:
            listed = ", ".join(repr(n) for n in visible)
            raise UnreadableError(f"buku kerja dengan lebih dari satu lembar; sebutkan lembarnya (lembar: {listed})")
        sheet = visible[0]
    raw = _sheet(path, book, sheet, recognise)
    return raw or Raw([], pd.DataFrame(), np.array([], dtype=int), [], [f"lembar {sheet!r}"], None)


def visible_sheets(path: Path, book=None) -> list[str]:
    """The sheets of a workbook that a person sees: hidden and very hidden sheets are not data."""
    from python_calamine import SheetVisibleEnum

    book = book or _workbook(path)
    return [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]


def _sheet(path: Path, book, name: str, recognise: Callable[[str], bool]) -> Raw | None:
    """One sheet as a :class:`Raw` (None when it holds nothing), its marked cells in place."""
    marks = _marks(path, name)
    try:
        data = book.get_sheet_by_name(name)
        cells = data.to_python()
    except Exception as exc:  # calamine raises its own types for each kind of damage
        raise UnreadableError(f"lembar {name!r} tidak dapat dibaca: {reason(exc)}") from None
    if not cells:
        return None
    top, left = data.start or (0, 0)
    grid = pd.DataFrame(cells, dtype=object)
    if marks is not None:
        _mark(grid, marks, top, left)
    raw = from_grid(grid, np.arange(top + 1, top + 1 + len(grid)), left, recognise, [f"lembar {name!r}"])
    raw.how.insert(0, path.suffix.lower().lstrip(".") + " (calamine)")
    raw.numbers = None
    return raw


def _marks(path: Path, name: str) -> xlsx.SheetCells | None:
    """What calamine does not tell about the sheet (``.xlsx``, ``.xlsm``, ``.ods``), after making
    sure it can be held: a sheet reaching too far is refused naming how far it reaches. Binary
    workbooks (``.xls``, ``.xlsb``) are measured in a separate process, which alone fails if the
    sheet cannot be held."""
    scanner = SCANNERS.get(path.suffix.lower())
    if scanner is None:
        _measure_apart(path, name)
        return None
    try:
        marks = scanner(path, name)
    except xlsx.ScanError:
        marks = None
    if marks is None or marks.unplaced:
        # The XML could not be followed, or places cells by their order: its extent is measured
        # where an abort cannot reach this process.
        _measure_apart(path, name)
    if marks is not None and marks.size > MAX_CELLS:
        raise UnreadableError(_too_far(name, marks.last_row, marks.last_column))
    return marks


def _too_far(name: str, rows: int, columns: int) -> str:
    """Why a sheet reaching to row ``rows`` and column ``columns`` is not read, and what to do."""
    return (
        f"lembar {name!r} berisi sel terisi sampai baris {_dotted(rows)} dan kolom {letter(columns - 1)} "
        f"({_dotted(rows * columns)} sel; batas {_dotted(MAX_CELLS)}), jauh melebihi tabel mana pun: {STRAY}"
    )


def _dotted(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _mark(grid: pd.DataFrame, marks: xlsx.SheetCells, top: int, left: int) -> None:
    """Put the marked cells in the grid: error values and uncalculated formulas (calamine gives
    an empty cell) and percentages (calamine gives the fraction)."""
    height, width = grid.shape
    placed = [
        *((cell, ErrorValue(text)) for cell, text in marks.errors.items()),
        *((cell, Unevaluated(formula)) for cell, formula in marks.unevaluated.items()),
    ]
    for (row, column), value in placed:
        i, j = row - 1 - top, column - 1 - left
        if 0 <= i < height and 0 <= j < width:
            grid.iat[i, j] = value
    for row, column in marks.percent:
        i, j = row - 1 - top, column - 1 - left
        if 0 <= i < height and 0 <= j < width and isinstance(grid.iat[i, j], float | int):
            grid.iat[i, j] = Percent(float(grid.iat[i, j]))


_MEASURE = """
import sys
from python_calamine import CalamineWorkbook
sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2])
print(sheet.height, sheet.width)
"""


def _measure_apart(path: Path, name: str) -> None:
    """Load the sheet in a child process with bounded memory: a sheet whose cells reach too far
    makes calamine abort the process that loads it, and that must not be this one."""
    import subprocess
    import sys

    limit = None
    if sys.platform != "win32":
        import resource

        def limit() -> None:
            cap = MAX_CELLS * 64  # calamine's cell plus slack, in bytes of address space
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            for held in (soft, hard):  # a limit already set lower stays (it cannot be raised)
                if held != resource.RLIM_INFINITY:
                    cap = min(cap, held)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path), name],
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=limit,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableError(f"lembar {name!r} tidak selesai dibaca dalam 5 menit") from None
    if done.returncode == 0:
        rows, columns = (int(v) for v in done.stdout.split())
        if rows * columns > MAX_CELLS:
            raise UnreadableError(_too_far(name, rows, columns))
    elif done.returncode < 0 or "memory" in done.stderr.lower() or "alloc" in done.stderr.lower():
        raise UnreadableError(
            f"lembar {name!r} terlalu besar untuk dibaca (sel terisi yang tersasar jauh di kanan atau bawah tabel?): "
            f"{STRAY}"
        )
