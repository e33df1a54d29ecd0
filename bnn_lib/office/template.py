"""Input templates: the workbook an office fills in, made from the specs and the region registry.

One workbook per year (and province), one sheet per input table, named after the table so that
the filled workbook, put in ``data/<year>/``, is read as it stands. Each sheet has its header row
(frozen, with the column's explanation as a comment), dropdown lists for kab/kota (code and
name, limited to the province when one is given), respondent groups, answers (the spec's scale
and its missing code), kawasan phases and statuses, and checks on years and numbers; codes are
formatted as text and numbers as numbers. In a survey sheet, the cells of items not asked of the
row's respondent group turn grey. A ``Petunjuk`` sheet explains every column in Bahasa Indonesia.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from bnn_lib.intake.tables import TABLES, Column, table_columns
from bnn_lib.regions import regions
from bnn_lib.spec import IndexSpec, choose_specs
from bnn_lib.writing import printable, put, save_workbook, write_rows

LISTS = "daftar"  # the hidden sheet that holds the dropdown lists
LAST_ROW = 1_048_576
OFFICE_TABLES = ["ikotan_survey", "ikp_survey", "kawasan_assessments", "ikktt_areas", "program_outputs"]
# The kab/kota dropdown gives code and name in one cell; a survey's year is its folder's.
LEFT_OUT = {"kabkota_name", "province_code", "survey_year", "consent"}
NOT_ASKED = PatternFill("solid", fgColor="D9D9D9")
GUIDE_WIDTHS = (24, 8, 90)  # Petunjuk: column, required, what to write (characters)


def template_tables(province: str | None) -> list[str]:
    """The sheets of a template: targets only in the national one (the Deputi sets them)."""
    return OFFICE_TABLES if province else [*OFFICE_TABLES, "targets"]


def kabkota_choices(province: str | None) -> list[str]:
    """Dropdown entries "11.01 Kab. Aceh Selatan" (of one province, or all)."""
    registry = regions()
    table = registry.kabkota_of(province) if province else registry.kabkota_table
    return [f"{code} {registry.label(code)}" for code in table["code"]]


def write_template(
    year: int, out: Path, province: str | None = None, specs: dict[str, IndexSpec] | None = None
) -> Path:
    """Write the input workbook for ``year`` (and ``province``, a code or name) into folder ``out``."""
    specs = specs or choose_specs()
    region = regions().province(province) if province else None
    code = region.code if region else None
    book = Workbook()
    guide = book.active
    guide.title = "Petunjuk"
    lists = _Lists(book.create_sheet(LISTS))
    tables = template_tables(code)
    for name in tables:
        spec = specs.get(TABLES[name].index) if TABLES[name].index else None
        columns = [c for c in table_columns(name, spec) if c.name not in LEFT_OUT]
        _data_sheet(book.create_sheet(name), columns, spec, year, code, lists)
    book.move_sheet(LISTS, offset=len(book.sheetnames))
    book[LISTS].sheet_state = "hidden"
    _guide(guide, tables, specs, year, region.name if region else None)
    slug = f"-{code}-{region.name.lower().replace(' ', '-')}" if region else ""
    return save_workbook(book, Path(out) / f"templat-{year}{slug}.xlsx")


class _Lists:
    """The hidden sheet of dropdown lists: each list in a column of its own, added once."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.ranges: dict[tuple, str] = {}

    def range(self, title: str, values: list) -> str:
        key = (title, *values)
        if key not in self.ranges:
            column = len(self.ranges) + 1
            put(self.sheet, 1, column, title)
            for row, value in enumerate(values, start=2):
                put(self.sheet, row, column, value)
            letter = get_column_letter(column)
            self.ranges[key] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[key]


def _data_sheet(sheet, columns: list[Column], spec: IndexSpec | None, year: int, province: str | None, lists) -> None:
    """Header, comments, number formats, dropdowns and checks of one table's sheet."""
    write_rows(sheet, [c.header for c in columns], [], widths={j: 14 for j in range(len(columns))}, filters=False)
    rules: dict[str, DataValidation] = {}
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        sheet.cell(1, j).comment = Comment(("Wajib. " if column.required else "") + column.help, "bnn template")
        sheet.column_dimensions[letter].number_format = "@" if column.kind in ("id", "kabkota", "text") else "General"
        rule = _validation(column, spec, year, province, lists)
        if rule is not None:
            found = rules.setdefault(repr((rule.type, rule.formula1, rule.operator)), rule)
            found.add(f"{letter}2:{letter}{LAST_ROW}")
    for rule in rules.values():
        sheet.add_data_validation(rule)
    if spec is not None and spec.kind == "survey":
        _grey_unasked(sheet, columns, spec)


def _validation(
    column: Column, spec: IndexSpec | None, year: int, province: str | None, lists
) -> DataValidation | None:
    """The dropdown or check of a column's cells, with its message in Bahasa Indonesia."""
    kind = column.kind
    if kind == "kabkota":
        return _list(lists.range("kabkota", kabkota_choices(province)), "Pilih kab/kota dari daftar.")
    if kind == "group":
        return _list(lists.range(f"kelompok {spec.id}", list(spec.groups)), "Pilih kelompok responden dari daftar.")
    if kind == "answer":
        values = [v for v, _ in spec.scale.choices()]
        return _list(lists.range(f"jawaban {spec.id}", values), column.help or "Pilih jawaban dari daftar.")
    if kind == "choice":
        return _list(lists.range(column.header, column.words), f"Pilih: {', '.join(column.words)}.")
    if kind == "flag":
        return _list(lists.range("indikator", [0, 1]), "1 = ada, 0 = tidak ada.")
    if kind == "region":
        names = ["00 Nasional"] + [f"{r.code} {r.name}" for r in regions().province_table.itertuples()]
        return _list(lists.range("wilayah", names), "00 untuk nasional, atau provinsi.")
    if kind == "year":
        rule = DataValidation(type="whole", operator="equal", formula1=str(year), allow_blank=True)
        return _messages(rule, f"Tahun harus {year}.")
    if kind == "number":
        if column.gt is not None:
            rule = DataValidation(type="decimal", operator="greaterThan", formula1=f"{column.gt:g}", allow_blank=True)
        elif column.ge is not None and column.le is not None:
            rule = DataValidation(
                type="decimal",
                operator="between",
                formula1=f"{column.ge:g}",
                formula2=f"{column.le:g}",
                allow_blank=True,
            )
        elif column.ge is not None:
            rule = DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1=f"{column.ge:g}", allow_blank=True
            )
        else:
            return None
        return _messages(rule, column.help)
    return None


def _list(source: str, message: str) -> DataValidation:
    return _messages(DataValidation(type="list", formula1=f"={source}", allow_blank=True), message)


def _messages(rule: DataValidation, message: str) -> DataValidation:
    rule.error = message[:255]
    rule.errorTitle = "Isian tidak sah"
    rule.prompt = message[:255]
    rule.showErrorMessage = True
    rule.showInputMessage = True
    return rule


def _grey_unasked(sheet, columns: list[Column], spec: IndexSpec) -> None:
    """Grey the answer cells of items the row's respondent group is not asked."""
    group = get_column_letter(next(j for j, c in enumerate(columns, start=1) if c.name == "group"))
    position = {c.name: j for j, c in enumerate(columns, start=1)}
    for indicator in spec.indicators:
        asked = "".join(f',${group}2<>"{g}"' for g in indicator.groups)
        for item in indicator.items:
            letter = get_column_letter(position[item.id])
            rule = FormulaRule(formula=[f'AND(${group}2<>""{asked})'], fill=NOT_ASKED)
            sheet.conditional_formatting.add(f"{letter}2:{letter}{LAST_ROW}", rule)


def _guide(sheet, tables: list[str], specs: dict[str, IndexSpec], year: int, province: str | None) -> None:
    """The Petunjuk sheet: what to fill in which sheet, how, and where to send it; then every
    column of every sheet explained."""
    where = f" — Provinsi {province}" if province else ""
    lines: list[tuple[str, ...]] = [(f"Petunjuk pengisian data BNN tahun {year}{where}",), ()]
    lines.append(("Apa yang diisi",))
    lines += [(f"• Lembar {name}: {TABLES[name].title}.",) for name in tables]
    lines += [("• Lembar yang tidak ada datanya dibiarkan kosong; jangan dihapus atau diganti namanya.",), ()]
    lines.append(("Cara mengisi",))
    lines += [(f"{i}. {step}",) for i, step in enumerate(HOW, start=1)] + [()]
    lines.append(("Pengiriman",))
    lines += [(f"{i}. {step.format(year=year)}",) for i, step in enumerate(SENDING, start=1)] + [()]
    for name in tables:
        spec = specs.get(TABLES[name].index) if TABLES[name].index else None
        lines += [(f"Lembar {name}: {TABLES[name].title}",), ("Kolom", "Wajib", "Isi")]
        for column in table_columns(name, spec):
            if column.name not in LEFT_OUT:
                lines.append((column.header, "ya" if column.required else "", column.help))
        if spec is not None and spec.kind == "survey":
            lines += _survey_notes(spec)
        lines.append(())
    headings = {"Apa yang diisi", "Cara mengisi", "Pengiriman", "Kolom", "Wajib", "Isi"}
    for i, line in enumerate(lines, start=1):
        for j, text in enumerate(line, start=1):
            cell = put(sheet, i, j, text)
            cell.alignment = Alignment(wrap_text=j == 3 or len(line) == 1, vertical="top")
            if text in headings or (len(line) == 1 and str(text).startswith(("Petunjuk", "Lembar "))):
                cell.font = Font(bold=True, size=14 if i == 1 else 11)
        if len(line) == 1:  # a sentence spans the three columns
            sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=3)
        if line:
            # Wrapped text in a row of its own height: a spreadsheet sizes no merged row itself, and
            # LibreOffice prints a wrapped cell over the next row unless told.
            width = sum(GUIDE_WIDTHS) if len(line) == 1 else GUIDE_WIDTHS[-1]
            sheet.row_dimensions[i].height = 15 * -(-len(str(line[-1])) // int(width * 1.15))
    for letter, width in zip("ABC", GUIDE_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    printable(sheet)


# How to fill a sheet, and where the filled workbook goes: the office's own steps, no command.
HOW = [
    "Baris 1 tiap lembar berisi judul kolom: jangan diubah, dipindah atau dihapus. Isi data mulai baris 2, "
    "satu baris per responden (kuesioner), per kawasan dan fase, atau per kab/kota.",
    "Kab/kota, kelompok responden, jawaban, fase dan status dipilih dari daftar (klik sel, lalu panah di "
    "sebelah kanannya).",
    "Kode ditulis seperti di daftar (11.01), angka sebagai angka tanpa satuan. Sel yang jawabannya tidak ada "
    "dibiarkan kosong; jawaban 'tidak tahu' dipilih dari daftar jawaban.",
    "Sel abu-abu di lembar kuesioner: butir itu tidak ditanyakan kepada kelompok responden pada baris itu; "
    "biarkan kosong.",
    "Arti tiap kolom dijelaskan di bawah, dan muncul sebagai catatan bila judul kolom disentuh.",
]
SENDING = [
    "Simpan berkas dalam format Excel (.xlsx) dengan nama yang menyebut kantor Anda, misalnya "
    "data-{year}-bnnk-pidie.xlsx.",
    "Kirim berkas kepada operator data BNNP di provinsi Anda (BNNK), atau kepada operator Deputi Bidang "
    "Pemberdayaan Masyarakat (BNNP), melalui email atau unggahan sesuai pengaturan kantor Anda.",
    "Operator memeriksa berkas dan mengirim kembali daftar masalah per baris dan kolom bila ada. Perbaiki "
    "sel yang disebut di berkas yang sama, lalu kirim lagi.",
]


def _survey_notes(spec: IndexSpec) -> list[tuple[str, ...]]:
    """Respondent groups and answer scale of a survey spec, for the Petunjuk sheet."""
    groups = "; ".join(f"{gid} = {g.name}" for gid, g in spec.groups.items())
    scale = "; ".join(f"{value:g} = {label}" for value, label in spec.scale.choices())
    return [
        ("Kelompok responden", "", groups),
        ("Pilihan jawaban", "", scale),
    ]
