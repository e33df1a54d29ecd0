"""What the command prints: text from users' files never reaches the terminal raw.

A file name, a sheet name or a cell can hold control characters: an escape sequence
(``\\x1b[2J`` clears the screen, ``\\x1b[31m`` colours what follows), a carriage return that
draws the rest of a line over its start, or a Unicode direction override that shows a name
backwards. Every line the command prints goes through :func:`safe` (by :func:`say`), which
shows each such character as its escape, ``\\x1b``, ``\\r``, ``\\u202e``: the line reads as
what the file holds, and nothing in it acts on the terminal. Newlines are kept: the command's
own messages are several lines. An operating-system error is said in the console's language,
with what to do (:func:`os_message`).
"""

from __future__ import annotations

import errno
import re
import sys
from typing import TextIO

# C0 controls but the newline, DEL, C1 controls, and the format characters that reorder or hide
# text (bidirectional marks, embeddings, overrides and isolates).
# Lone surrogates too: a file name whose bytes are not UTF-8 reaches Python as such, and no UTF-8
# stream can write one.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe(text: object) -> str:
    """``text`` with every control character (:data:`CONTROL`) written as its escape."""
    return CONTROL.sub(_escape, str(text))


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def say(*parts: object, file: TextIO | None = None) -> None:
    """Print ``parts`` (space-separated) as :func:`print` does, made :func:`safe` first; to
    standard output unless ``file`` says otherwise (read when called, so a redirected stream
    is the one used)."""
    print(safe(" ".join(map(str, parts))), file=file or sys.stdout)


# What to do about the file-system errors a user meets, by errno.
OFFICE_FILES = (".xlsx", ".csv")
OS_HINTS = {
    errno.ENOSPC: "disk penuh; kosongkan sebagian lalu jalankan perintahnya lagi",
    errno.EDQUOT: "kuota disk habis; kosongkan sebagian lalu jalankan perintahnya lagi",
    errno.EACCES: "tidak ada izin; pilih folder lain atau minta izin menulis",
    errno.EPERM: "tidak ada izin; pilih folder lain atau minta izin menulis",
    errno.EROFS: "disk hanya-baca; pilih folder lain",
    errno.EEXIST: "ada berkas bernama sama dengan folder itu; pindahkan berkasnya atau pilih jalur lain",
    errno.ENOTDIR: "ada berkas bernama sama dengan folder itu; pindahkan berkasnya atau pilih jalur lain",
    errno.EISDIR: "itu folder; berikan nama berkas",
}


# What the operating system says, in the console's language, for the errors a user meets.
OS_WORDS = {
    errno.ENOENT: "tidak ada",
    errno.ENOSPC: "ruang disk habis",
    errno.EDQUOT: "kuota disk habis",
    errno.EACCES: "akses ditolak",
    errno.EPERM: "tidak diizinkan",
    errno.EROFS: "disk hanya-baca",
    errno.EEXIST: "sudah ada",
    errno.ENOTDIR: "bukan folder",
    errno.EISDIR: "adalah folder",
}


def os_message(exc: OSError) -> str:
    """An operating-system error as one line: the path, what went wrong and what to do."""
    # A failed rename names its target second; the source is a temporary file, gone by now.
    path = exc.filename2 or exc.filename
    where = f"{path}: " if path else ""
    what = OS_WORDS.get(exc.errno or 0, exc.strerror or str(exc))
    hint = OS_HINTS.get(exc.errno or 0)
    if hint and exc.errno in (errno.EACCES, errno.EPERM) and str(path).endswith(OFFICE_FILES):
        hint = "sedang dibuka di Excel? tutup lalu jalankan perintahnya lagi"  # Windows locks an open file
    return f"{where}{what}" + (f" ({hint})" if hint else "")


def safe_console() -> None:
    """Never fail on printing: a Windows console's code page (cp1252, cp437) has no ≥ or ±, so
    characters it cannot show are replaced instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
