"""Work in progress beside its target: hidden names that say whose work it is, and what a run
that died left behind removed by the next one.

A file is written to a temporary file beside it, a folder is filled in a staging folder beside
it (:mod:`bnn_lib.writing`), and a report's notebook runs into a file beside the one it will
replace. Each such name is hidden and says what it is, on which machine and for which process:

    .results.staging-<host>-<pid>-<random>       a folder being filled
    .results.old-<host>-<pid>-<random>           the folder it replaces, moved aside for a moment
    .index.html.tmp-<host>-<pid>-<random>.html   a file being written
    .nasional.ipynb.running-<host>-<pid>-<random>.ipynb   a notebook being run

A run killed outright cannot remove its own. The next run does (:func:`sweep` over the output
folder, :func:`settle` before a folder is replaced): what a process of this machine that is no
longer alive left is removed, and a folder left aside is put back if its place is empty. Work of
a run still going, or of another machine sharing the folder, is left alone, and so is any other
hidden file: only names this scheme writes, with a dead process in them, are ever removed (the
random names of earlier versions are left, as they cannot be told from a user's own).

A name never exceeds :data:`NAME_MAX`: a long one keeps its start and gets a hash of the whole.
An error met on a hidden name is reported with the name the user knows (:func:`as_known`).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

from bnn_lib.processes import alive

# Bytes of one file name: 255 on Linux and macOS; Windows counts 255 UTF-16 units, never more
# than the UTF-8 bytes of the same name.
NAME_MAX = 255
HASH_CHARACTERS = 10
SHORTENED = re.compile(r"~[0-9a-f]{10}(\.[^.]*)?$")  # how a name fit_name shortened ends
# Bytes kept free for what a work name adds to its target's: ".running-<host>-<pid>-<random>"
# and a suffix of 16 at most. Always the same, so that the target's part of every work name
# (shortened or not) is the same and a sweep can tell whose it is.
WORK_RESERVE = 64
MAX_SUFFIX = 16
KINDS = ("staging", "old", "tmp", "running")
# This machine, as work names carry it: a pid says nothing about another machine's processes.
HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
WORK = re.compile(
    r"\.(?P<stem>.+)\.(?P<kind>staging|old|tmp|running)-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]+(\.[^.]*)?"
)
SWEEP_DEPTH = 3  # <out>/<year>/<folder>/: where the suite writes


def fit_name(name: str, reserve: int = 0) -> str:
    """``name`` if it and ``reserve`` more bytes fit in :data:`NAME_MAX`; otherwise its start,
    "~", a hash of the whole name, and its suffix (".xlsx"), together that long at most."""
    if len(name.encode()) + reserve <= NAME_MAX:
        return name
    suffix = _suffix(name)
    tag = "~" + hashlib.sha256(name.encode()).hexdigest()[:HASH_CHARACTERS] + suffix
    room = NAME_MAX - reserve - len(tag.encode())
    start = name[: len(name) - len(suffix)].encode()[: max(room, 0)].decode(errors="ignore")
    return start + tag


def work_path(target: Path, kind: str) -> Path:
    """A new hidden name beside ``target`` for work of ``kind`` (:data:`KINDS`) by this process;
    a file keeps the target's suffix (writers may choose their format by it)."""
    suffix = _suffix(target.name) if kind in ("tmp", "running") else ""
    tail = f".{kind}-{HOST}-{os.getpid()}-{secrets.token_hex(4)}{suffix}"
    stem = _work_stem(target.name)
    # In a folder near the platform's path limit, a target that fits may leave no room for the
    # longer work name: its stem is shortened further.
    room = _path_room(target.parent) - 1 - len(tail.encode())
    if len(stem.encode()) > room:
        stem = fit_name(target.name, reserve=NAME_MAX - max(room, 0))
    return target.parent / f".{stem}{tail}"


def _path_room(folder: Path) -> int:
    """Bytes left for a name in ``folder`` before a path passes the platform's limit."""
    try:
        limit = os.pathconf(folder, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no such folder yet
        return NAME_MAX
    return min(NAME_MAX, limit - 1 - len(os.fsencode(folder)) - 1)  # a separator, a final NUL


def _work_stem(name: str) -> str:
    """The part of a work name that stands for its target ``name``."""
    return fit_name(name, reserve=1 + WORK_RESERVE)


def _suffix(name: str) -> str:
    suffix = Path(name).suffix
    return suffix if len(suffix.encode()) <= MAX_SUFFIX else ""


def settle(folder: Path) -> list[Path]:
    """Before ``folder`` is replaced: remove the staging folders dead runs left beside it, and
    put back the folder one of them moved aside if its place is empty (else remove that).
    Returns what was removed or put back."""
    stem = _work_stem(folder.name)
    done = []
    for entry in _hidden(folder.parent):
        found = _stale(entry)
        if found is not None and found[0] in (stem, folder.name) and _clear(entry, found[1], folder, known=True):
            done.append(entry)
    return done


def sweep(root: Path, depth: int = SWEEP_DEPTH) -> list[Path]:
    """Remove under ``root`` (``depth`` folders deep) the work that dead runs left, as
    :func:`settle` does for one folder; returns what was removed or put back."""
    done = []
    for folder in _folders(root, depth):
        for entry in _hidden(folder):
            found = _stale(entry)
            if found is not None and _clear(entry, found[1], folder / found[0], not SHORTENED.search(found[0])):
                done.append(entry)
    return done


def as_known(exc: OSError, hidden: Path, known: Path) -> OSError:
    """``exc`` naming ``known`` wherever it named ``hidden`` or a path in it: a user cannot act
    on a name that the run made up and removed. Returns ``exc``, changed in place."""

    def swap(value: object) -> object:
        text = os.fspath(value) if isinstance(value, os.PathLike) else value
        return text.replace(str(hidden), str(known)) if isinstance(text, str) else value

    # Only the attributes set: one set to None would print as "-> None".
    for name in ("filename", "filename2", "strerror"):
        if getattr(exc, name) is not None:
            setattr(exc, name, swap(getattr(exc, name)))
    if exc.errno is None and exc.args and all(isinstance(a, str) for a in exc.args):
        exc.args = tuple(swap(a) for a in exc.args)
    return exc


def _folders(root: Path, depth: int) -> Iterator[Path]:
    """``root`` and the visible folders under it, ``depth`` levels deep (links not followed)."""
    if not root.is_dir() or root.is_symlink():
        return
    yield root
    if depth:
        for entry in _entries(root):
            if not entry.name.startswith(".") and entry.is_dir() and not entry.is_symlink():
                yield from _folders(entry, depth - 1)


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:  # gone, or not readable: nothing of ours to clear there
        return []


def _hidden(folder: Path) -> list[Path]:
    return [entry for entry in _entries(folder) if entry.name.startswith(".")]


def _stale(entry: Path) -> tuple[str, str] | None:
    """(target name, kind) of ``entry`` if it is work a dead run of this machine left; None for
    anything else, and for work still going."""
    work = WORK.fullmatch(entry.name)
    if work and work["host"] == HOST and not alive(int(work["pid"])):
        return work["stem"], work["kind"]
    return None


def _clear(entry: Path, kind: str, target: Path, known: bool) -> bool:
    """Remove ``entry``; whether anything was done. A folder moved aside is the only copy while
    its ``target`` is missing: it goes back there, or, when the target's name is not ``known``
    (it was shortened), stays."""
    if kind == "old" and not target.exists():
        if known:
            entry.replace(target)
        return known
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)
    return True
