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
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.intake import sniff
from bnn_lib.intake.grid import HEADER_SEARCH, Raw, UnreadableError, from_grid, header_text, reason
from bnn_lib.intake.sheets import SPREADSHEETS, sheet_names, spreadsheet

__all__ = ["READABLE", "SPREADSHEETS", "Raw", "UnreadableError", "read", "sheet_names", "unreadable_format"]

TEXT = {".csv", ".txt", ".tsv"}
FRAMED = {".parquet", ".sav"}
READABLE = TEXT | SPREADSHEETS | FRAMED
FORMATS = ", ".join([*sorted(TEXT), *sorted(SPREADSHEETS), *sorted(FRAMED)])  # as messages list them
SEPARATORS = {",": "koma (,)", ";": "titik koma (;)", "\t": "tab", "|": "garis tegak (|)"}
SNIFF_CHARS = 200_000  # characters looked at to tell the encoding and whether a file is text
SEPARATOR_CHARS = 32_000  # characters parsed with each candidate separator
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def read(path: Path, recognise: Callable[[str], bool], sheet: str | None = None) -> Raw:
    """Read ``path`` (``sheet`` of a workbook, else its one visible sheet).

    ``recognise`` tells whether a header cell names a known column; it locates the header row
    below title rows and chooses the separator of a text file.
    """
    if path.stat().st_size == 0:
        raise UnreadableError("berkas kosong (0 byte)")
    try:
        return _read(path, recognise, sheet)
    except UnreadableError:
        # A file that is not what its name says fails in its reader with a word about damage:
        # name what it is instead.
        cause = sniff.mismatch(path)
        if cause is None:
            raise
        raise UnreadableError(cause) from None


def _read(path: Path, recognise: Callable[[str], bool], sheet: str | None) -> Raw:
    suffix = path.suffix.lower()
    if suffix in TEXT:
        return _text(path, recognise)
    if suffix in SPREADSHEETS:
        return spreadsheet(path, recognise, sheet)
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
    if (order := _utf16_order(data[:SNIFF_CHARS])) is not None:
        try:
            return data.decode(order), "UTF-16 tanpa BOM"
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: refused as binary below
    if b"\x00" in data[:SNIFF_CHARS]:
        raise UnreadableError("bukan berkas teks (berisi byte biner); simpan sebagai CSV atau .xlsx")
    try:
        text, name = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, name = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise UnreadableError(
                f"pengodean teks tidak dikenali (di posisi {exc.start}); simpan ulang sebagai 'CSV UTF-8'"
            ) from None
    sample = text[:SNIFF_CHARS]
    if len(CONTROLS.findall(sample)) > 0.01 * max(len(sample), 1):
        raise UnreadableError("bukan berkas teks (berisi karakter kendali); simpan sebagai CSV atau .xlsx")
    return text, name


def _utf16_order(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text without a byte-order mark (Windows tools save
    it so): text in Latin letters has a zero byte in every other place, on one side only."""
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.9 and zeros_even < 0.1:
        return "utf-16-le"
    if zeros_even > 0.9 and zeros_odd < 0.1:
        return "utf-16-be"
    return None


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
    raw = from_grid(cells, np.arange(1, len(cells) + 1), 0, recognise, how)
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


# -- framed files ------------------------------------------------------------------------------


def _parquet(path: Path) -> Raw:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, … for damaged files
        raise UnreadableError(f"bukan berkas Parquet yang utuh: {reason(exc)}") from None
    for column in schema:
        if pa.types.is_nested(column.type):
            raise UnreadableError(
                f"kolom {column.name!r} berisi nilai bertingkat ({column.type}), bukan satu nilai per sel; "
                "ratakan kolom ini (satu kolom per isi) lalu simpan ulang"
            )
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, … for damaged files
        raise UnreadableError(f"bukan berkas Parquet yang utuh: {reason(exc)}") from None
    return _framed(frame, ["Parquet"])


def _sav(path: Path) -> Raw:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises ReadstatError and others
        raise UnreadableError(f"bukan berkas SPSS .sav yang utuh: {reason(exc)}") from None
    raw = _framed(frame, ["SPSS .sav"])
    raw.labels = {str(k): v for k, v in meta.variable_value_labels.items()}
    return raw


def _framed(frame: pd.DataFrame, how: list[str]) -> Raw:
    headers = [header_text(c) for c in frame.columns]
    body = frame.set_axis(range(frame.shape[1]), axis=1).reset_index(drop=True)
    return Raw(headers, body, np.arange(1, len(frame) + 1), [None] * len(headers), how)
