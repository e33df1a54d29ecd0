"""Read one file (or one sheet of a workbook) as it stands, before anything is interpreted.

The result, :class:`Raw`, is the header as written, the cells under it, and for each row the
number a person sees (the spreadsheet row; for Parquet and SPSS the record number). What the
file looks like is detected where that is safe and written down in ``how``:

- text files (``.csv``, ``.txt``, ``.tsv``): a UTF-8 or UTF-16 byte-order mark, UTF-8, else
  Windows-1252; ``,`` ``;`` tab or ``|`` as separator, chosen as the one under which a known
  header appears; CRLF line ends; title rows above the header; blank rows and columns;
- spreadsheets (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``) through python-calamine, a
  Rust reader several times faster than openpyxl on large sheets;
- Parquet (pyarrow) and SPSS ``.sav`` (pyreadstat, with its value labels).

Anything that cannot be read raises :class:`UnreadableError` with a message for the office.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.intake.values import is_blank

TEXT = {".csv", ".txt", ".tsv"}
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
FRAMED = {".parquet", ".sav"}
READABLE = TEXT | SPREADSHEETS | FRAMED
FORMATS = ", ".join([*sorted(TEXT), *sorted(SPREADSHEETS), *sorted(FRAMED)])  # as messages list them
SEPARATORS = {",": "koma (,)", ";": "titik koma (;)", "\t": "tab", "|": "garis tegak (|)"}
HEADER_SEARCH = 30  # rows searched for the header, below any title rows
SNIFF_CHARS = 200_000  # characters looked at to tell the encoding and whether a file is text
SEPARATOR_CHARS = 32_000  # characters parsed with each candidate separator
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position: 0 → A, 26 → AA."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(65 + rest) + out
    return out


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (empty for other files); raises :class:`UnreadableError`."""
    if path.suffix.lower() not in SPREADSHEETS:
        return []
    return list(_workbook(path).sheet_names)


def read(path: Path, recognise: Callable[[str], bool], sheet: str | None = None, skip: tuple[str, ...] = ()) -> Raw:
    """Read ``path`` (``sheet`` of a workbook, or the one, not in ``skip``, that holds a known header).

    ``recognise`` tells whether a header cell names a known column; it locates the header row
    below title rows and chooses the separator of a text file.
    """
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise UnreadableError("berkas kosong (0 byte)")
    if suffix in TEXT:
        return _text(path, recognise)
    if suffix in SPREADSHEETS:
        return _spreadsheet(path, recognise, sheet, skip)
    if suffix == ".parquet":
        return _parquet(path)
    if suffix == ".sav":
        return _sav(path)
    raise UnreadableError(unreadable_format(path))


def unreadable_format(path: Path) -> str:
    """Why a file in a format the suite does not read is refused, and what it reads."""
    suffix = path.suffix or "tanpa ekstensi"
    return f"format {suffix} tidak dapat dibaca (yang dibaca: {FORMATS}); simpan sebagai .xlsx atau .csv"


# -- text ------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the name of its encoding; raises :class:`UnreadableError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 dengan BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:SNIFF_CHARS]:
        raise UnreadableError("bukan berkas teks (berisi byte biner); simpan sebagai CSV atau .xlsx")
    try:
        text, name = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, name = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise UnreadableError(
                f"pengodean teks tidak dikenali (byte {data[exc.start]:#04x} di posisi {exc.start}); "
                "simpan ulang sebagai 'CSV UTF-8'"
            ) from None
    sample = text[:SNIFF_CHARS]
    if len(CONTROLS.findall(sample)) > 0.01 * max(len(sample), 1):
        raise UnreadableError("bukan berkas teks (berisi karakter kendali); simpan sebagai CSV atau .xlsx")
    return text, name


def _text(path: Path, recognise: Callable[[str], bool]) -> Raw:
    text, encoding = decode(path.read_bytes())
    if not text.strip():
        raise UnreadableError("berkas kosong (tidak ada isi)")
    how = [f"teks {encoding}"]
    if "\r\n" in text[:SNIFF_CHARS]:
        how.append("akhir baris CRLF (Windows)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends alike
    separator = _separator(
        text[:SEPARATOR_CHARS].rsplit("\n", 1)[0] if len(text) > SEPARATOR_CHARS else text, recognise
    )
    cells = _split(text, separator)
    how.insert(1, f"pemisah {SEPARATORS[separator]}")
    raw = _from_grid(cells, np.arange(1, len(cells) + 1), 0, recognise, how)
    raw.numbers = None if separator == ";" else "dot"
    return raw


def _separator(sample: str, recognise: Callable[[str], bool]) -> str:
    """The separator under which a known header appears (most known cells in one row wins);
    with no known header, the one that splits the sample into the most consistent columns."""
    best, best_hits, widths = ",", 0, {}
    for sep in SEPARATORS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=sep))[: HEADER_SEARCH + 20]
        except csv.Error:  # e.g. a quoted field longer than the csv module takes: not this separator
            rows = []
        hits = max((sum(map(recognise, row)) for row in rows), default=0)
        if hits > best_hits:
            best, best_hits = sep, hits
        counts = [len(r) for r in rows if any(c.strip() for c in r)]
        widths[sep] = max(counts.count(n) * (n > 1) for n in set(counts)) if counts else 0
    if best_hits:
        return best
    return max(SEPARATORS, key=lambda s: widths[s])


def _split(text: str, separator: str) -> pd.DataFrame:
    """Every record of a text file as text cells ('' for empty), blank records kept in place."""
    try:
        first = list(csv.reader(io.StringIO(text[:SNIFF_CHARS]), delimiter=separator))
    except csv.Error:
        first = []
    width = max((len(r) for r in first), default=1)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            names=range(width),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        # A record wider than those sampled: the csv module takes any width (slower, rare).
        try:
            records = list(csv.reader(io.StringIO(text), delimiter=separator))
        except csv.Error as exc:
            raise UnreadableError(f"baris teks tidak dapat dipisah menjadi kolom: {exc}") from None
        width = max((len(r) for r in records), default=1)
        return pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)


# -- spreadsheets ------------------------------------------------------------------------------


def _workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for each kind of damage
        kind = "Excel" if path.suffix.lower() != ".ods" else "spreadsheet"
        raise UnreadableError(f"bukan berkas {kind} yang utuh (rusak atau terpotong?): {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _spreadsheet(path: Path, recognise: Callable[[str], bool], sheet: str | None, skip: tuple[str, ...]) -> Raw:
    """The sheet asked for; else, of the visible sheets, the one whose header names the most known
    columns (a tie is refused: which one holds the data is not safe to guess)."""
    from python_calamine import SheetVisibleEnum

    book = _workbook(path)
    visible = [m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible and m.name not in skip]
    names = [sheet] if sheet else visible
    found: dict[str, tuple[int, Raw]] = {}
    for name in names:
        try:
            data = book.get_sheet_by_name(name)
            cells = data.to_python()
        except Exception as exc:  # calamine raises its own types for each kind of damage
            raise UnreadableError(f"lembar {name!r} tidak dapat dibaca: {_reason(exc)}") from None
        if not cells:
            if sheet:
                return Raw([], pd.DataFrame(), np.array([], dtype=int), [], [f"lembar {name!r}"], None)
            continue
        top, left = data.start or (0, 0)
        grid = pd.DataFrame(cells, dtype=object)
        raw = _from_grid(grid, np.arange(top + 1, top + 1 + len(grid)), left, recognise, [f"lembar {name!r}"])
        raw.how.insert(0, path.suffix.lower().lstrip(".") + " (calamine)")
        raw.numbers = None
        found[name] = (sum(map(recognise, raw.headers)), raw)
    if sheet:
        return found[sheet][1]
    best = max((hits for hits, _ in found.values()), default=0)
    if not best:
        listed = ", ".join(repr(n) for n in book.sheet_names)
        raise UnreadableError(f"tidak ada lembar berisi judul kolom yang dikenal (lembar: {listed})")
    chosen = [name for name, (hits, _) in found.items() if hits == best]
    if len(chosen) > 1:
        listed = ", ".join(repr(n) for n in chosen)
        raise UnreadableError(f"beberapa lembar tampak berisi tabel ini ({listed}); sisakan satu atau beri nama lembar")
    return found[chosen[0]][1]


# -- grids: header below title rows --------------------------------------------------------------


def _from_grid(
    grid: pd.DataFrame, rows: np.ndarray, left: int, recognise: Callable[[str], bool], how: list[str]
) -> Raw:
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
    headers = [_header(c) for c in grid.iloc[at]]
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


def _header(cell: object) -> str:
    """A header cell as text: numbers typed in a header row lose a trailing '.0'."""
    if is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return re.sub(r"\s+", " ", str(cell)).strip()


# -- framed files ------------------------------------------------------------------------------


def _parquet(path: Path) -> Raw:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, … for damaged files
        raise UnreadableError(f"bukan berkas Parquet yang utuh: {_reason(exc)}") from None
    return _framed(frame, ["Parquet"])


def _sav(path: Path) -> Raw:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises ReadstatError and others
        raise UnreadableError(f"bukan berkas SPSS .sav yang utuh: {_reason(exc)}") from None
    raw = _framed(frame, ["SPSS .sav"])
    raw.labels = {str(k): v for k, v in meta.variable_value_labels.items()}
    return raw


def _framed(frame: pd.DataFrame, how: list[str]) -> Raw:
    headers = [_header(c) for c in frame.columns]
    body = frame.set_axis(range(frame.shape[1]), axis=1).reset_index(drop=True)
    return Raw(headers, body, np.arange(1, len(frame) + 1), [None] * len(headers), how)
