"""The performance workbook of a year (tabel kinerja): the figures of the Laporan Kinerja as
numbers that planners can copy into the LAKIP, filter and sum.

    write(2024)    # reports/2024/tabel-kinerja-2024.xlsx, from reports/2024/results

Sheets:

- ``Kinerja``: target, realisasi and capaian of every KPI measure, the nation first and then each
  province, one row per region and indicator (a filter on Wilayah gives one region's table);
- one sheet per index computed (``IKOTAN``, ``IKP``, ``IKKRN``, ``IKKTT``, named by the spec): the
  nation, then each province followed by its kab/kota, with values, band, the interval, the
  change from the previous year and the small-cell flag where the results have them;
- ``Output``: the programme outputs of the nation and each province against their targets, and
  of each kab/kota (left out when the data have no outputs);
- ``Catatan``: the specs and their documented and assumed elements, when the results were
  computed and, for the sample data, that the figures are synthetic. The input files are not
  named (the workbook is shared): their list is the analyst's, in the results' ``specs.json``.

The workbook only reads the saved results (:func:`bnn_lib.reporting.data.load`): every figure is
a value of a result table, never recomputed and never a formula. Text is stored as text (a name
that begins with ``=`` is not run), a missing value is an empty cell, and the file is written
through a temporary file and a rename (:mod:`bnn_lib.writing`).
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from bnn_lib.paths import REPORTS_DIR
from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData, load
from bnn_lib.reporting.sheets import (
    CHANGE,
    CHANGE_DECIMALS,
    OUTPUT,
    PER_ROW,
    PLACE,
    PRIORITAS,
    PRIORITAS_WIDTHS,
    SASARAN,
    WHEN,
    YEAR,
    Col,
    index_columns,
    index_frame,
    kinerja_columns,
    kinerja_frame,
    output_frame,
    priority_frame,
)
from bnn_lib.reporting.words import SYNTHETIC, SYNTHETIC_WHY
from bnn_lib.rounding import rounded
from bnn_lib.spec import PROVENANCE_WORDS
from bnn_lib.writing import MAX_WIDTH, printable, put, save_workbook, write_rows

TITLE_FONT = Font(bold=True, size=12)
BANNER_FONT = Font(bold=True, size=12, color="C00000")
# Catatan holds several tables in the same columns: widths that suit all of them.
NOTE_WIDTHS = {0: 22, 1: 34, 2: 18, 3: 36, 4: 36, 5: 60, 6: 60}


def file_name(year: int) -> str:
    """The workbook's file name: ``tabel-kinerja-<year>.xlsx``."""
    return f"tabel-kinerja-{year}.xlsx"


def path_for(year: int, base: Path | None = None) -> Path:
    """Where the batch puts the workbook of ``year``: ``<base>/<year>/tabel-kinerja-<year>.xlsx``."""
    return (base or REPORTS_DIR) / str(year) / file_name(year)


def write(year: int, base: Path | None = None, to: Path | None = None) -> Path:
    """Write the workbook of ``year`` from the saved results under ``base`` (default
    ``reports/``, results in ``<base>/<year>/results``) to ``to`` (default :func:`path_for`),
    atomically; returns the path written."""
    data = load(year, str(base) if base else None)
    return save_workbook(workbook(data), to or path_for(year, base))


def workbook(data: ReportData) -> Workbook:
    """The workbook of the results in ``data``: Kinerja, a sheet per index, Output, Prioritas,
    Catatan."""
    book = Workbook()
    kinerja = book.active
    kinerja.title = "Kinerja"
    _sheet(kinerja, data, f"Capaian kinerja {data.year} per wilayah", kinerja_columns(data), kinerja_frame(data))
    for index, spec in data.results.specs.items():
        if data.table(f"{index}_regions") is not None:
            frame, columns = index_frame(data, index), index_columns(data, index)
            shown = [c for c in columns if c.key in frame and frame[c.key].notna().any()]
            title = f"{spec.title} ({spec.index}) {data.year}: nasional, provinsi dan kab/kota"
            _sheet(book.create_sheet(spec.index), data, title, shown, frame, frozen_columns=len(PLACE))
    outputs = output_frame(data)
    if not outputs.empty:  # an office with survey data only has no outputs to show
        title = f"Keluaran program {data.year}: target, realisasi dan capaian per wilayah"
        _sheet(book.create_sheet("Output"), data, title, OUTPUT, outputs, frozen_columns=len(PLACE))
    priorities = priority_frame(data)
    if not priorities.empty:
        title = (
            f"Prioritas tindak lanjut {data.year}: nasional, per provinsi dan per kab/kota, dengan angka di baliknya"
        )
        sheet = book.create_sheet("Prioritas")
        _sheet(sheet, data, title, PRIORITAS, priorities, frozen_columns=3)
        _wrap(sheet, PRIORITAS, PRIORITAS_WIDTHS)
    notes(book.create_sheet("Catatan"), data)
    return book


def _wrap(sheet: Worksheet, columns: list[Col], widths: dict[str, float]) -> None:
    """Narrow the text columns named in ``widths``, wrap their cells, and make each row as tall as
    its longest wrapped cell (spreadsheet programs do not all size rows themselves)."""
    lines: dict[int, int] = {}
    for j, column in enumerate(columns, start=1):
        if column.key not in widths:
            continue
        sheet.column_dimensions[get_column_letter(j)].width = widths[column.key]
        for (cell,) in sheet.iter_rows(min_row=3, min_col=j, max_col=j):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            wrapped = len(textwrap.wrap(str(cell.value or ""), int(widths[column.key]) - 2)) or 1
            lines[cell.row] = max(lines.get(cell.row, 1), wrapped)
    for row, count in lines.items():
        sheet.row_dimensions[row].height = 15 * count


# -- Catatan ---------------------------------------------------------------------------------------


def notes(sheet: Worksheet, data: ReportData) -> None:
    """What the figures are and where they come from: notes, then the specs and the elements of
    each spec, each table with its own filter."""
    _title(sheet, data, f"Catatan tabel kinerja {data.year}")
    row, text_width = 2, sum(NOTE_WIDTHS.values()) - NOTE_WIDTHS[0]
    for label, value, fmt in _note_lines(data):
        put(sheet, row, 1, label).font = Font(bold=True)
        cell = put(sheet, row, 2, value, fmt)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(NOTE_WIDTHS))
        sheet.row_dimensions[row].height = 15 * max(1, len(textwrap.wrap(str(value), text_width - 4)))
        row += 1
    specs = data.results.specs.values()
    spec_rows = [
        [s.index, s.id, s.version, s.title, Path(s.path).name or None, s.years_from, s.years_to] for s in specs
    ]
    header = ["Indeks", "Id spesifikasi", "Versi", "Judul", "Berkas spesifikasi", "Berlaku dari", "Berlaku sampai"]
    row = _listed(sheet, row + 1, "Spesifikasi", "Spesifikasi yang dipakai", header, spec_rows, {5: YEAR, 6: YEAR})
    header = ["Indeks", "Id spesifikasi", "Status", "Unsur", "Nama", "Sumber", "Catatan"]
    title = "Unsur spesifikasi: terdokumentasi (dengan sumber), disimpulkan (dengan alasannya) atau diasumsikan"
    _listed(sheet, row, "UnsurSpesifikasi", title, header, _element_rows(data))
    for j, width in NOTE_WIDTHS.items():
        sheet.column_dimensions[get_column_letter(j + 1)].width = width
    printable(sheet)


def _note_lines(data: ReportData) -> list[tuple[str, object, str | None]]:
    """(label, value, number format) of each note."""
    meta, year, level = data.meta, data.year, words.level()
    lines: list[tuple[str, object, str | None]] = []
    if meta.get("synthetic"):
        lines.append(("Data", f"{SYNTHETIC}. {SYNTHETIC_WHY}.", None))
    lines.append(("Tahun", year, YEAR))
    if meta.get("computed_at"):
        when = datetime.fromisoformat(meta["computed_at"]).astimezone(UTC).replace(tzinfo=None)
        lines.append(("Dihitung (UTC)", when, WHEN))
    versions = ", ".join(f"{name} {v}" for name, v in meta.get("versions", {}).items())
    if versions:
        lines.append(("Perangkat lunak", versions, None))
    surveys = {key: s for key, s in data.results.specs.items() if data.table(f"{key}_kabkota") is not None}
    scales = " / ".join(dict.fromkeys(words.report_scale(data, key) for key in surveys))
    unchanged = [s.index for key, s in surveys.items() if data.table(f"{key}_change") is None]
    lines += [
        (
            "Sasaran",
            f"Sasaran strategis Deputi Bidang Pemberdayaan Masyarakat menurut LKj Deputi Dayamas 2021: "
            f"“{SASARAN['outcome']}”. Keluaran program dicatat sebagai “{SASARAN['output']}”.",
            None,
        ),
        ("Capaian", "Capaian (%) = realisasi ÷ target × 100; kosong bila target belum ditetapkan atau nol.", None),
        (
            "Selang",
            f"Selang kepercayaan {level}: selang bootstrap nilai indeks survei (skala {scales}) atau selang Wilson "
            "tingkat keterpulihan (%). Kategori belum pasti: peluang kategori yang tercantum di bawah 95 %.",
            None,
        ),
        (
            "Perubahan",
            f"Perubahan dari {year - 1} dalam poin; berbeda nyata dari nol bila selang {level} perubahan tidak "
            f"memuat nol. Kosong bila tidak ada nilai {year - 1} yang sebanding"
            + (f" (tidak dihitung untuk {', '.join(unchanged)})." if unchanged else "."),
            None,
        ),
        (
            "Sel kecil",
            "Nilai dengan responden lebih sedikit daripada batas spesifikasi ditandai “ya”: jangan dipublikasikan.",
            None,
        ),
        ("Angka", "Sel kosong: tidak ada nilai. Pemisah desimal mengikuti bahasa Excel (koma untuk Indonesia).", None),
        ("Sumber data", "Daftar berkas masukan, dengan sidik jarinya: results/specs.json hasil perhitungan.", None),
    ]
    return lines


def _element_rows(data: ReportData) -> list[list[object]]:
    """Each element of each spec, with what it rests on (without the questionnaire items)."""
    return [
        [spec.index, spec.id, PROVENANCE_WORDS[el.provenance], path, getattr(el, "name", None), el.source, el.note]
        for spec in data.results.specs.values()
        for path, el in spec.elements()
        if ".items[" not in path
    ]


def _listed(
    sheet: Worksheet,
    start: int,
    name: str,
    title: str,
    header: list[str],
    rows: list[list[object]],
    formats: dict[int, str] | None = None,
) -> int:
    """A titled table from row ``start``, filtered as an Excel table (a sheet has one sheet-wide
    filter; each table has its own); returns the first row after it and a blank one."""
    put(sheet, start, 1, title).font = Font(bold=True)
    if not rows:
        put(sheet, start + 1, 1, "Tidak tercatat dalam hasil.")
        return start + 3
    widths = {j: NOTE_WIDTHS[j] for j in range(len(header))}
    write_rows(sheet, header, rows, start=start + 1, formats=formats, widths=widths, freeze=False, filters=False)
    for line in sheet.iter_rows(min_row=start + 2, max_row=start + 1 + len(rows), max_col=len(header)):
        for cell in line:  # a year sits at the left of its wide column, as the text beside it
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ref = f"A{start + 1}:{get_column_letter(len(header))}{start + 1 + len(rows)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(table)
    return start + len(rows) + 3


# -- sheets ---------------------------------------------------------------------------------------


def _sheet(
    sheet: Worksheet, data: ReportData, title: str, columns: list[Col], frame: pd.DataFrame, frozen_columns: int = 0
) -> None:
    """A title row, then ``columns`` of ``frame`` as a table with a frozen, filtered header in
    row 2 (and the first ``frozen_columns`` columns frozen), sized, printable."""
    _title(sheet, data, title)
    values = frame[[c.key for c in columns]].astype(object)
    for c in (c for c in columns if c.fmt == CHANGE):  # Excel signs the stored value, not the shown one
        values[c.key] = [None if pd.isna(v) else rounded(v, CHANGE_DECIMALS) for v in values[c.key]]
    rows = values.where(values.notna(), None).to_numpy().tolist()
    formats = {j: c.fmt for j, c in enumerate(columns) if c.fmt and c.fmt != PER_ROW}
    write_rows(sheet, [c.header for c in columns], rows, start=2, formats=formats)
    for j, column in enumerate(columns, start=1):
        if column.fmt == PER_ROW:
            for i, fmt in enumerate(frame["number_format"], start=3):
                sheet.cell(i, j).number_format = fmt
    _fit(sheet, columns, rows)
    sheet.freeze_panes = sheet.cell(3, frozen_columns + 1)
    printable(sheet)
    sheet.print_title_rows = "1:2"


def _title(sheet: Worksheet, data: ReportData, text: str) -> None:
    """The title in row 1, marked when the data are synthetic."""
    synthetic = bool(data.meta.get("synthetic"))
    cell = put(sheet, 1, 1, f"{SYNTHETIC} · {text}" if synthetic else text)
    cell.font = BANNER_FONT if synthetic else TITLE_FONT


def _fit(sheet: Worksheet, columns: list[Col], rows: list[list[object]]) -> None:
    """Widths that show each value and the longest word of its heading; the heading row is as
    tall as its most wrapped heading (not every program sizes rows itself)."""
    lines = 1
    for j, column in enumerate(columns):
        # Twelve characters show a count or a value with two decimals ("1.234.567,89").
        content = 12 if column.fmt else max([len(str(r[j])) for r in rows[:500] if r[j] is not None], default=0)
        width = min(MAX_WIDTH, max(content, *(len(w) for w in column.header.split())) + 2)
        sheet.column_dimensions[get_column_letter(j + 1)].width = width
        lines = max(lines, len(textwrap.wrap(column.header, width - 2)))
    sheet.row_dimensions[2].height = 15 * lines
