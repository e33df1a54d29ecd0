"""The ``Catatan`` sheet of the performance workbook: what the figures are and where they come
from, in plain Bahasa Indonesia: notes, the specs used, and each element of each spec with what
it rests on (documented with its source, inferred with the argument, or assumed).

A spec names its elements by field paths and its notes cite the repository's files; a reader of
the workbook gets them in words (:func:`bnn_lib.reporting.words.element_name`,
:func:`bnn_lib.reporting.words.plain_note`). The input files are not named (the workbook is
shared): their list is the analyst's, with the results.
"""

from __future__ import annotations

from datetime import UTC, datetime

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.kinerja import SASARAN
from bnn_lib.reporting.sheets import WHEN, YEAR
from bnn_lib.reporting.words import SYNTHETIC, SYNTHETIC_WHY, element_name, plain_note
from bnn_lib.reporting.worksheets import title
from bnn_lib.spec import PROVENANCE_WORDS
from bnn_lib.writing import printable, put, wrapped_height, write_rows

# Catatan holds several tables in the same columns: widths that suit all of them and print on
# one page width.
WIDTHS = [16, 22, 30, 56, 50, 14]


def notes(sheet: Worksheet, data: ReportData) -> None:
    """Notes, then the specs and the elements of each spec, each table with its own filter."""
    title(sheet, data, f"Catatan tabel kinerja {data.year}")
    row, text_width = 2, sum(WIDTHS[1:])
    for label, value, fmt in _note_lines(data):
        put(sheet, row, 1, label).font = Font(bold=True)
        cell = put(sheet, row, 2, value, fmt)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(WIDTHS))
        sheet.row_dimensions[row].height = wrapped_height(value, text_width - 4)
        row += 1
    specs = data.results.specs.values()
    spec_rows = [[s.index, s.id, s.version, s.title, s.years_from, s.years_to] for s in specs]
    header = ["Indeks", "Spesifikasi", "Versi", "Judul", "Berlaku dari", "Berlaku sampai"]
    row = _listed(sheet, row + 1, "Spesifikasi", "Spesifikasi yang dipakai", header, spec_rows, {4: YEAR, 5: YEAR})
    header = ["Indeks", "Status", "Unsur", "Catatan", "Sumber"]
    heading = "Unsur spesifikasi: terdokumentasi (dengan sumber), disimpulkan (dengan alasannya) atau diasumsikan"
    _listed(sheet, row, "UnsurSpesifikasi", heading, header, _element_rows(data))
    for j, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width
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
    scales = " / ".join(dict.fromkeys(headline(data, key).scale for key in surveys))
    unchanged = [s.index for key, s in surveys.items() if data.table(f"{key}_change") is None]
    return [
        *lines,
        (
            "Sasaran",
            f"Sasaran strategis Deputi Bidang Pemberdayaan Masyarakat menurut LKj Deputi Dayamas 2021: "
            f"“{SASARAN['outcome']}”. Keluaran program dicatat sebagai “{SASARAN['output']}”.",
            None,
        ),
        (
            "Capaian",
            "Capaian (%) = realisasi ÷ target × 100 (target ÷ realisasi × 100 bila makin rendah makin baik); "
            "kosong bila target belum ditetapkan atau nol. Capaian terhadap target akhir Renstra dihitung sama "
            "dengan target akhir periode Renstra; kolomnya kosong bila target itu tidak ditetapkan.",
            None,
        ),
        (
            "Selang",
            f"Selang kepercayaan {level}: selang bootstrap nilai indeks survei (skala {scales}) atau selang Wilson "
            f"tingkat keterpulihan (%). Kategori belum pasti: peluang kategori yang tercantum di bawah {level}.",
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
        (
            "Sumber data",
            "Daftar berkas masukan beserta sidik jarinya disimpan analis bersama hasil perhitungan.",
            None,
        ),
    ]


def _element_rows(data: ReportData) -> list[list[object]]:
    """Each element of each spec in words, with what it rests on (without the questionnaire
    items)."""
    return [
        [spec.index, PROVENANCE_WORDS[el.provenance], element_name(path, el), plain_note(el.note, spec), el.source]
        for spec in data.results.specs.values()
        for path, el in spec.elements()
        if ".items[" not in path
    ]


def _listed(
    sheet: Worksheet,
    start: int,
    name: str,
    heading: str,
    header: list[str],
    rows: list[list[object]],
    formats: dict[int, str] | None = None,
) -> int:
    """A titled table from row ``start``, filtered as an Excel table (a sheet has one sheet-wide
    filter; each table has its own), its text wrapped at :data:`WIDTHS`; returns the first row
    after it and a blank one."""
    put(sheet, start, 1, heading).font = Font(bold=True)
    if not rows:
        put(sheet, start + 1, 1, "Tidak tercatat dalam hasil.")
        return start + 3
    wraps = dict(enumerate(WIDTHS[: len(header)]))
    write_rows(sheet, header, rows, start=start + 1, formats=formats, widths=wraps, freeze=False, filters=False)
    for line in sheet.iter_rows(min_row=start + 2, max_row=start + 1 + len(rows), max_col=len(header)):
        for cell in line:  # a year sits at the left of its wide column, as the text beside it
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ref = f"A{start + 1}:{get_column_letter(len(header))}{start + 1 + len(rows)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(table)
    return start + len(rows) + 3
