"""Cells → typed values, one column at a time, by the column's kind (:mod:`bnn_lib.intake.tables`).

Each column is parsed on its distinct values only and the result spread back over the rows: an
answer table repeats a few values over hundreds of thousands of rows. A cell that cannot be read
gets a message in Bahasa Indonesia; a blank stays blank (missing), never a guess.

Numbers follow the file's convention. Indonesian-locale Excel writes ``3,5`` and ``1.234``
(thousands), others ``3.5`` and ``1,234``. A file shows its convention by cells that can be read
only one way (``3,5``, ``0.25``, ``1.234.567``); ``1.234`` and ``1,234`` can be read both ways
and are refused where the file gives no evidence, and a file that mixes both conventions is
refused (:func:`convention`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from bnn_lib.intake.cells import special
from bnn_lib.intake.tables import Column
from bnn_lib.regions import RegionType, UnknownRegionError, names_match, regions
from bnn_lib.spec import IndexSpec

Convention = Literal["dot", "comma"]
NUMERIC_KINDS = ("answer", "number", "year", "flag")
KABKOTA_TYPES: tuple[RegionType, ...] = ("kabupaten", "kota")
NATIONAL_WORDS = {"0", "00", "nasional", "indonesia", "pusat"}
TRUE_WORDS = {"1", "ya", "y", "ada", "true", "benar"}
FALSE_WORDS = {"0", "tidak", "t", "tidak ada", "false", "salah"}


def key(text: object) -> str:
    """A header or word as compared: lower case, spaces and underscores as one '_'."""
    return re.sub(r"[\s_]+", "_", str(text).replace("\u00a0", " ").strip().lower())


# -- numbers ----------------------------------------------------------------------------------

_INT = re.compile(r"-?\d+")
_DOT_GROUPS = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+")  # 1.234 or 1.234.567
_COMMA_GROUPS = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+")
_DOT_GROUPS_COMMA_DECIMAL = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+,\d+")  # 1.234,5
_COMMA_GROUPS_DOT_DECIMAL = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+\.\d+")
_DOT_DECIMAL = re.compile(r"-?\d*\.\d+")
_COMMA_DECIMAL = re.compile(r"-?\d*,\d+")


def _number_text(text: str) -> str:
    return text.replace("\u00a0", "").replace(" ", "").removeprefix("+")


def number_class(text: str) -> str:
    """How a number written as text can be read: 'int', 'dot' (only with a decimal point),
    'comma' (only with a decimal comma), 'both' (1.234 or 1,234) or 'other'."""
    s = _number_text(text)
    if _INT.fullmatch(s):
        return "int"
    for groups, sep, other in ((_DOT_GROUPS, ".", "comma"), (_COMMA_GROUPS, ",", "dot")):
        if groups.fullmatch(s):
            return "both" if s.count(sep) == 1 else other
    if _DOT_GROUPS_COMMA_DECIMAL.fullmatch(s):
        return "comma"
    if _COMMA_GROUPS_DOT_DECIMAL.fullmatch(s) or _DOT_DECIMAL.fullmatch(s):
        return "dot"
    if _COMMA_DECIMAL.fullmatch(s):
        return "comma"
    return "other"


@dataclass(frozen=True)
class Evidence:
    """The number convention of a file and, when it mixes both, an example of each."""

    convention: Convention | None
    mixed: tuple[str, str] | None = None


def convention(texts: Iterable[str], default: Convention | None) -> Evidence:
    """The convention shown by the number cells written as text, else ``default``."""
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(number_class(text), text)
    if "dot" in seen and "comma" in seen:
        return Evidence(None, (seen["dot"], seen["comma"]))
    if "dot" in seen:
        return Evidence("dot")
    if "comma" in seen:
        return Evidence("comma")
    return Evidence(default)


# No number of these tables comes near 10^15 (Indonesia has under 3·10^8 people; a float keeps
# whole numbers exact only below 9·10^15). Beyond it a cell holds an id pasted in (a 16-digit NIK
# is over 10^15) or digits run together; an infinity (inf, 1e400) would make every sum it enters
# infinite or undefined.
LARGEST = 1e15
TOO_LARGE = "angka tak hingga atau terlalu besar (lebih dari 10^15); tulis angka yang sebenarnya"
NOT_A_NUMBER = "bukan angka (NaN); kosongkan sel bila nilainya tidak diketahui"


def to_number(cell: object, style: Convention | None) -> tuple[float, str | None]:
    """A cell as a float (NaN when blank), or an error message.

    An infinity (``inf``, ``Infinity``, ``∞``, ``1e400``, or a float cell of a Parquet file) and
    any number beyond :data:`LARGEST` are refused. A NaN cell of a typed file is a blank; ``NaN``
    written as text is refused, as any other word would be.
    """
    if isinstance(cell, bool) or cell is None:
        return (math.nan, None) if cell is None else (math.nan, "bukan angka")
    if isinstance(cell, int | float | np.integer | np.floating):
        value = math.inf if abs(cell) > LARGEST else float(cell)  # a Python int may not fit a float
        return (math.nan, TOO_LARGE) if abs(value) > LARGEST else (value, None)
    text = _number_text(str(cell))
    if not text:
        return math.nan, None
    kind = number_class(text)
    if kind == "both" and style is None:
        return math.nan, (
            "angka bisa dibaca dua cara (pemisah ribuan atau desimal); tulis tanpa pemisah ribuan, "
            "dengan desimal yang jelas (mis. 1234 atau 1,5)"
        )
    if kind == "comma" or (kind == "both" and style == "comma"):
        text = text.replace(".", "").replace(",", ".")
    elif kind in ("dot", "both"):
        text = text.replace(",", "")
    try:
        value = float(text.replace("∞", "inf"))
    except ValueError:
        return math.nan, "bukan angka"
    if math.isnan(value):
        return math.nan, NOT_A_NUMBER
    return (math.nan, TOO_LARGE) if abs(value) > LARGEST else (value, None)


# -- one column ------------------------------------------------------------------------------


@dataclass
class Context:
    """What parsing a column needs besides its cells."""

    spec: IndexSpec | None = None
    numbers: Convention | None = "dot"
    labels: Mapping[object, str] = field(default_factory=dict)  # SPSS value labels of this column


def parse(cells: pd.Series, column: Column, context: Context) -> tuple[pd.Series, pd.Series | None]:
    """The typed column and, aligned with it, an error message per bad cell (None elsewhere), or
    None when every cell could be read.

    Numbers come out as float; everything else (codes, ids, words) as a categorical of canonical
    text, so that ids repeated over many rows are held once.
    """
    numeric = column.kind in NUMERIC_KINDS
    if context.labels and not numeric:
        cells = cells.map(lambda c: context.labels.get(c, c))
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)  # plain objects: iterating an Arrow array is slow
    reader = (lambda u: (_words(u), None)) if column.kind in ("id", "text") else _reader(column, context)
    read = [special(u, numeric, column.percent) or reader(u) for u in uniques]
    # Index −1 (a blank cell) takes the appended last element: NaN, or no error.
    messages = [e for _, e in read]
    errors = None
    if any(messages):
        errors = pd.Series(np.array([*messages, None], dtype=object)[codes], index=cells.index)
    if numeric:
        values = np.array([v for v, _ in read] + [np.nan], dtype=float)[codes]
        return pd.Series(values, index=cells.index, name=column.name), errors
    # Two cells may read as the same value (' A' and 'A'): categories are the distinct results.
    canonical, categories = pd.factorize(np.array([v for v, _ in read], dtype=object))
    row_codes = np.append(canonical, -1)[codes]
    values = pd.Categorical.from_codes(row_codes, categories=pd.Index(categories, dtype=object))
    return pd.Series(values, index=cells.index, name=column.name), errors


def _reader(column: Column, context: Context) -> Callable[[object], tuple[object, str | None]]:
    """The function that reads one distinct cell of this column."""
    kind = column.kind
    if kind == "number":
        return lambda c: to_number(c, context.numbers)
    if kind == "year":
        return _year(context)
    if kind == "answer":
        return _answer(context)
    if kind == "flag":
        return _flag(context)
    if kind == "kabkota":
        return kabkota_code
    if kind == "province":
        return lambda c: _province(c, national=False)
    if kind == "region":
        return _region
    if kind == "group":
        return _lookup(context.spec.groups, {g.name: gid for gid, g in context.spec.groups.items()}, "kelompok")
    if kind == "item":
        return _lookup(context.spec.item_ids, {}, "butir")
    if kind == "choice":
        return _choice(column.choices, column.words)
    return lambda c: (_words(c), None)


def is_blank(cell: object) -> bool:
    """Whether a cell holds nothing: missing, or text of spaces only."""
    return (
        cell is None or (isinstance(cell, float) and math.isnan(cell)) or (isinstance(cell, str) and not cell.strip())
    )


def _words(cell: object) -> str | None:
    """Ids and free text: spaces collapsed; a whole number typed in Excel (123.0) as 123."""
    if type(cell) is str:
        text = cell.strip()
        return (" ".join(text.split()) if "  " in text or "\t" in text or "\n" in text else text) or None
    if is_blank(cell):
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split()) or None


def _year(context: Context) -> Callable[[object], tuple[float, str | None]]:
    def read(cell: object) -> tuple[float, str | None]:
        value, error = to_number(cell, context.numbers)
        if error is None and not math.isnan(value) and not value.is_integer():
            return math.nan, "tahun harus bilangan bulat, misalnya 2024"
        return value, error and "tahun harus angka, misalnya 2024"

    return read


def _answer(context: Context) -> Callable[[object], tuple[float, str | None]]:
    scale = context.spec.scale
    words = {key(label): value for value, label in scale.choices()}
    allowed = ", ".join(f"{v:g} ({w})" if w != f"{v:g}" else f"{v:g}" for v, w in scale.choices())

    def read(cell: object) -> tuple[float, str | None]:
        if isinstance(cell, str) and key(cell) in words:
            return words[key(cell)], None
        value, error = to_number(cell, context.numbers)
        if error:
            return value, f"jawaban tidak dikenal; yang sah: {allowed}"
        return value, None

    return read


def _flag(context: Context) -> Callable[[object], tuple[float, str | None]]:
    def read(cell: object) -> tuple[float, str | None]:
        if isinstance(cell, bool):
            return float(cell), None
        if isinstance(cell, str) and key(cell).replace("_", " ") in TRUE_WORDS | FALSE_WORDS:
            return float(key(cell).replace("_", " ") in TRUE_WORDS), None
        value, error = to_number(cell, context.numbers)
        if error or (not math.isnan(value) and value not in (0, 1)):
            return math.nan, "indikator harus 0 (tidak ada) atau 1 (ada)"
        return value, None

    return read


def _choice(choices: Mapping[str, str], shown: list[str]) -> Callable[[object], tuple[object, str | None]]:
    """Any word of ``choices`` as its id; a message lists the words ``shown`` (Indonesian ones)."""
    words = {key(w): canonical for w, canonical in choices.items()}
    allowed = ", ".join(shown)

    def read(cell: object) -> tuple[object, str | None]:
        if is_blank(cell):
            return None, None
        found = words.get(key(cell))
        return (found, None) if found else (None, f"harus salah satu dari: {allowed}")

    return read


def _lookup(ids: Iterable[str], names: Mapping[str, str], what: str) -> Callable[[object], tuple[object, str | None]]:
    """Ids (or names) of the spec, matched without regard to case and spacing."""
    ids = list(ids)
    words = {key(i): i for i in ids} | {key(n): i for n, i in names.items()}
    shown = ", ".join(ids) if len(ids) <= 12 else ", ".join(ids[:12]) + ", …"

    def read(cell: object) -> tuple[object, str | None]:
        if is_blank(cell):
            return None, None
        text = _words(cell)
        found = words.get(key(text))
        return (found, None) if found else (None, f"{what} tidak dikenal dalam spesifikasi; yang sah: {shown}")

    return read


# -- region codes ----------------------------------------------------------------------------

_CODE = re.compile(r"(\d{2})\.?(\d{2})")  # 11.01 or 1101
_CODE_ONE_DECIMAL = re.compile(r"(\d{2})\.(\d)")  # 11.1, as Excel shows the number 11.10
_KABKOTA_FIRST = re.compile(r"\d{2}\.\d")  # a region cell that starts as a kab/kota code does
_CODE_AND_NAME = re.compile(r"(\d{2}\.\d{2})\s*[-–—:|]?\s*(.+)")  # "11.01 Kab. Aceh Selatan"


def kabkota_code(cell: object) -> tuple[str | None, str | None]:
    """A Kemendagri kab/kota code from a code (as text or number), "code name", or a name."""
    if is_blank(cell):
        return None, None
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        value = float(cell)
        text = f"{int(value):04d}" if value.is_integer() and 100 <= value < 10000 else f"{value:.2f}"
    else:
        text = re.sub(r"\s+", " ", str(cell)).strip()
    name = None
    if match := _CODE.fullmatch(text):
        code = f"{match[1]}.{match[2]}"
    elif match := _CODE_ONE_DECIMAL.fullmatch(text):
        code = f"{match[1]}.{match[2]}0"
    elif match := _CODE_AND_NAME.fullmatch(text):
        code, name = match[1], match[2]
    else:
        return _kabkota_by_name(text)
    registry = regions()
    try:
        region = registry.get(code, types=KABKOTA_TYPES)
    except UnknownRegionError:
        change = registry.former(code)
        if change is not None:
            now = f"{change.new_code} {registry.label(change.new_code)}"
            return None, f"kode lama sebelum pemekaran {change.since_year}; sekarang {now} ({change.source})"
        near = ", ".join(f"{r.code} {r.label}" for r in registry.nearest(code))
        hint = (
            f"; kode terdekat: {near}"
            if near
            else "; kode kab/kota seperti 11.01 (daftarnya ada di templat isian: bnn template)"
        )
        return None, f"kode kab/kota tidak dikenal{hint}"
    if name is not None and not names_match(region, name):
        return None, f"kode {code} adalah {region.label}, bukan {name!r}"
    return code, None


def _kabkota_by_name(text: str) -> tuple[str | None, str | None]:
    try:
        return regions().get(text, types=KABKOTA_TYPES).code, None
    except UnknownRegionError:
        found = regions().suggest(text, KABKOTA_TYPES)
        names = [r for r in found if names_match(r, text)]
        if len(names) > 1:
            options = ", ".join(f"{r.label} ({r.code})" for r in names)
            return None, f"nama kab/kota ini bisa berarti beberapa wilayah: {options}; tulis kodenya"
        hint = "; mungkin: " + ", ".join(f"{r.label} ({r.code})" for r in found) if found else ""
        return None, f"kab/kota tidak dikenal{hint}"


def _region(cell: object) -> tuple[object, str | None]:
    """The nation ("00"), a province ("11") or a kab/kota ("11.06"): a target may be set for any
    of them. A kab/kota is written by its code (a name could be a province's as well)."""
    if not is_blank(cell) and _KABKOTA_FIRST.match(_words(cell)):
        return kabkota_code(cell)
    return _province(cell, national=True)


def _province(cell: object, national: bool) -> tuple[object, str | None]:
    """A province code ("11") from a code or name; with ``national``, "00" for the nation."""
    if is_blank(cell):
        return None, None
    text = _words(cell)
    if match := re.fullmatch(r"(\d{1,2})\s*[-–—:|]?\s*(\D.*)", text):  # "11 Aceh", as a template list writes it
        code, name = match[1].zfill(2), match[2]
        if national and code == "00" and key(name) in NATIONAL_WORDS:
            return "00", None
        region = regions().get(code) if code in regions().province_table["code"].to_numpy() else None
        if region is None or not names_match(region, name):
            return None, f"kode {code} dan nama {name!r} tidak cocok"
        return code, None
    if national and key(text) in NATIONAL_WORDS:
        return "00", None
    if re.fullmatch(r"\d{1,2}", text):
        text = text.zfill(2)
    try:
        return regions().province(text).code, None
    except UnknownRegionError:
        found = regions().suggest(text, ("provinsi",))
        hint = "; mungkin: " + ", ".join(f"{r.name} ({r.code})" for r in found) if found else ""
        what = "00 (nasional) atau provinsi" if national else "provinsi"
        return None, f"{what} tidak dikenal{hint}"
