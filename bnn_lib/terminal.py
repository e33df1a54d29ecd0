"""What the command prints: text from users' files never reaches the terminal raw.

A file name, a sheet name or a cell can hold control characters: an escape sequence
(``\\x1b[2J`` clears the screen, ``\\x1b[31m`` colours what follows), a carriage return that
draws the rest of a line over its start, or a Unicode direction override that shows a name
backwards. Every line the command prints goes through :func:`safe` (by :func:`say`), which
shows each such character as its escape, ``\\x1b``, ``\\r``, ``\\u202e``: the line reads as
what the file holds, and nothing in it acts on the terminal. Newlines are kept: the command's
own messages are several lines.
"""

from __future__ import annotations

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
