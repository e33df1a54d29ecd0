"""Cells that are not what they seem: an error value, a formula never calculated, a percentage.

The reader marks such cells of a spreadsheet (see :mod:`bnn_lib.intake.xlsx` and
:mod:`bnn_lib.intake.ods`) with the classes
below instead of the value the spreadsheet reader gives (an empty cell, or the fraction behind
a percentage); a text file shows them as text (``#DIV/0!``, ``35%``). :func:`special` reads
either form for a column: an error value or a formula is refused naming what the cell holds, a
percentage is the number the user sees (35 for 35 %) in a column measured in percent and is
refused elsewhere, where 0.35 and 35 would both be guesses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# The error values of Excel and LibreOffice (as Excel saves them in a CSV too).
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
ERRORS |= {"#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#N/A!", "ERR:502", "ERR:504"}
PERCENT = "_percent_"  # a hidden column beside a column measured in percent: its cells that were percentages
_PERCENT_TEXT = re.compile(r"([-+]?[\d.,\s]*\d)\s*%")


@dataclass(frozen=True)
class ErrorValue:
    """A cell holding an error value (``#REF!``) where a value should be."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Unevaluated:
    """A cell holding a formula with no saved value (the file was never calculated)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class Percent:
    """A number cell formatted as a percentage: ``fraction`` is what the file stores (0.35)."""

    fraction: float

    @property
    def shown(self) -> float:
        """The number the user sees (35 for 0.35), without the float noise of ×100."""
        return round(self.fraction * 100, 9)

    def __str__(self) -> str:
        return f"{self.shown:g}%"


MARKED = (ErrorValue, Unevaluated, Percent)


def error_message(cell: object) -> str | None:
    """Why a cell holding an error value or an uncalculated formula cannot be read, else None."""
    if isinstance(cell, Unevaluated):
        return (
            "rumus tanpa nilai tersimpan; buka berkas di Excel, biarkan rumus dihitung, "
            "lalu simpan ulang, atau ganti rumus dengan nilainya"
        )
    text = cell.text if isinstance(cell, ErrorValue) else cell if isinstance(cell, str) else None
    if text is not None and text.strip().upper() in ERRORS:
        return (
            "nilai galat Excel (rumus gagal dihitung, bukan sel kosong); perbaiki rumusnya atau "
            "isi nilainya, atau kosongkan sel bila nilainya tidak diketahui"
        )
    return None


def is_percentage(cell: object) -> bool:
    """Whether a cell holds a percentage: formatted as one, or text such as ``35%``."""
    return isinstance(cell, Percent) or (isinstance(cell, str) and _PERCENT_TEXT.fullmatch(cell.strip()) is not None)


def percent_value(cell: object, measured_in_percent: bool) -> tuple[float, str | None] | None:
    """A percentage cell (``Percent``, or text like ``35%``) as the number seen, or why it is
    refused; None when the cell is not a percentage."""
    if isinstance(cell, Percent):
        seen = cell.shown
    elif isinstance(cell, str) and (match := _PERCENT_TEXT.fullmatch(cell.strip())):
        seen = None
        text = match[1].replace(" ", "")
        if re.fullmatch(r"[-+]?\d+([.,]\d+)?", text):
            seen = float(text.replace(",", "."))
        if seen is None:
            return math.nan, "persentase tidak terbaca; tulis seperti 35 atau 35,5"
    else:
        return None
    if measured_in_percent:
        return seen, None
    return math.nan, (
        "persentase di kolom yang tidak diukur dalam persen: tidak jelas apakah maksudnya "
        f"{seen / 100:g} atau {seen:g}; hapus format persen dan tulis angkanya".replace(".", ",")
    )


def special(cell: object, numeric: bool, measured_in_percent: bool = False) -> tuple[float, str | None] | None:
    """How a marked or error cell reads in a column (a value and an error message), or None for
    an ordinary cell. Text like ``35%`` is a percentage in a number column only (elsewhere it
    is text); a cell marked as a percentage is refused in any column not measured in percent."""
    if isinstance(cell, str) and not (cell[:1] in "#Ee " or cell[-1:] in "% "):
        return None  # the common case, kept fast: ids and words by the thousand
    message = error_message(cell)
    if message is not None:
        return math.nan, message
    if numeric or isinstance(cell, Percent):
        return percent_value(cell, measured_in_percent and numeric)
    return None
