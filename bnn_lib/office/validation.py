"""The validation report: every problem of a year's input data, for the offices that fix them.

``bnn validate`` checks what ``bnn compute`` checks, computes nothing, and writes:

- ``validasi-<year>.xlsx``: a ``Ringkasan`` sheet (one row per file: what table it holds, how it
  was read, how many problems) and a ``Masalah`` sheet (one row per problem: file, sheet, row as
  Excel shows it, column, value, what is wrong, in Bahasa Indonesia), filtered and frozen;
- ``validasi-<year>.html``: the same as one page, a section per file;
- ``per-berkas-<year>/<file>.xlsx``: each file's own list, to send back to the office that sent it
  (a name past the platform's 255 bytes keeps its start and gets a hash of the whole).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from bnn_lib.intake import Loaded, Problem
from bnn_lib.intake.problems import shown
from bnn_lib.staging import fit_name
from bnn_lib.writing import atomic_folder, printable, save_workbook, write_atomic, write_rows

BLOCKING = "Harus diperbaiki"
WARNING = "Peringatan"
AFFECTED = "Terdampak"  # a row another problem makes fail, listed under it
KINDS = {BLOCKING: "bad", WARNING: "warn", AFFECTED: "affected"}  # the page's style of each
PROBLEM_HEADER = ["Jenis", "Berkas", "Lembar", "Baris", "Kolom", "Nilai", "Masalah", "Sama dengan", "Baris terdampak"]
SUMMARY_HEADER = ["Berkas", "Lembar", "Tabel", "Dibaca sebagai", "Harus diperbaiki", "Peringatan", "Status"]


@dataclass(frozen=True)
class FileSummary:
    """One input file (or sheet) in the summary."""

    file: str
    sheet: str | None
    table: str
    how: str
    blocking: int
    warnings: int

    @property
    def status(self) -> str:
        if self.blocking:
            return "Perlu diperbaiki"
        return "Baik, dengan peringatan" if self.warnings else "Baik"


def problem_rows(loaded: Loaded) -> list[list[object]]:
    """One row per problem (blocking first, then warnings), in file and row order; under a
    problem that makes other rows fail, those rows (kind "Terdampak"), and how many more."""
    rows = []
    for kind, problems in ((BLOCKING, loaded.problems), (WARNING, loaded.warnings)):
        for p in sorted(problems, key=lambda p: (p.file, p.sheet or "", p.row or 0)):
            n = len(p.affected) + p.unlisted
            rows.append(_row(kind, p, p.message + p.consequences, n or None))
            rows += [_row(AFFECTED, a, a.message, None) for a in p.affected]
            if p.unlisted:
                more = f"… dan {p.unlisted} baris lain terdampak (tidak didaftar satu per satu)"
                rows.append([AFFECTED, p.file, p.sheet, None, None, None, more, None, p.unlisted])
    return rows


def _row(kind: str, p: Problem, message: str, affected: int | None) -> list[object]:
    column = f"{p.letter} ({p.column})" if p.letter and p.column else p.column
    also = None if p.also is None else f"baris {p.also[1]} di {p.also[0]}"
    return [kind, p.file, p.sheet, p.row, column, _cell(p.value), message, also, affected]


def _cell(value: object) -> object:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return shown(value, limit=200)


def summaries(loaded: Loaded) -> list[FileSummary]:
    """One summary per file or sheet read, and per file named by a problem though not read."""
    hows = {(s.file, s.sheet): s.how for s in loaded.sources.values()}
    tables = {(f["file"], f["sheet"]): table for table, files in loaded.files.items() for f in files}
    places = list(dict.fromkeys([*tables, *[(p.file, p.sheet) for p in loaded.problems + loaded.warnings]]))

    def count(problems: list[Problem], place: tuple) -> int:
        return sum((p.file, p.sheet) == place for p in problems)

    return [
        FileSummary(
            file,
            sheet,
            tables.get((file, sheet), "–"),
            hows.get((file, sheet), ""),
            count(loaded.problems, (file, sheet)),
            count(loaded.warnings, (file, sheet)),
        )
        for file, sheet in sorted(places, key=lambda p: (p[0], p[1] or ""))
    ]


def write_report(loaded: Loaded, year: int, out: Path, data: str) -> list[Path]:
    """Write the workbook, the HTML page and the per-file workbooks (``per-berkas-<year>/``, only
    for files with something to fix or note); returns their paths. ``data``: the data folder,
    which the page names by its name only. A file is named as the data folder has it; of a file
    that holds no table, nothing else (the intake's messages never quote one)."""
    out.mkdir(parents=True, exist_ok=True)
    rows, files = problem_rows(loaded), summaries(loaded)
    written = [_workbook(rows, files, out / f"validasi-{year}.xlsx")]
    written.append(out / f"validasi-{year}.html")
    write_atomic(written[-1], _page(loaded, rows, files, year, data))
    # The per-file lists replace the old folder whole: a list left from an earlier run would send
    # an office a problem it has already fixed.
    folder = out / f"per-berkas-{year}"
    with atomic_folder(folder) as staging:
        for summary in files:
            own = [r for r in rows if r[1] == summary.file and r[2] == summary.sheet]
            if own:
                within_year = summary.file.split("/", 1)[-1]
                name = re.sub(r"[^\w.-]", "_", within_year + (f"_{summary.sheet}" if summary.sheet else ""))
                # A file name of 255 bytes is allowed; its list's name, 5 longer, is shortened.
                written.append(folder / _workbook(own, [summary], staging / fit_name(f"{name}.xlsx")).name)
    return written


def _workbook(rows: list[list[object]], files: list[FileSummary], path: Path) -> Path:
    book = Workbook()
    summary = book.active
    summary.title = "Ringkasan"
    write_rows(
        summary,
        SUMMARY_HEADER,
        [[f.file, f.sheet, f.table, f.how, f.blocking, f.warnings, f.status] for f in files],
        widths={0: 40, 3: 50},
    )
    problems = book.create_sheet("Masalah")
    write_rows(problems, PROBLEM_HEADER, rows, widths={4: 24, 5: 24, 6: 70, 7: 30}, formats={3: "0", 8: "0"})
    for sheet in book.worksheets:
        printable(sheet)
    return save_workbook(book, path)


def _page(loaded: Loaded, rows: list[list[object]], files: list[FileSummary], year: int, data: str) -> str:
    e = html.escape
    verdict = (
        f"<p class='bad'><b>Data belum dapat dihitung:</b> {len(loaded.problems)} masalah harus diperbaiki.</p>"
        if loaded.problems
        else "<p class='good'><b>Data dapat dihitung.</b></p>"
    )
    summary = "".join(
        f"<tr><td><a href='#f{i}'>{e(f.file)}</a></td><td>{e(f.sheet or '')}</td><td>{e(f.table)}</td>"
        f"<td>{e(f.how)}</td><td class='num'>{f.blocking}</td><td class='num'>{f.warnings}</td>"
        f"<td>{e(f.status)}</td></tr>"
        for i, f in enumerate(files)
    )
    sections = []
    for i, f in enumerate(files):
        own = [r for r in rows if r[1] == f.file and r[2] == f.sheet]
        body = "".join(
            f"<tr class='{KINDS[r[0]]}'><td>{e(r[0])}</td>"
            f"<td class='num'>{e(_text(r[3]))}</td><td>{e(_text(r[4]))}</td><td>{e(_text(r[5]))}</td>"
            f"<td>{e(r[6])}</td><td>{e(_text(r[7]))}</td></tr>"
            for r in own
        )
        table = (
            "<table><thead><tr><th>Jenis</th><th>Baris</th><th>Kolom</th><th>Nilai</th><th>Masalah</th>"
            f"<th>Sama dengan</th></tr></thead><tbody>{body}</tbody></table>"
            if own
            else "<p>Tidak ada masalah.</p>"
        )
        sheet = f" [{e(f.sheet)}]" if f.sheet else ""
        sections.append(f"<h2 id='f{i}'>{e(f.file)}{sheet}</h2><p class='note'>{e(f.how)}</p>{table}")
    return PAGE.format(
        year=year,
        data=e(Path(data).name),  # by name: the whole path names the machine and its user
        when=datetime.now().astimezone().strftime("%d-%m-%Y %H:%M"),
        verdict=verdict,
        summary=summary,
        sections="".join(sections),
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


PAGE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan validasi data {year}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 75rem; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .9rem; }}
th, td {{ border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #1f4e79; color: #fff; }}
td.num {{ text-align: right; }}
tr.bad td:first-child, p.bad {{ color: #a00; }}
tr.warn td:first-child {{ color: #8a5a00; }}
tr.affected td {{ color: #555; font-size: .85rem; }}
tr.affected td:first-child {{ padding-left: 1.5rem; }}
p.good {{ color: #060; }}
.note {{ color: #555; font-size: .85rem; }}
</style></head><body>
<h1>Laporan validasi data {year}</h1>
<p class="note">Folder data: {data} · diperiksa {when}. Baris dan kolom seperti yang terlihat di Excel.</p>
{verdict}
<h2>Ringkasan per berkas</h2>
<table><thead><tr><th>Berkas</th><th>Lembar</th><th>Tabel</th><th>Dibaca sebagai</th><th>Harus diperbaiki</th>
<th>Peringatan</th><th>Status</th></tr></thead><tbody>{summary}</tbody></table>
{sections}
</body></html>
"""
