"""What a file really holds, from its first bytes: the cause to name when it cannot be read.

Offices rename files: a CSV saved with an ``.xlsx`` name, a web system's "Excel" export that is
an HTML page, a workbook under a password (an encrypted package, not a zip), a Word document in
the data folder. A reader that fails says only that the file is damaged; :func:`mismatch` says
what the file is instead, and what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HEAD = 4096  # bytes looked at
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, .doc, or an encrypted .xlsx

# What each kind is called in a message, and the extensions that hold it (the usual one first).
KINDS = {
    "xlsx": ("buku kerja Excel (.xlsx)", (".xlsx", ".xlsm")),
    "xlsb": ("buku kerja Excel biner (.xlsb)", (".xlsb",)),
    "ods": ("spreadsheet OpenDocument (.ods)", (".ods",)),
    "xls": ("buku kerja Excel lama (.xls)", (".xls",)),
    "encrypted": ("buku kerja Excel yang dilindungi kata sandi", ()),
    "docx": ("dokumen Word", ()),
    "doc": ("dokumen Word", ()),
    "zip": ("arsip ZIP", ()),
    "parquet": ("berkas Parquet", (".parquet",)),
    "sav": ("berkas SPSS (.sav)", (".sav",)),
    "pdf": ("dokumen PDF", ()),
    "html": ("halaman web (HTML)", ()),
    "text": ("teks (CSV)", (".csv", ".txt", ".tsv")),
}
ADVICE = {
    "encrypted": "buka di Excel, hapus kata sandinya (File > Info > Protect Workbook), lalu simpan ulang",
    "html": "buka di Excel lalu simpan sebagai .xlsx (Save As > Excel Workbook)",
    "docx": "salin tabelnya ke Excel lalu simpan sebagai .xlsx",
    "doc": "salin tabelnya ke Excel lalu simpan sebagai .xlsx",
    "zip": "ekstrak arsipnya dan letakkan berkas tabelnya di folder data",
    "pdf": "minta berkas aslinya dalam .xlsx atau .csv",
}


def kind(path: Path) -> str | None:
    """The kind of content of ``path`` (a key of :data:`KINDS`), or None when not recognised."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE):
        names = _ole_names(path)
        if "Encrypted".encode("utf-16-le") in names:
            return "encrypted"
        return "doc" if "WordDocument".encode("utf-16-le") in names else "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"$FL2", b"$FL3")):
        return "sav"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in lowered[:512]:
        return "html"
    if head and _is_text(head):
        return "text"
    return None


def mismatch(path: Path) -> str | None:
    """Why ``path`` is not what its name says, in words for the office, or None when its content
    fits its extension (or is not recognised)."""
    try:
        found = kind(path)
    except (OSError, ValueError, OverflowError, MemoryError):  # a header that lies: no kind told
        return None
    if found is None:
        return None
    name, extensions = KINDS[found]
    suffix = path.suffix.lower()
    if suffix in extensions:
        return None
    fix = ADVICE.get(found) or f"ganti ekstensinya menjadi {extensions[0]}"
    return f"isi berkas ini {name}, bukan seperti yang dikatakan namanya ({suffix or 'tanpa ekstensi'}): {fix}"


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
                return "ods"
            if "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None  # a damaged package: its reader says so
    return "zip"


def _ole_names(path: Path) -> bytes:
    """The directory of a compound file, where its stream names (UTF-16) are listed: an
    encrypted workbook holds ``EncryptionInfo`` and ``EncryptedPackage``."""
    with path.open("rb") as handle:
        header = handle.read(512)
        size = 4096 if int.from_bytes(header[0x1E:0x20], "little") == 12 else 512  # the only two sizes
        first = int.from_bytes(header[0x30:0x34], "little")
        handle.seek(min((first + 1) * size, 1 << 40))
        return handle.read(8 * size)


def _is_text(head: bytes) -> bool:
    """Whether the first bytes read as text in UTF-8, UTF-16 (with or without a byte-order mark)
    or Windows-1252, with few control characters."""
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "cp1252"):
        if encoding.startswith("utf-16") and b"\x00" not in head:
            continue
        try:
            text = head.decode(encoding, errors="strict" if encoding == "cp1252" else "ignore")
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        if text and printable >= 0.97 * len(text):
            return True
    return False
