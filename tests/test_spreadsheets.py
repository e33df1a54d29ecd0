"""Spreadsheets as offices really fill them, and data folders as they really are.

Each class has its own cases: error values and uncalculated formulas, percentages, hidden
sheets, one sheet per office, links out of the data folder, sheets reaching far, nested Parquet
columns, files that are not what their names say, survey exports with labels, rows copied under
new ids.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import tiny_spec
from test_intake import ANSWERS, PEOPLE, WIDE, long_reference, problems, year_folder

from bnn_lib.inputs import check_year
from bnn_lib.intake import DataError, read_table
from bnn_lib.office.xlsform import form_rows

SPECS = {"ikotan": tiny_spec()}
HEADER = ["respondent_id", "kabkota_code", "group", "i1a", "i1b", "i2a"]
ROWS = [["r1", "11.01", "a", 4, 2, None], ["r2", "11.01", "a", 1, None, None],
        ["r3", "11.01", "b", None, None, 3], ["r4", "11.01", "b", 2, None, None]]  # fmt: skip


def workbook(path: Path, sheets: dict[str, list[list]], hidden: dict[str, str] | None = None) -> Path:
    """Write ``sheets`` (name → rows, the first the header) with openpyxl, as Excel would, and
    set each sheet named in ``hidden`` to that state ("hidden" or "veryHidden")."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (hidden or {}).get(name, "visible")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def survey_book(tmp_path: Path, edit=None, name: str = "ikotan_survey.xlsx") -> Path:
    """The wide test survey as a workbook in a year folder; ``edit(sheet)`` changes cells first."""
    path = year_folder(tmp_path, {}) / "2024" / name
    workbook(path, {"Data": [HEADER, *ROWS]})
    if edit is not None:
        book = openpyxl.load_workbook(path)
        edit(book["Data"])
        book.save(path)
    return path


# -- error values and formulas without a saved value ------------------------------------------------


@pytest.mark.parametrize("error", ["#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?"])
@pytest.mark.parametrize(("cell", "column"), [("D3", "i1a"), ("A4", "respondent_id"), ("B5", "kabkota_code")])
def test_an_error_value_is_refused_naming_the_cell_and_the_error(tmp_path, error, cell, column):
    def put(sheet):
        sheet[cell] = error  # openpyxl stores a known error code as an error cell (t="e")

    survey_book(tmp_path, put)
    found = problems(tmp_path, {})
    row = int(cell[1:])
    mine = [p for p in found if f"baris {row}, kolom {cell[0]} '{column}'" in p]
    assert len(mine) == 1, found
    assert "nilai galat" in mine[0] and f"(nilai '{error}')" in mine[0]
    assert "wajib diisi" not in mine[0]


def test_a_formula_without_a_saved_value_is_refused_naming_the_formula(tmp_path):
    def put(sheet):
        sheet["D2"] = "=B2*2"  # openpyxl saves formulas without a calculated value
        sheet["F4"] = "=SUM(D2:D5)/0"

    survey_book(tmp_path, put)
    found = problems(tmp_path, {})
    assert any("baris 2, kolom D 'i1a': rumus tanpa nilai tersimpan" in p and "'=B2*2'" in p for p in found), found
    assert any("baris 4, kolom F 'i2a': rumus tanpa nilai tersimpan" in p for p in found), found
    assert not any("wajib diisi" in p for p in found)


def test_error_values_saved_in_a_csv_are_told_from_empty_cells(tmp_path):
    text = WIDE.replace("r1,11.01,a,4,2,", "r1,11.01,a,#DIV/0!,2,").replace("r2,11.01,a,1,,", "r2,#N/A,a,1,,")
    found = problems(tmp_path, {"ikotan_survey.csv": text})
    assert any("baris 2, kolom D 'i1a': nilai galat" in p and "(nilai '#DIV/0!')" in p for p in found), found
    assert any("baris 3, kolom B 'kabkota_code': nilai galat" in p and "(nilai '#N/A')" in p for p in found), found
    assert len(found) == 2


def test_a_sheet_written_with_prefixed_element_names_is_scanned_too(tmp_path):
    path = survey_book(tmp_path, lambda sheet: sheet.__setitem__("D3", "#REF!"))
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(prefixed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode()
                text = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", r"<\1x:\2", text)  # every element name prefixed
                data = text.replace('xmlns="', 'xmlns:x="').encode()
            target.writestr(item, data)
    path.write_bytes(prefixed.read_bytes())
    found = problems(tmp_path, {})
    assert any("baris 3, kolom D 'i1a': nilai galat" in p for p in found), found


# -- percentages --------------------------------------------------------------------------------------


def targets_book(tmp_path: Path, cells: list[tuple[str, float, str]]) -> Path:
    """A targets workbook: (measure, value, number format) per row."""
    path = year_folder(tmp_path, {}) / "2024" / "targets.xlsx"
    workbook(path, {"Target": [["measure", "region_code", "year", "target"]]})
    book = openpyxl.load_workbook(path)
    sheet = book["Target"]
    for i, (measure, value, fmt) in enumerate(cells, start=2):
        sheet.append([measure, str(10 + i), 2024, value])
        sheet.cell(i, 4).number_format = fmt
    book.save(path)
    return path


def test_a_percent_formatted_target_is_read_as_the_number_shown(tmp_path):
    targets_book(tmp_path, [("ikkrn_rate", 0.35, "0%"), ("ikkrn_rate", 0.425, "0.0%"), ("ikotan", 3.2, "0.00")])
    loaded = check_year(tmp_path / "data", 2024, SPECS)
    assert loaded.problems == []
    assert loaded.tables["targets"]["target"].tolist() == [35.0, 42.5, 3.2]


def test_a_percent_typed_as_text_in_a_csv_reads_the_same(tmp_path):
    text = "measure,region_code,year,target\nikkrn_rate,11,2024,35%\nikkrn_rate,12,2024,42,5 %\n"
    loaded = check_year(year_folder(tmp_path, {"targets.csv": text.replace("42,5 %", '"42,5 %"')}), 2024, SPECS)
    assert loaded.problems == []
    assert loaded.tables["targets"]["target"].tolist() == [35.0, 42.5]


def test_a_percentage_in_a_column_not_measured_in_percent_is_refused(tmp_path):
    def put(sheet):
        sheet["D2"].number_format = "0%"  # the answer 4 shown as 400 %

    survey_book(tmp_path, put)
    found = problems(tmp_path, {})
    assert len(found) == 1 and "baris 2, kolom D 'i1a': persentase" in found[0] and "(nilai '400%')" in found[0], found
    text = WIDE.replace("r1,11.01,a,4,2,", "r1,11.01,a,40%,2,")
    found = problems(tmp_path / "csv", {"ikotan_survey.csv": text})
    assert len(found) == 1 and "persentase di kolom" in found[0] and "(nilai '40%')" in found[0], found


# -- hidden sheets and one sheet per office ---------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheets_are_never_read_as_data(tmp_path, state):
    extra = [HEADER, ["r9", "11.01", "a", 1, 1, None]]
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    workbook(
        path,
        {"Data": [HEADER, *ROWS], "Lama": extra, "ikotan_answers": [["x"]]},
        {"Lama": state, "ikotan_answers": state},
    )
    loaded, answers = check_year(path.parents[1], 2024, SPECS), None
    assert loaded.problems == []
    answers = loaded.tables["ikotan_answers"].astype(str)
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    # A hidden sheet named after a table is named; the others are counted (their names are words
    # of something not read, and the note goes back to the office).
    assert any("lembar tersembunyi tidak dibaca: 'ikotan_answers' dan 1 lembar lain" in str(w) for w in loaded.warnings)


def test_one_sheet_per_kabkota_is_read_whole(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    sheets = {
        "Petunjuk": [["Isi satu lembar per kab/kota"], ["Kode kelompok: a, b"]],
        "Kab A": [HEADER, *ROWS[:2]],
        "Kab B": [[*HEADER, "catatan"], *[[*r, "ok"] for r in ROWS[2:]]],  # one more column than Kab A
    }
    workbook(path, sheets)
    loaded = check_year(path.parents[1], 2024, SPECS)
    assert loaded.problems == []
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))
    warnings = [str(w) for w in loaded.warnings]
    assert any("ikotan_survey.xlsx [Petunjuk]: lembar tidak dibaca" in w for w in warnings), warnings
    assert [f["sheet"] for f in loaded.files["ikotan_survey"]] == ["Kab A", "Kab B"]
    # The same through the one-file reader.
    assert sorted(read_table(path, spec=SPECS["ikotan"])["respondent_id"]) == ["r1", "r2", "r3", "r4"]


def test_a_workbook_none_of_whose_sheets_holds_the_table_is_refused_counting_them(tmp_path):
    # It holds no table: the file is named, and nothing of what it holds (its sheet names either).
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    workbook(path, {"Catatan": [["isi bebas"]], "Ringkasan": [["jumlah", 4]]})
    found = problems(tmp_path, {})
    assert found == ["2024/ikotan_survey.xlsx: tidak ada lembar berisi judul kolom tabel ikotan_survey (2 lembar)"]
    loaded = check_year(path.parents[1], 2024, SPECS)
    assert not [w for w in loaded.warnings if w.sheet in ("Catatan", "Ringkasan")]
    with pytest.raises(DataError, match=r"\(2 lembar\)"):
        read_table(path, spec=SPECS["ikotan"])


def test_a_repeated_respondent_across_sheets_names_both_sheets(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    workbook(path, {"Kab A": [HEADER, *ROWS[:2]], "Kab B": [HEADER, *ROWS[1:]]})
    found = problems(tmp_path, {})
    assert found == [
        "2024/ikotan_survey.xlsx [Kab B]: baris 2, kolom A 'respondent_id': kode responden ganda (nilai 'r2'); "
        "sama dengan baris 3 di 2024/ikotan_survey.xlsx [Kab A]"
    ]


# -- links -------------------------------------------------------------------------------------------


def links_allowed(tmp_path: Path) -> bool:
    try:
        (tmp_path / "probe").symlink_to(tmp_path)
    except OSError:
        return False
    return True


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_link_out_of_the_data_folder_is_refused_unread(tmp_path, what):
    if not links_allowed(tmp_path):
        pytest.skip("this system does not let us make links")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "ikotan_survey.csv").write_text(WIDE.replace("r1,", "SECRET,"), encoding="utf-8")
    base = year_folder(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": ANSWERS}) / "2024"
    if what == "file":
        (base / "ikotan_survey.csv").symlink_to(outside / "ikotan_survey.csv")
        name = "ikotan_survey.csv"
    else:
        (base / "ikotan_survey").symlink_to(outside)
        name = "ikotan_survey"
    loaded = check_year(base.parent, 2024, SPECS)
    assert [str(p) for p in loaded.problems] == [
        f"2024/{name}: tautan (shortcut/symlink) ke luar folder data; tidak dibaca: salin berkas atau foldernya ke folder data"
    ]
    assert "SECRET" not in repr(loaded.problems) + repr(loaded.warnings) + repr(loaded.sources)


def test_a_link_inside_the_data_folder_is_followed_and_a_loop_ends(tmp_path):
    if not links_allowed(tmp_path):
        pytest.skip("this system does not let us make links")
    data = year_folder(tmp_path, {"shared/bnnk-a.csv": WIDE})
    (data / "2024" / "ikotan_survey").symlink_to(data / "2024" / "shared")
    (data / "2024" / "shared" / "loop").symlink_to(data / "2024")
    loaded = check_year(data, 2024, SPECS)
    assert loaded.problems == []
    assert sorted(loaded.tables["ikotan_respondents"]["respondent_id"]) == ["r1", "r2", "r3", "r4"]
    (data / "2024" / "broken.csv").symlink_to(data / "nowhere.csv")
    assert [str(p) for p in check_year(data, 2024, SPECS).problems] == [
        "2024/broken.csv: tautan (shortcut/symlink) yang tujuannya tidak ada; tidak dibaca"
    ]


# -- bounded reading ------------------------------------------------------------------------------


FAR = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from bnn_lib.inputs import check_year
from conftest import tiny_spec
loaded = check_year(sys.argv[1], 2024, {"ikotan": tiny_spec()})
print("|".join(str(p) for p in loaded.problems))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limits are POSIX")
@pytest.mark.parametrize("far", ["XFD1048576", "ZZ900000", "AAA1048576"])
def test_a_stray_value_far_away_is_refused_in_bounded_memory_and_time(tmp_path, far):
    path = survey_book(tmp_path, lambda sheet: sheet.__setitem__(far, "x"))
    start = time.perf_counter()
    problems_printed = check_in_bounded_memory(path.parents[1])
    assert time.perf_counter() - start < 60
    row = re.sub(r"[A-Z]+", "", far)
    assert f"sampai baris {int(row):,}".replace(",", ".") in problems_printed, problems_printed


def check_in_bounded_memory(data: Path) -> str:
    """The problems of ``data``'s 2024 as a child process limited to 3 GB of address space
    prints them; the child must end normally (an abort is what these tests guard against)."""
    done = subprocess.run(
        [sys.executable, "-c", FAR, str(data)],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).parent,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_styled_empty_cells_far_away_cost_nothing(tmp_path):
    survey_book(tmp_path, lambda sheet: setattr(sheet["XFD1048576"], "number_format", "0.00"))
    loaded = check_year(tmp_path / "data", 2024, SPECS)
    assert loaded.problems == []


@pytest.mark.parametrize(
    "column",
    [pa.array([[1, 2], [3], [], [4]]), pa.array([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}]),
     pa.array([[("k", 1)], [], [], []], type=pa.map_(pa.string(), pa.int64()))],
)  # fmt: skip
def test_a_nested_parquet_column_is_refused_naming_it(tmp_path, column):
    frame = pd.read_csv(pd.io.common.StringIO(WIDE), dtype=str)
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column("jawaban_lain", column)
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)
    found = problems(tmp_path, {})
    assert len(found) == 1 and "kolom 'jawaban_lain' berisi nilai bertingkat" in found[0], found


# -- the real cause --------------------------------------------------------------------------------


def test_files_that_are_not_what_their_names_say(tmp_path):
    book = tmp_path / "real.xlsx"
    workbook(book, {"Data": [HEADER, *ROWS]})
    cases = {
        "ikotan_survey.xlsx": (WIDE.encode(), "isi berkas ini teks (CSV)", "ganti ekstensinya menjadi .csv"),
        "ikotan_survey.xls": (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "halaman web (HTML)", "Save As"),
        "ikotan_survey.csv": (book.read_bytes(), "buku kerja Excel (.xlsx)", "ganti ekstensinya menjadi .xlsx"),
        "ikotan_survey.parquet": (WIDE.encode(), "teks (CSV)", ".csv"),
    }  # fmt: skip
    for name, (content, cause, fix) in cases.items():
        found = problems(tmp_path / name, {name: content})
        assert len(found) == 1 and cause in found[0] and fix in found[0], (name, found)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_read(tmp_path, encoding):
    text = WIDE.replace("r1,11.01", "r1,Kab. Aceh Selatan")
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": text.encode(encoding)}), 2024, SPECS)
    assert loaded.problems == []
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))


def test_a_survey_tool_export_with_labels_as_headers_is_read(tmp_path):
    """KoboToolbox's "labels" export: the form's question labels as headers (inside their group's
    label), choice labels in the cells."""
    spec = SPECS["ikotan"]
    survey, choices = form_rows(spec)
    label = {row[1]: row[2] for row in survey if row[1]}
    group_label = {row[1]: row[2] for row in survey if row[0] == "begin_group"}
    scale = {row[1]: row[2] for row in choices if row[0] == "skala"}
    kabkota = {row[1]: row[2] for row in choices if row[0] == "kabkota"}
    groups = {row[1]: row[2] for row in choices if row[0] == "kelompok"}
    variable_of = {it.id: v.id for v in spec.variables for ind in v.indicators for it in ind.items}
    headers = ["_id", label["province_code"], label["kabkota_code"], label["group"]]
    headers += [f"{group_label[variable_of[i]]}/{label[i]}" for i in HEADER[3:]]
    lines = [",".join(f'"{h}"' for h in headers)]
    for rid, code, group, *answers in ROWS:
        cells = [rid, "Aceh", kabkota[code], groups[group]] + [scale[f"{a:g}"] if a else "" for a in answers]
        lines.append(",".join(f'"{c}"' for c in cells))
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": "\n".join(lines) + "\n"}), 2024, SPECS)
    assert loaded.problems == [], loaded.problems
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))


# -- rows copied under new ids ---------------------------------------------------------------------


ITEMS = [f"q{k}" for k in range(10)]
# Ten items asked of every group: a copied block can be told from chance (two items could not).
COPY_SPECS = {
    "ikotan": tiny_spec(
        variables=[{"id": "V1", "name": "V1", "provenance": "assumed", "indicators": [
            {"id": "I1", "name": "I1", "groups": ["a", "b"], "provenance": "assumed",
             "items": [{"id": i, "provenance": "assumed"} for i in ITEMS]}]}]
    )
}  # fmt: skip


def office_file(ids: list[str], rows: list[list]) -> str:
    """An office's wide survey file: each row is its group then its answers."""
    lines = [",".join(["respondent_id", "kabkota_code", "group", *ITEMS])]
    lines += [",".join([i, "11.01", *map(str, row)]) for i, row in zip(ids, rows, strict=True)]
    return "\n".join(lines) + "\n"


def varied(n: int, seed: int) -> list[list]:
    """Respondents of groups a and b answering alike, as people do: each near their own level."""
    import numpy as np

    rng = np.random.default_rng(seed)
    level = rng.integers(2, 5, size=(n, 1))
    answers = np.clip(level + rng.integers(-1, 2, size=(n, len(ITEMS))), 1, 4)
    return [["ab"[i % 2], *row] for i, row in enumerate(answers.tolist())]


@pytest.mark.parametrize(("start", "length"), [(0, 3), (10, 6), (25, 4)])
def test_a_block_of_rows_copied_from_another_office_is_warned_naming_both_files(tmp_path, start, length):
    one = varied(40, 1)
    two = varied(40, 2)
    two[5 : 5 + length] = one[start : start + length]  # pasted into the second office's file, new ids
    files = {
        "ikotan_survey/bnnk-a.csv": office_file([f"a{i}" for i in range(40)], one),
        "ikotan_survey/bnnk-b.csv": office_file([f"b{i}" for i in range(40)], two),
    }
    loaded = check_year(year_folder(tmp_path, files), 2024, COPY_SPECS)
    copied = [str(w) for w in loaded.warnings if "disalin dengan kode baru" in str(w)]
    assert len(copied) == length, copied
    for k, warning in enumerate(copied):
        assert warning.startswith(f"2024/ikotan_survey/bnnk-b.csv: baris {7 + k}")
        assert f"sama dengan baris {start + k + 2} di 2024/ikotan_survey/bnnk-a.csv" in warning


def test_answers_alike_by_chance_are_not_warned(tmp_path):
    same = [["ab"[i % 2]] + [4] * len(ITEMS) for i in range(30)]  # everyone answers 4, in both files
    files = {
        "ikotan_survey/bnnk-a.csv": office_file([f"a{i}" for i in range(30)], same),
        "ikotan_survey/bnnk-b.csv": office_file([f"b{i}" for i in range(30)], same),
    }
    loaded = check_year(year_folder(tmp_path, files), 2024, COPY_SPECS)
    assert not [w for w in loaded.warnings if "disalin" in str(w)]


# -- OpenDocument spreadsheets (LibreOffice) ----------------------------------------------------------


def ods_cell(value) -> str:
    """One cell as LibreOffice writes it: text, a number, ('%', 0.35), ('error', '#N/A'),
    ('formula', '=A1') without a value, ('skip', n) for n empty cells."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple):
        kind, x = value
        if kind == "%":
            return (
                f'<table:table-cell office:value-type="percentage" office:value="{x}" '
                f'calcext:value-type="percentage"><text:p>{x * 100:g}%</text:p></table:table-cell>'
            )
        if kind == "error":
            return (
                f'<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
                f'calcext:value-type="error"><text:p>{x}</text:p></table:table-cell>'
            )
        if kind == "formula":
            return f'<table:table-cell table:formula="of:{x}"/>'
        return f'<table:table-cell table:number-columns-repeated="{x}"/>'
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'  # fmt: skip


def ods_book(path: Path, rows: list, gap: int = 0, far: list | None = None) -> Path:
    """A minimal .ods with one sheet "Data": ``rows``, then ``gap`` empty rows written as one
    repeated row, then the row ``far``."""
    body = "".join(f"<table:table-row>{''.join(map(ods_cell, row))}</table:table-row>" for row in rows)
    if gap:
        body += f'<table:table-row table:number-rows-repeated="{gap}"><table:table-cell/></table:table-row>'
    if far:
        body += f"<table:table-row>{''.join(map(ods_cell, far))}</table:table-row>"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        book.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        book.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_sheet_is_read_with_its_errors_formulas_and_percentages(tmp_path):
    rows = [HEADER, *ROWS]
    good = ods_book(year_folder(tmp_path / "good", {}) / "2024" / "ikotan_survey.ods", rows)
    loaded = check_year(good.parents[1], 2024, SPECS)
    assert loaded.problems == []
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))
    bad = [HEADER, ["r1", "11.01", "a", ("error", "#DIV/0!"), 2, None], ["r2", "11.01", "a", ("%", 0.25), None, None],
           ["r3", "11.01", "b", None, None, ("formula", "=[.D2]*2")], ROWS[3]]  # fmt: skip
    ods_book(year_folder(tmp_path / "bad", {}) / "2024" / "ikotan_survey.ods", bad)
    found = problems(tmp_path / "bad", {})
    assert len(found) == 3, found
    assert "baris 2, kolom D 'i1a': nilai galat" in found[0] and "'#DIV/0!'" in found[0]
    assert "baris 3, kolom D 'i1a': persentase" in found[1] and "'25%'" in found[1]
    assert "baris 4, kolom F 'i2a': rumus tanpa nilai tersimpan" in found[2]


def test_a_stray_value_far_down_an_ods_sheet_is_refused(tmp_path):
    far = [("skip", 16000), "x"]  # column 16001, after a million empty rows
    ods_book(year_folder(tmp_path, {}) / "2024" / "ikotan_survey.ods", [HEADER, *ROWS], gap=1_000_000, far=far)
    found = problems(tmp_path, {})
    assert len(found) == 1 and "jauh melebihi tabel mana pun" in found[0] and "Ctrl+End" in found[0], found


def test_an_ikktt_indicator_measured_in_percent_reads_a_percentage_as_shown(tmp_path):
    from bnn_lib.spec import DEFAULT_SPECS, load_spec

    spec = load_spec(DEFAULT_SPECS["ikktt"])
    ids = [ind.id for ind in spec.indicators]
    assert {i.id for i in spec.indicators if i.unit == "persen"} == {"eks_petani_ganja_pct", "partisipasi_kelompok_pct"}
    path = year_folder(tmp_path, {}) / "2024" / "ikktt_areas.xlsx"
    rows = [["kawasan_id", "kabkota_code", "year", "phase", *ids],
            ["A1", "11.01", 2024, "before", *[1] * len(ids)], ["A1", "11.01", 2024, "after", *[1] * len(ids)]]  # fmt: skip
    workbook(path, {"Data": rows})
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    pct = 5 + ids.index("eks_petani_ganja_pct")
    sheet.cell(2, pct).value, sheet.cell(2, pct).number_format = 0.35, "0%"
    book.save(path)
    loaded = check_year(path.parents[1], 2024, {"ikktt": spec})
    assert loaded.problems == []
    assert loaded.tables["ikktt_areas"]["eks_petani_ganja_pct"].tolist() == [35.0, 1.0]
    hectares = 5 + ids.index("ladang_ganja_ha")
    sheet.cell(3, hectares).value, sheet.cell(3, hectares).number_format = 0.5, "0%"
    book.save(path)
    found = [str(p) for p in check_year(path.parents[1], 2024, {"ikktt": spec}).problems]
    assert (
        len(found) == 1
        and "kolom E 'ladang_ganja_ha'" in found[0]
        and "0,5 atau 50" in found[0]
        and "persentase di kolom" in found[0]
    ), found


def test_a_workbook_whose_every_sheet_is_hidden_is_refused_saying_so(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    workbook(tmp_path / "visible.xlsx", {"Data": [HEADER, *ROWS], "Lama": [HEADER]}, {"Lama": "veryHidden"})
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(tmp_path / "visible.xlsx") as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():  # Excel lets every sheet be hidden by a macro; openpyxl does not
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            target.writestr(item, data)
    found = problems(tmp_path, {})
    assert found == [
        "2024/ikotan_survey.xlsx: semua lembar buku kerja ini tersembunyi; lembar tersembunyi tidak dibaca"
    ]


# -- found in review: templates, one-sheet workbooks, placed cells, repeats, blanks, loops -----------


def test_a_template_named_after_its_table_keeps_its_guide_sheet_out(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey_bnnp-aceh.xlsx"
    guide = [["Kolom", "Isi"], ["respondent_id", "Kode responden"], ["group", "Kelompok"]]
    workbook(path, {"Petunjuk": guide, "ikotan_survey": [HEADER, *ROWS]})
    loaded = check_year(path.parents[1], 2024, SPECS)
    assert loaded.problems == [] and not [w for w in loaded.warnings if "Petunjuk" in str(w)]
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))


def test_a_one_sheet_workbook_is_read_by_its_sheet_name(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "kiriman_bnnp_aceh.xlsx"
    workbook(path, {"ikotan_survey": [HEADER, *ROWS]})
    loaded = check_year(path.parents[1], 2024, SPECS)
    assert loaded.problems == [] and loaded.warnings == []
    pd.testing.assert_frame_equal(loaded.tables["ikotan_answers"].astype(str), long_reference(tmp_path))


def with_sheet_xml(path: Path, xml: bytes) -> Path:
    """``path`` with its first sheet's XML replaced (as writers other than openpyxl write it)."""
    source = path.with_suffix(".orig.xlsx")
    path.rename(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, xml if item.filename == "xl/worksheets/sheet1.xml" else old.read(item))
    source.unlink()
    return path


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limits are POSIX")
@pytest.mark.parametrize(
    "rows",
    [b'<row><c r="A1" t="inlineStr"><is><t>respondent_id</t></is></c></row><row><c r="XFD1048576"><v>1</v></c></row>',
     b"<row><c t='inlineStr'><is><t>respondent_id</t></is></c>" + b"<c/>" * 16383 + b"<c><v>1</v></c></row>"
     + b'<row r="1048576"><c><v>1</v></c></row>'],
)  # fmt: skip
def test_rows_and_cells_without_their_reference_cannot_abort_the_read(tmp_path, rows):
    path = with_sheet_xml(survey_book(tmp_path), SHEET % rows)
    printed = check_in_bounded_memory(path.parents[1])
    assert "jauh melebihi tabel mana pun" in printed or "terlalu besar" in printed, printed


def test_error_and_percent_cells_quoted_with_apostrophes_are_marked(tmp_path):
    rows = b"".join(
        b"<row r='%d'>%s</row>" % (i, b"".join(cells))
        for i, cells in enumerate([
            [b"<c r='%s1' t='inlineStr'><is><t>%s</t></is></c>" % (col.encode(), h.encode()) for col, h in zip("ABCDEF", HEADER, strict=True)],
            [b"<c r='A2' t='inlineStr'><is><t>r1</t></is></c>", b"<c r='B2' t='inlineStr'><is><t>11.01</t></is></c>",
             b"<c r='C2' t='inlineStr'><is><t>a</t></is></c>", b"<c r='D2' t='e'><v>#REF!</v></c>"],
        ], start=1)
    )  # fmt: skip
    with_sheet_xml(survey_book(tmp_path), SHEET % rows)
    found = problems(tmp_path, {})
    assert any("baris 2, kolom D 'i1a': nilai galat" in p and "#REF!" in p for p in found), found


def test_a_percentage_repeated_across_ods_cells_is_marked_in_every_copy(tmp_path):
    """LibreOffice writes identical neighbouring cells once, repeated: each copy is a percentage."""
    path = ods_book(year_folder(tmp_path, {}) / "2024" / "ikotan_survey.ods", [HEADER, *ROWS])
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    once = ods_cell(("%", 0.5)).encode()
    twice = once.replace(b"<table:table-cell ", b'<table:table-cell table:number-columns-repeated="2" ', 1)
    row = b"<table:table-row>" + b"".join(ods_cell(c).encode() for c in ["r1", "11.01", "a"]) + twice
    content = re.sub(rb"<table:table-row><table:table-cell[^>]*><text:p>r1</text:p>.*?</table:table-row>",
                     lambda _: row + b"<table:table-cell/></table:table-row>", parts["content.xml"], count=1, flags=re.S)  # fmt: skip
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, content if name == "content.xml" else data)
    found = problems(tmp_path, {})
    assert len(found) == 2, found
    assert "baris 2, kolom D 'i1a': persentase" in found[0] and "baris 2, kolom E 'i1b': persentase" in found[1]


def test_respondents_who_answered_nothing_are_not_called_copies(tmp_path):
    blank = [["ab"[i % 2]] + [""] * len(ITEMS) for i in range(4)]
    one = varied(20, 1)[:8] + blank + varied(20, 1)[8:]
    two = varied(20, 2)[:5] + blank + varied(20, 2)[5:]
    files = {
        "ikotan_survey/bnnk-a.csv": office_file([f"a{i}" for i in range(len(one))], one),
        "ikotan_survey/bnnk-b.csv": office_file([f"b{i}" for i in range(len(two))], two),
    }
    loaded = check_year(year_folder(tmp_path, files), 2024, COPY_SPECS)
    assert not [w for w in loaded.warnings if "disalin" in str(w)]


def test_a_percentage_in_a_target_of_a_count_is_refused(tmp_path):
    text = "measure,region_code,year,target\nikkrn_rate,11,2024,35%\npenggiat_formed,11,2024,35%\nikotan,11,2024,3.2\n"
    found = problems(tmp_path, {"targets.csv": text})
    assert len(found) == 1 and "baris 3" in found[0] and "target penggiat_formed bukan persentase" in found[0], found


def test_a_link_to_itself_and_a_file_name_that_is_not_utf8_give_messages(tmp_path):
    if not links_allowed(tmp_path):
        pytest.skip("this system does not let us make links")
    data = year_folder(tmp_path, {"ikotan_survey.csv": WIDE})
    (data / "2024" / "loop.csv").symlink_to(data / "2024" / "loop.csv")
    Path(os.fsdecode(os.fsencode(data / "2024") + b"/catatan_\xe9.txt")).write_bytes(b"x")
    loaded = check_year(data, 2024, SPECS)
    assert [str(p) for p in loaded.problems] == [
        "2024/loop.csv: tautan (shortcut/symlink) yang tujuannya tidak ada; tidak dibaca"
    ]
    assert any(str(w).startswith("2024/catatan_\ufffd.txt: berkas tidak dipakai") for w in loaded.warnings)
    str(loaded.warnings).encode("utf-8")  # every message can be written out
