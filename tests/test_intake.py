"""Reading data as offices hold it: every message names file, row, column and value.

Small hand-made folders against the tiny spec of conftest (groups a, b; items i1a, i1b
(reversed) of indicator I1 asked of a and b, i2a of I2 asked of b only).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import tiny_spec
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bnn_lib.inputs import check_year
from bnn_lib.intake import DataError, read_table
from bnn_lib.intake.values import convention, kabkota_code, to_number
from bnn_lib.spec import DEFAULT_SPECS, load_spec

SPECS = {"ikotan": tiny_spec()}
PEOPLE = "respondent_id,kabkota_code,group\nr1,11.01,a\nr2,11.01,a\nr3,11.01,b\nr4,11.01,b\n"
ANSWERS = "respondent_id,item_id,value\nr1,i1a,4\nr1,i1b,2\nr2,i1a,1\nr3,i2a,3\nr4,i1a,2\n"


def year_folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A data folder whose 2024/ holds ``files`` (name → text or bytes)."""
    base = tmp_path / "data" / "2024"
    for name, content in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tmp_path / "data"


def problems(tmp_path: Path, files: dict[str, str | bytes], specs=SPECS) -> list[str]:
    return [str(p) for p in check_year(year_folder(tmp_path, files), 2024, specs).problems]


# -- the long tables -----------------------------------------------------------------------------


def test_good_long_tables_pass(tmp_path):
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": ANSWERS}), 2024, SPECS
    )
    assert loaded.problems == [] and loaded.warnings == []
    assert loaded.tables["ikotan_answers"]["value"].tolist() == [4.0, 2.0, 1.0, 3.0, 2.0]
    assert loaded.tables["ikotan_respondents"]["kabkota_code"].tolist() == ["11.01"] * 4


def test_unknown_region_code_names_file_row_column_and_value(tmp_path):
    found = problems(
        tmp_path, {"ikotan_respondents.csv": PEOPLE.replace("r3,11.01", "r3,11.99"), "ikotan_answers.csv": ANSWERS}
    )
    assert len(found) == 1
    assert found[0].startswith(
        "2024/ikotan_respondents.csv: baris 4, kolom B 'kabkota_code': kode kab/kota tidak dikenal"
    )
    assert found[0].endswith("(nilai '11.99')")


def test_unknown_item_and_answers_off_the_scale_are_all_listed(tmp_path):
    answers = ANSWERS + "r1,i9z,3\nr2,i1b,5\nr4,i2a,0\nr3,i1a,tiga\n"
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers})
    assert (
        "2024/ikotan_answers.csv: baris 7, kolom B 'item_id': butir tidak dikenal dalam spesifikasi; yang sah: i1a, i1b, i2a (nilai 'i9z')"
        in found
    )
    assert (
        "2024/ikotan_answers.csv: baris 8, kolom C 'value': jawaban di luar skala 1–4 dan kode tidak tahu (9) (nilai 5)"
        in found
    )
    assert any(p.startswith("2024/ikotan_answers.csv: baris 9, kolom C 'value': jawaban di luar skala") for p in found)
    assert any(
        p.startswith("2024/ikotan_answers.csv: baris 10, kolom C 'value': jawaban tidak dikenal") and "'tiga'" in p
        for p in found
    )
    assert len(found) == 4


def test_duplicate_answer_rows_are_refused_naming_both_rows(tmp_path):
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": ANSWERS + "r1,i1a,1\n"})
    assert found == [
        "2024/ikotan_answers.csv: baris 7: jawaban ganda: responden dan butir yang sama "
        "(nilai 'r1, i1a'); sama dengan baris 2"
    ]


def test_respondent_rules(tmp_path):
    twice = PEOPLE + "r1,11.02,a\n"
    assert problems(tmp_path / "a", {"ikotan_respondents.csv": twice, "ikotan_answers.csv": ANSWERS}) == [
        "2024/ikotan_respondents.csv: baris 6, kolom A 'respondent_id': responden yang sama tercatat di kab/kota lain "
        "(nilai 'r1'); sama dengan baris 2"
    ]
    only_a = PEOPLE.replace(",b\n", ",a\n")
    found = problems(
        tmp_path / "b",
        {"ikotan_respondents.csv": only_a, "ikotan_answers.csv": "respondent_id,item_id,value\nr1,i1a,4\n"},
    )
    assert found == [
        "2024/ikotan_respondents.csv: kolom C 'group': tidak ada responden kelompok b (B): indikator I2 hanya "
        "ditanyakan kepada kelompok ini, dan TINY tidak dapat dihitung tanpanya; kirim data responden kelompok ini "
        "(lembar tiny_survey atau tabel tiny_respondents)"
    ]
    loaded = check_year(
        year_folder(
            tmp_path / "c",
            {"ikotan_respondents.csv": PEOPLE + "r9,11.02,a\n", "ikotan_answers.csv": ANSWERS + "r9,i1a,3\n"},
        ),
        2024,
        SPECS,
    )
    assert [str(w) for w in loaded.warnings] == [
        "2024/ikotan_respondents.csv: kolom C 'group': kab/kota 11.02 (Kab. Aceh Tenggara) tanpa responden kelompok: b"
    ]


def test_item_not_asked_of_the_group_and_unknown_respondent(tmp_path):
    answers = ANSWERS + "r2,i2a,3\nr77,i1a,3\n"
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers})
    assert (
        "2024/ikotan_respondents.csv: baris 3, kolom C 'group': kelompok ini tidak ditanya butir yang dijawab "
        "responden ini (spesifikasi tiny); periksa kelompoknya, atau hapus jawaban butir itu (nilai 'a') "
        "— 1 baris lain terdampak" in found
    )
    assert (
        "2024/ikotan_answers.csv: baris 8, kolom A 'respondent_id': responden tidak ada di tabel responden (nilai 'r77')"
        in found
    )


def test_missing_column_and_answers_without_respondents(tmp_path):
    found = problems(
        tmp_path / "a", {"ikotan_respondents.csv": PEOPLE.replace(",group", ",kelas"), "ikotan_answers.csv": ANSWERS}
    )
    assert found[0].startswith("2024/ikotan_respondents.csv: kolom 'group': kolom wajib tidak ada (Kelompok responden")
    found = problems(tmp_path / "b", {"ikotan_answers.csv": ANSWERS})
    assert found == [
        "2024/ikotan_answers.csv: ada jawaban IKOTAN tetapi tidak ada tabel responden (ikotan_respondents atau ikotan_survey)"
    ]


def test_many_problems_are_capped_but_counted(tmp_path):
    answers = "respondent_id,item_id,value\n" + "r1,i1a,7\n" * 80
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers})
    assert (
        "2024/ikotan_answers.csv: kolom C 'value': 60 baris lain juga: jawaban di luar skala 1–4 dan kode tidak tahu (9)"
        in found
    )


def test_kawasan_bad_indicator_and_phase(tmp_path):
    spec = load_spec("ikkrn-dayatif-2024")
    indicators = spec.status_rule.pokok + spec.status_rule.pendukung
    header = ",".join(["kawasan_id", "kabkota_code", "year", "phase", *indicators])
    rows = ["K1,11.01,2024,mapping," + ",".join(["0"] * 13), "K2,11.01,2024,kemarin,2," + ",".join(["0"] * 12)]
    found = problems(tmp_path, {"kawasan_assessments.csv": "\n".join([header, *rows]) + "\n"}, {"ikkrn": spec})
    assert (
        "2024/kawasan_assessments.csv: baris 3, kolom D 'phase': harus salah satu dari: pemetaan, sebelum, sesudah (nilai 'kemarin')"
        in found
    )
    assert (
        "2024/kawasan_assessments.csv: baris 3, kolom E 'kasus_narkoba': indikator harus 0 (tidak ada) atau 1 (ada) (nilai '2')"
        in found
    )


# -- wide tables and survey tools --------------------------------------------------------------------

WIDE = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,a,4,2,\nr2,11.01,a,1,,\nr3,11.01,b,,,3\nr4,11.01,b,2,,\n"


def long_reference(tmp_path: Path) -> pd.DataFrame:
    loaded = check_year(
        year_folder(tmp_path / "long", {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": ANSWERS}), 2024, SPECS
    )
    return loaded.tables["ikotan_answers"].astype(str)


def answers_of(tmp_path: Path, files: dict[str, str | bytes], specs=SPECS):
    loaded = check_year(year_folder(tmp_path, files), 2024, specs)
    assert loaded.problems == [], loaded.problems
    return loaded, loaded.tables["ikotan_answers"].astype(str)


def test_a_wide_table_stands_for_the_two_long_ones(tmp_path):
    loaded, answers = answers_of(tmp_path / "wide", {"ikotan_survey.csv": WIDE})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    assert loaded.tables["ikotan_respondents"]["respondent_id"].tolist() == ["r1", "r2", "r3", "r4"]


def test_headers_in_other_case_spacing_and_indonesian_aliases(tmp_path):
    text = WIDE.replace("respondent_id,kabkota_code,group,i1a", " ID Responden ,KABKOTA  CODE,Kelompok,I1A")
    _, answers = answers_of(tmp_path, {"ikotan_survey.csv": text})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))


def test_kobotoolbox_export_with_group_paths_metadata_and_semicolons(tmp_path):
    rows = [
        "start;end;kabkota_code;group;v1/i1a;v1/i1b;v2/i2a;_id;_uuid;_submission_time;_index;__version__",
        "2024-05-01;2024-05-01;11.01;a;4;2;;7;r1;2024-05-02;1;vX",
        "2024-05-01;2024-05-01;11.01;a;1;;;8;r2;2024-05-02;2;vX",
        "2024-05-01;2024-05-01;11.01;b;;;3;9;r3;2024-05-02;3;vX",
        "2024-05-01;2024-05-01;11.01;b;2;;;10;r4;2024-05-02;4;vX",
    ]
    loaded, answers = answers_of(tmp_path, {"ikotan_survey.csv": "\n".join(rows) + "\n"})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    assert loaded.warnings == []  # the metadata columns are expected, not unknown


def test_odk_central_export_with_dashes_and_key(tmp_path):
    rows = [
        "SubmissionDate,kabkota_code,group,v1-i1a,v1-i1b,v2-i2a,meta-instanceID,KEY,SubmitterID,ReviewState",
        "2024-05-02,11.01,a,4,2,,uuid:1,r1,5,",
        "2024-05-02,11.01,a,1,,,uuid:2,r2,5,",
        "2024-05-02,11.01,b,,,3,uuid:3,r3,5,",
        "2024-05-02,11.01,b,2,,,uuid:4,r4,5,",
    ]
    _, answers = answers_of(tmp_path, {"ikotan_survey.csv": "\n".join(rows) + "\n"})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))


def test_question_texts_as_headers_with_a_mapping_file(tmp_path):
    text = WIDE.replace("i1a,i1b,i2a", "Makan bersama?,Sering bertengkar?,Kebun,Catatan")
    text = text.replace(",\n", ",,\n").replace(",3\n", ",3,\n")
    mapping = "header,column\nMakan bersama?,i1a\nSering bertengkar?,i1b\nKebun,i2a\n"
    loaded, answers = answers_of(tmp_path, {"ikotan_survey.csv": text, "ikotan_survey_mapping.csv": mapping})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    assert [str(w) for w in loaded.warnings] == [
        "2024/ikotan_survey.csv: kolom tidak dikenali, diabaikan: G 'Catatan'; bila berisi jawaban, petakan judulnya "
        "di 2024/ikotan_survey_mapping.csv"
    ]


def test_question_texts_of_the_spec_match_without_a_mapping(tmp_path):
    spec = load_spec(DEFAULT_SPECS["ikotan"])
    item = spec.indicators[0].items[0]
    header = f"{spec.variables[0].name}/{item.text}"
    text = f"respondent_id,kabkota_code,group,{header}\nr1,11.01,keluarga,3\n"
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": text}), 2024, {"ikotan": spec})
    assert loaded.sources["2024/ikotan_survey.csv"].headers[item.id] == (header, "D")


def test_indonesian_locale_csv(tmp_path):
    """Windows-1252, ';', decimal comma, CRLF, title rows, codes as numbers, blank trailing rows and columns,
    a row of spaces."""
    rows = [
        "Data IKOTAN 2024 – BNNK Aceh Selatan;;;;;;;",
        ";;;;;;;",
        "respondent_id;kabkota_code;group;weight;i1a;i1b;i2a;",
        "r1;1101;a;1,5;4;2;;",
        "r2;11.01;a;1;;;;",
        "r3;11.1;b;2,25;;;3;",
        "r4;1110;b;1;;;;",
        ";;;;;;;",
        " ;  ;;;;;;",  # spaces only: no record
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("cp1252")
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": data}), 2024, SPECS)
    assert loaded.problems == []
    people = loaded.tables["ikotan_respondents"]
    assert people["kabkota_code"].tolist() == ["11.01", "11.01", "11.10", "11.10"]
    assert people["weight"].tolist() == [1.5, 1.0, 2.25, 1.0]
    how = loaded.sources["2024/ikotan_survey.csv"].how
    assert "Windows-1252" in how and "titik koma" in how and "2 baris judul" in how and "desimal koma" in how


def test_number_conventions():
    assert to_number("3,5", "comma") == (3.5, None)
    assert to_number("1.234", "comma") == (1234.0, None)
    assert to_number("1.234", "dot") == (1.234, None)
    assert to_number("1.234,5", None) == (1234.5, None)
    assert to_number("1.234", None)[1].startswith("angka bisa dibaca dua cara")
    assert convention(["3", "1.234"], None).convention is None  # nothing decides: refused later
    assert convention(["2,5", "1.234"], None).convention == "comma"
    assert convention(["2,5", "0.25"], "dot").mixed == ("0.25", "2,5")


def test_mixed_decimal_marks_in_one_file_are_refused(tmp_path):
    text = "respondent_id;kabkota_code;group;weight;i1a\nr1;11.01;a;1,5;4\nr2;11.01;a;0.5;3\nr3;11.01;b;1;3\n"
    found = problems(tmp_path, {"ikotan_survey.csv": text})
    assert found == [
        "2024/ikotan_survey.csv: angka ditulis dengan titik desimal ('0.5') dan koma desimal ('1,5') dalam satu "
        "berkas; samakan"
    ]


def test_kabkota_as_codes_numbers_names_and_dropdown_text():
    assert kabkota_code(11.1) == ("11.10", None)
    assert kabkota_code(1101.0) == ("11.01", None)
    assert kabkota_code("11.01 Kab. Aceh Selatan") == ("11.01", None)
    assert kabkota_code("Kota Banda Aceh") == ("11.71", None)
    assert kabkota_code("11.01 Simeulue") == (None, "kode 11.01 adalah Kab. Aceh Selatan, bukan 'Simeulue'")
    code, message = kabkota_code("Bekasi")
    assert code is None and "Kab. Bekasi (32.16)" in message and "Kota Bekasi (32.75)" in message


def test_name_column_that_disagrees_with_the_code(tmp_path):
    text = "respondent_id,kabkota_code,nama_kabkota,group,i1a\nr1,11.01,Aceh Selatan,a,4\nr2,11.01,Simeulue,b,3\n"
    found = problems(tmp_path, {"ikotan_survey.csv": text})
    assert found == [
        "2024/ikotan_survey.csv: baris 3, kolom C 'nama_kabkota': nama tidak sesuai dengan kode 11.01 "
        "(Kab. Aceh Selatan); periksa kodenya (Kemendagri) (nilai 'Simeulue')"
    ]


def test_spss_value_labels(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"respondent_id": ["r1", "r2", "r3", "r4"], "kabkota_code": ["11.01"] * 4,
                          "group": [1.0, 1.0, 2.0, 2.0], "i1a": [4, 1, None, 2], "i1b": [2, None, None, None],
                          "i2a": [None, None, 3, None]})  # fmt: skip
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.sav"
    path.parent.mkdir(parents=True)
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"group": {1.0: "a", 2.0: "b"}})
    _, answers = answers_of(tmp_path, {})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))


# -- files and folders ----------------------------------------------------------------------------


def test_one_file_per_office_and_the_same_respondent_in_two_files(tmp_path):
    one = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,a,4,2,\nr2,11.01,a,1,,\n"
    two = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr3,11.01,b,,,3\nr4,11.01,b,2,,\n"
    _, answers = answers_of(tmp_path / "ok", {"ikotan_survey/bnnk-a.csv": one, "ikotan_survey/bnnk-b.csv": two})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    found = problems(
        tmp_path / "twice", {"ikotan_survey/bnnk-a.csv": one, "ikotan_survey/bnnk-b.csv": two + "r1,11.01,a,,,\n"}
    )
    assert found == [
        "2024/ikotan_survey/bnnk-b.csv: baris 4, kolom A 'respondent_id': kode responden ganda (nilai 'r1'); "
        "sama dengan baris 2 di 2024/ikotan_survey/bnnk-a.csv"
    ]


def test_data_on_a_named_sheet_below_a_title(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey.xlsx"
    path.parent.mkdir(parents=True)
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"catatan": ["dikirim oleh BNNK"]}).to_excel(book, sheet_name="Catatan", index=False)
        pd.read_csv(pd.io.common.StringIO(WIDE), dtype=str).to_excel(book, sheet_name="Data", index=False, startrow=3)
        pd.DataFrame({"x": ["DATA IKOTAN"]}).to_excel(book, sheet_name="Data", index=False, header=False)
    loaded, answers = answers_of(tmp_path, {})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    assert loaded.tables["ikotan_respondents"]["respondent_id"].tolist() == ["r1", "r2", "r3", "r4"]


def test_a_workbook_of_several_tables_is_read_sheet_by_sheet_whatever_its_name(tmp_path):
    path = year_folder(tmp_path, {}) / "2024" / "ikotan_survey_kiriman-bnnk.xlsx"
    path.parent.mkdir(parents=True)
    with pd.ExcelWriter(path) as book:
        pd.read_csv(pd.io.common.StringIO(PEOPLE), dtype=str).to_excel(
            book, sheet_name="ikotan_respondents", index=False
        )
        pd.read_csv(pd.io.common.StringIO(ANSWERS), dtype=str).to_excel(book, sheet_name="ikotan_answers", index=False)
    loaded, answers = answers_of(tmp_path, {})
    pd.testing.assert_frame_equal(answers, long_reference(tmp_path))
    assert sorted(loaded.files) == ["ikotan_answers", "ikotan_respondents"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ikotan_survey.csv", b"", "berkas kosong (0 byte)"),
        ("ikotan_survey.csv", os.urandom(4000), "bukan berkas teks"),
        ("ikotan_survey.xlsx", os.urandom(4000), "bukan berkas Excel yang utuh"),
        ("ikotan_survey.parquet", os.urandom(4000), "bukan berkas Parquet yang utuh"),
        ("ikotan_survey.sav", os.urandom(4000), "bukan berkas SPSS .sav yang utuh"),
        ("ikotan_survey.pdf", b"%PDF-1.4", "format .pdf tidak dapat dibaca"),
        ("ikotan_survey.csv", "Laporan bulanan\nisi bebas\n", "tidak ada judul kolom yang dikenal"),
    ],
)
def test_hostile_files_get_one_clear_message(tmp_path, name, content, message):
    found = problems(tmp_path, {name: content})
    assert found and all(p.startswith(f"2024/{name}") for p in found)
    assert any(message in p for p in found), found


def test_truncated_workbook(tmp_path):
    path = tmp_path / "whole.xlsx"
    pd.read_csv(pd.io.common.StringIO(WIDE)).to_excel(path, index=False)
    found = problems(tmp_path, {"ikotan_survey.xlsx": path.read_bytes()[:1500]})
    assert len(found) == 1 and "bukan berkas Excel yang utuh" in found[0]


def test_header_only_and_stray_files_are_warnings(tmp_path):
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": "respondent_id,kabkota_code,group,i1a\n",
                                               "catatan.docx": b"x", "~$ikotan_survey.xlsx": b"x"}), 2024, SPECS)  # fmt: skip
    assert loaded.problems == []
    warnings = sorted(str(w) for w in loaded.warnings)
    assert warnings[0].startswith(
        "2024/catatan.docx: berkas tidak dipakai: nama berkas (dan nama lembarnya) tidak cocok"
    )
    assert warnings[1] == "2024/ikotan_survey.csv: tanpa baris data; dilewati"
    assert warnings[2] == "2024/~$ikotan_survey.xlsx: berkas sementara Excel (berkas aslinya sedang dibuka?); diabaikan"


def test_duplicated_column(tmp_path):
    text = "respondent_id,kabkota_code,group,i1a,v1/i1a\nr1,11.01,a,4,4\nr3,11.01,b,3,3\n"
    found = problems(tmp_path, {"ikotan_survey.csv": text})
    assert found == ["2024/ikotan_survey.csv: kolom E 'v1/i1a': kolom ganda: sama artinya (i1a) dengan kolom D 'i1a'"]


# -- anything at all ---------------------------------------------------------------------------------

ODD = st.sampled_from(["", " ", "r1", "11.1", "1101", "Bekasi", "A ", "9", "3,5", "1.234", "0.5", "-1", "=1+1",
                       "nan", "tiga", "ü", "\t", '"', "1e9"])  # fmt: skip
GOOD = {
    "respondent_id": st.integers(0, 15).map(lambda i: f"r{i}"),
    "kabkota_code": st.sampled_from(["11.01", "1101", "11.02", "Kab. Aceh Selatan"]),
    "group": st.sampled_from(["a", "b", "A"]),
    "weight": st.sampled_from(["", "1", "2,5", "0.5"]),
} | dict.fromkeys(["i1a", "i1b", "i2a", "v1/i1a", "x"], st.sampled_from(["1", "2", "3", "4", "9", ""]))


@st.composite
def tables(draw) -> list[list[str]]:
    """A survey table as offices type them: mostly sound, with a few odd cells and columns."""
    extra = draw(st.lists(st.sampled_from(["weight", "i1a", "i1b", "i2a", "v1/i1a", "x"]), max_size=5))
    header = draw(st.permutations(["respondent_id", "kabkota_code", "group", *extra]))
    cell = {h: st.one_of(GOOD[h], GOOD[h], GOOD[h], GOOD[h], ODD) for h in header}
    row = st.tuples(*(cell[h] for h in header)).map(list)
    blank = st.sampled_from(["", " ", "  "]).map(lambda c: [c] * len(header))  # rows of nothing, or spaces
    rows = draw(st.lists(st.one_of(row, row, row, blank), max_size=14))
    return [header, *rows]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=tables(),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    title=st.booleans(),
)
def test_any_table_gives_problems_or_results_never_an_exception(tmp_path, table, separator, encoding, title):
    """Whatever a CSV holds, the intake answers with problems, or with tables the engine computes."""
    text = ("Judul laporan\n\n" if title else "") + "\n".join(separator.join(row) for row in table)
    data = Path(tempfile.mkdtemp(dir=tmp_path))
    (data / "2024").mkdir()
    (data / "2024" / "ikotan_survey.csv").write_bytes(text.encode(encoding, errors="replace"))
    loaded = check_year(data, 2024, SPECS)
    assert {p.file for p in loaded.problems + loaded.warnings} <= {
        "2024/ikotan_survey.csv",
        "responden TINY (semua berkas)",
        "jawaban TINY (semua berkas)",  # an indicator without an answer in any file
    }
    assert all(p.row is None or p.row >= 2 for p in loaded.problems)  # a record is never the header row
    if not loaded.problems and "ikotan_answers" in loaded.tables:
        from bnn_lib.pipeline import compute_survey

        people, answers = loaded.tables["ikotan_respondents"], loaded.tables["ikotan_answers"]
        computed = compute_survey(people, answers, SPECS["ikotan"], "ikotan")["ikotan_kabkota"]
        assert set(computed["kabkota_code"]) <= set(people["kabkota_code"])
        assert computed["n_respondents"].sum() == len(people)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".ods", ".parquet", ".sav"]))
@example(data=b",", suffix=".csv")  # separators only: as empty as 0 bytes, and refused alike
@example(data=b" ;\n\t\n", suffix=".txt")
def test_random_bytes_under_any_table_name_give_one_message(tmp_path, data, suffix):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "2024").mkdir()
    (folder / "2024" / f"ikotan_survey{suffix}").write_bytes(data)
    loaded = check_year(folder, 2024, SPECS)
    assert [p.file for p in loaded.problems] == [f"2024/ikotan_survey{suffix}"], loaded.problems
    assert loaded.tables == {}


def test_a_blank_beside_an_unreadable_cell_and_a_blank_id_are_each_reported_once(tmp_path):
    text = "respondent_id,kabkota_code,group,i1a,i2a\nr1,,a,abc,\n,11.01,b,,3\nr3,11.01,b,,4\nr4,11.01,a,1,\n"
    found = problems(tmp_path, {"ikotan_survey.csv": text})
    assert sorted(found) == [
        "2024/ikotan_survey.csv: baris 2, kolom B 'kabkota_code': kosong; wajib diisi",
        "2024/ikotan_survey.csv: baris 2, kolom D 'i1a': jawaban tidak dikenal; yang sah: 1, 2, 3, 4, 9 (nilai 'abc')",
        "2024/ikotan_survey.csv: baris 3, kolom A 'respondent_id': kosong; wajib diisi",
    ]


def test_tables_of_spaces_only_and_keys_repeated_across_rows(tmp_path):
    spaces = "kabkota_code,year,penggiat_formed,kawasan_intervened,lifeskill_participants\n , , , , \n"
    loaded = check_year(year_folder(tmp_path / "a", {"program_outputs.csv": spaces}), 2024, {})
    assert loaded.problems == [] and [str(w) for w in loaded.warnings] == [
        "2024/program_outputs.csv: tanpa baris data; dilewati"
    ]
    targets = "measure,region_code,year,target\nikotan,00,2024,3\nikotan,Nasional,2024,3.1\nikotann,11,2024,3\n"
    assert problems(tmp_path / "b", {"targets.csv": targets}, {}) == [
        "2024/targets.csv: baris 4, kolom A 'measure': harus salah satu dari: ikotan, ikotan_jumlah_tanggap, ikp, "
        "ikkrn_pulih, ikkrn_persen_pulih, ikktt_pulih, penggiat_dibentuk, kawasan_diintervensi, "
        "peserta_kecakapan_hidup (nilai 'ikotann')",
        "2024/targets.csv: baris 3: kunci yang sama tercatat dua kali: ukuran, kode_wilayah, tahun "
        "(nilai 'ikotan, 00, 2024'); sama dengan baris 2",
    ]


def test_read_table_reads_one_office_file(tmp_path):
    path = tmp_path / "ikotan_survey_bnnk.csv"
    path.write_text(WIDE.replace(",", ";"))
    frame = read_table(path, spec=SPECS["ikotan"])
    assert frame["respondent_id"].tolist() == ["r1", "r2", "r3", "r4"]
    assert frame["i1a"].tolist()[:2] == [4.0, 1.0] and frame["i2a"].isna().tolist() == [True, True, False, True]
    path.write_text(WIDE.replace("r3,11.01", "r3,11.99"))
    with pytest.raises(DataError, match=r"ikotan_survey_bnnk.csv: baris 4, kolom B 'kabkota_code'"):
        read_table(path, spec=SPECS["ikotan"])
