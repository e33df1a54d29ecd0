"""Which files of a year folder hold which input table.

A table's rows may come from several files, read together:

- ``<year>/<table>.<ext>`` or ``<year>/<table>_<label>.<ext>`` (``ikotan_survey_bnnp-aceh.xlsx``;
  any separator before the label: ``ikotan_survey (1).xlsx``, the copy a browser saves, is a
  table's file too);
- every file in a folder named after the table, ``<year>/<table>/`` (one file per BNNP or BNNK);
- every sheet named after a table in any workbook (a filled input template: one sheet per table).

``<table>_mapping.csv`` (or ``.xlsx``) beside them maps headers to columns for that table. Names
are compared without regard to case. A file where a table is expected (named after it, or in
its folder) in a format the suite cannot read is refused, since the table would otherwise be
missing without a word; any other file that fits no table is listed as not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bnn_lib.intake.problems import Problem
from bnn_lib.intake.read import READABLE, SPREADSHEETS, UnreadableError, sheet_names, unreadable_format
from bnn_lib.intake.tables import TABLES
from bnn_lib.intake.values import key

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
    in_workbook: bool = False  # a sheet of a workbook of several tables (a template)
    skip: tuple[str, ...] = ()  # sheets that hold other tables: the best of the rest, if any, is this one

    @property
    def key(self) -> str:
        """The part's identity in problems: the file, and the sheet of a multi-table workbook."""
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
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        name = path.name
        label = path.relative_to(root).as_posix()
        if is_system(name):
            continue
        if name.startswith(LOCK):
            message = "berkas sementara Excel (berkas aslinya sedang dibuka?); diabaikan"
            found.warnings.append(Problem(label, None, None, None, message))
            continue
        table, mapping = table_of_name(path.stem)
        folders = [table_of_name(p)[0] for p in path.relative_to(base).parts[:-1]]
        folder_table = next((t for t in reversed(folders) if t), None)
        if table is None or (folder_table and not mapping):
            table = folder_table
        sheets, unreadable = _table_sheets(path)
        if not mapping and sheets and (table is None or set(sheets.values()) != {table} or len(sheets) > 1):
            # A workbook of several tables (a filled template), or of several sheets of one, whatever
            # its name: sheet by sheet, and the table its name gives from its best sheet (one
            # renamed "Data", say).
            for sheet, sheet_table in sheets.items():
                found.parts.setdefault(sheet_table, []).append(Part(sheet_table, path, label, sheet, True))
            if table is not None and table not in sheets.values():
                found.parts.setdefault(table, []).append(Part(table, path, label, skip=tuple(sheets)))
        elif table is not None and path.suffix.lower() not in READABLE:
            what = f"berkas {'pemetaan ' if mapping else ''}tabel {table}"
            found.problems.append(Problem(label, None, None, None, f"{what}: {unreadable_format(path)}"))
        elif table is not None:
            sheet = next(iter(sheets), None)
            target = found.mappings if mapping else found.parts
            target.setdefault(table, []).append(Part(table, path, label, sheet))
        else:
            reason = unreadable or "nama berkas (dan nama lembarnya) tidak cocok dengan tabel mana pun"
            message = f"berkas tidak dipakai: {reason} (nama tabel: {', '.join(TABLES)})"
            found.warnings.append(Problem(label, None, None, None, message))
    return found


def _table_sheets(path: Path) -> tuple[dict[str, str], str | None]:
    """The sheets of a workbook named after a table ({sheet: table}), and why it could not be
    opened if it could not (the reader reports the damage of a file it is asked to read)."""
    if path.suffix.lower() not in SPREADSHEETS:
        return {}, None
    try:
        names = sheet_names(path)
    except UnreadableError as exc:
        return {}, str(exc)
    sheets = {s: table_of_name(s) for s in names}
    return {s: table for s, (table, mapping) in sheets.items() if table and not mapping}, None
