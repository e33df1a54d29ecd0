"""Which files of a year folder hold which input table.

A table's rows may come from several files, read together:

- ``<year>/<table>.<ext>`` or ``<year>/<table>_<label>.<ext>`` (``ikotan_survey_bnnp-aceh.xlsx``;
  any separator before the label: ``ikotan_survey (1).xlsx``, the copy a browser saves, is a
  table's file too);
- every file in a folder named after the table, ``<year>/<table>/`` (one file per BNNP or BNNK);
- every sheet named after a table in any workbook (a filled input template: one sheet per table);
- every other visible sheet of a workbook named after a table (one sheet per kab/kota or office):
  read when its header names the table's columns, else noted as not read. Hidden sheets are
  never read.

A link (symbolic link, Windows junction) is followed only where it points inside the data
folder; one that points outside it is refused without being read.

``<table>_mapping.csv`` (or ``.xlsx``) beside them maps headers to columns for that table. Names
are compared without regard to case. A file where a table is expected (named after it, or in
its folder) in a format the suite cannot read is refused, since the table would otherwise be
missing without a word; any other file that fits no table is listed as not used, by its name
alone (nothing of what it holds is repeated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bnn_lib.intake.problems import Problem
from bnn_lib.intake.read import READABLE, SPREADSHEETS, UnreadableError, sheet_names, unreadable_format
from bnn_lib.intake.tables import TABLES
from bnn_lib.intake.values import key

LINK_OUTSIDE = "tautan (shortcut/symlink) ke luar folder data; tidak dibaca: salin berkas atau foldernya ke folder data"
LINK_BROKEN = "tautan (shortcut/symlink) yang tujuannya tidak ada; tidak dibaca"
NO_TABLE = "nama berkas (dan nama lembarnya) tidak cocok dengan tabel mana pun"
IGNORED = {"thumbs.db", "desktop.ini", ".ds_store"}
LOCK = "~$"  # Excel's lock file of an open workbook: "~$<name>.xlsx"
MAPPING = "mapping"


@dataclass(frozen=True)
class Part:
    """One file (or one sheet of a workbook) that holds rows of ``table``."""

    table: str
    path: Path
    file: str  # path relative to the data folder, with '/'
    sheet: str | None = None
    in_workbook: bool = False  # one sheet of a workbook of several sheets
    # A sheet that may hold the table or something else (instructions, a summary): read when its
    # header names the table's columns, else noted and passed over.
    optional: bool = False

    @property
    def key(self) -> str:
        """The part's identity in problems: the file, and the sheet of a multi-sheet workbook."""
        return f"{self.file}!{self.sheet}" if self.in_workbook else self.file


@dataclass
class Found:
    """The parts of each table, the mapping files, and what was found but not used."""

    parts: dict[str, list[Part]] = field(default_factory=dict)
    mappings: dict[str, list[Part]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def table_of_name(stem: str) -> tuple[str | None, bool]:
    """The table a file or folder name stands for, and whether it is that table's mapping file.

    Any label may follow the table's name after a separator: ``ikotan_survey_bnnp-aceh``, but
    also ``ikotan_survey (1)`` (a browser's copy) or ``ikotan_survey.csv`` (the stem of a backup
    ``ikotan_survey.csv.bak``), so that such a file is read or refused rather than left out.
    """
    k = key(stem)
    for table in sorted(TABLES, key=len, reverse=True):
        match = re.fullmatch(rf"{table}(?:[^a-z0-9](.*))?", k)
        if match:
            return table, match[1] == MAPPING
    return None, False


def is_system(name: str) -> bool:
    """A file that the system, not an office, put in a folder (hidden, thumbnails, settings)."""
    return name.startswith(".") or name.lower() in IGNORED


def discover(base: Path, root: Path) -> Found:
    """Every input file under the year folder ``base``; names are given relative to ``root``."""
    found = Found()
    for path, label in _files(base, root, found):
        name = path.name
        if is_system(name):
            continue
        if name.startswith(LOCK):
            message = "berkas sementara Excel (berkas aslinya sedang dibuka?); diabaikan"
            found.warnings.append(Problem(label, None, None, None, message))
            continue
        table, mapping = table_of_name(path.stem)
        folders = [table_of_name(p)[0] for p in PurePosixPath(label).parts[len(base.relative_to(root).parts) : -1]]
        folder_table = next((t for t in reversed(folders) if t), None)
        if table is None or (folder_table and not mapping):
            table = folder_table
        if table is not None and path.suffix.lower() not in READABLE:
            what = f"berkas {'pemetaan ' if mapping else ''}tabel {table}"
            found.problems.append(Problem(label, None, None, None, f"{what}: {unreadable_format(path)}"))
            continue
        try:
            sheets = _visible(path, label, found)
        except UnreadableError:
            if table is None:  # a file of no table is named, never described: its reader's words may quote it
                message = "berkas tidak dipakai: tidak dapat dibuka sebagai spreadsheet"
                found.warnings.append(Problem(label, None, None, None, message))
            else:  # the reader names the damage of a file that holds a table
                (found.mappings if mapping else found.parts).setdefault(table, []).append(Part(table, path, label))
            continue
        parts = file_parts(path, label, table, mapping, sheets)
        if not parts:
            message = f"berkas tidak dipakai: {NO_TABLE} (nama tabel: {', '.join(TABLES)})"
            found.warnings.append(Problem(label, None, None, None, message))
        for part in parts:
            (found.mappings if mapping else found.parts).setdefault(part.table, []).append(part)
    return found


def file_parts(path: Path, label: str, table: str | None, mapping: bool, sheets: list[str]) -> list[Part]:
    """The parts a file holds: the file itself; or, for a workbook of several visible sheets,
    each sheet named after a table as that table and every other sheet as a possible part of the
    table the file is named after (one sheet per kab/kota or per office, read whole)."""
    named = {s: table_of_name(s) for s in sheets}
    tables = {s: t for s, (t, m) in named.items() if t and not m}
    if mapping or (len(sheets) <= 1 and (table or not tables)):
        return [Part(table, path, label, sheets[0] if sheets else None)] if table else []
    parts = [Part(t, path, label, s, True) for s, t in tables.items()]
    if table is not None and table not in tables.values():
        # No sheet is named after the file's table: the other sheets may hold it (a template's
        # guide sheet beside a sheet named after the table is no part of it).
        parts += [Part(table, path, label, s, True, optional=True) for s in sheets if s not in tables]
    return parts


def _visible(path: Path, label: str, found: Found) -> list[str]:
    """The visible sheets of a workbook (none for other files); a hidden sheet is noted as not
    read, since a person looking at the workbook does not see what it holds. The note names a
    hidden sheet named after a table and counts the others: their names are words of something
    that is not read as a table, and the note goes back to the offices."""
    if path.suffix.lower() not in SPREADSHEETS:
        return []
    every, visible = sheet_names(path, hidden=True), sheet_names(path)
    hidden = [s for s in every if s not in visible]
    if hidden:
        named = [repr(s) for s in hidden if table_of_name(s)[0]]
        others = len(hidden) - len(named)
        listed = ", ".join(named) + (" dan " if named and others else "") + (f"{others} lembar lain" if others else "")
        found.warnings.append(Problem(label, None, None, None, f"lembar tersembunyi tidak dibaca: {listed}"))
    return visible


def _files(base: Path, root: Path, found: Found) -> Iterator[tuple[Path, str]]:
    """Every file under ``base`` with its name relative to ``root``, in order. A link (symbolic
    link or Windows junction) is followed only where it points inside the data folder ``root``;
    one pointing outside it, or nowhere, is refused unread, so that nothing outside the folder an
    office hands in is ever read or copied into a report."""
    top = root.resolve()

    def walk(folder: Path, shown: PurePosixPath, above: frozenset[Path]) -> Iterator[tuple[Path, str]]:
        real = folder.resolve()
        if real in above:  # a link back to a folder this one is inside of: a loop
            return
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            found.problems.append(Problem(str(shown), None, None, None, f"folder tidak dapat dibuka: {exc.strerror}"))
            return
        for entry in entries:
            label = shown / printable_name(entry.name)
            # Every entry is resolved, not only those seen as links: Python 3.11 cannot tell a
            # Windows junction from a folder, and a junction out of the data folder must not be read.
            try:
                target = entry.resolve()
            except (OSError, RuntimeError):  # a link to itself: a loop, never a file
                target = None
            if target is None or not target.exists():
                if _is_link(entry) or target is None:
                    found.problems.append(Problem(str(label), None, None, None, LINK_BROKEN))
                continue
            if not target.is_relative_to(top):
                found.problems.append(Problem(str(label), None, None, None, LINK_OUTSIDE))
                continue
            if entry.is_dir():
                yield from walk(entry, label, above | {real})
            elif entry.is_file():
                yield entry, str(label)

    yield from walk(base, PurePosixPath(base.relative_to(root).as_posix()), frozenset())


def printable_name(name: str) -> str:
    """A file name as messages and reports can hold it: bytes that are not UTF-8 (a name made on
    an old Windows or a USB stick) shown as the replacement character, not carried as surrogates
    that stop any UTF-8 writer."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _is_link(path: Path) -> bool:
    return path.is_symlink() or (hasattr(path, "is_junction") and path.is_junction())
