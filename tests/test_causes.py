"""What an office reads in its validation list: its own column names, and one problem per cause.

Small hand-made folders against the tiny spec of conftest (groups a, b; items i1a, i1b of
indicator I1 asked of a and b, i2a of I2 asked of b only). Expected rows are counted from the
files as written here: a header in row 1, the first record in row 2.
"""

from __future__ import annotations

import pandas as pd
from conftest import tiny_spec
from test_intake import ANSWERS, PEOPLE, SPECS, year_folder

from bnn_lib.inputs import check_year
from bnn_lib.intake import read_table


def test_indonesian_headers_and_words_read_as_the_ids(tmp_path):
    ids = "kawasan_id,kabkota_code,year,phase,status\nK1,11.01,2024,before,bahaya\nK1,11.01,2024,after,aman\n"
    indonesian = (
        "ID Kawasan;Kode Kab Kota;TAHUN;fase;status\nK1;11.01;2024; Sebelum ;bahaya\nK1;11.01;2024;sesudah;aman\n"
    )
    (tmp_path / "kawasan_assessments_a.csv").write_text(ids)
    (tmp_path / "kawasan_assessments_b.csv").write_text(indonesian)
    a = read_table(tmp_path / "kawasan_assessments_a.csv")
    b = read_table(tmp_path / "kawasan_assessments_b.csv")
    pd.testing.assert_frame_equal(a, b)
    assert a["phase"].tolist() == ["before", "after"]
    (tmp_path / "targets_a.csv").write_text("measure,region_code,year,target\nikkrn_rate,00,2024,35\n")
    (tmp_path / "targets_b.csv").write_text("Ukuran,Kode Wilayah,Tahun,Target\nIKKRN_persen_pulih,00,2024,35\n")
    pd.testing.assert_frame_equal(read_table(tmp_path / "targets_a.csv"), read_table(tmp_path / "targets_b.csv"))


def test_a_column_is_named_as_the_file_names_its_columns(tmp_path):
    indonesian = "id_responden,kode_kab_kota\nr1,11.01\n"
    loaded = check_year(year_folder(tmp_path / "a", {"ikotan_respondents.csv": indonesian}), 2024, SPECS)
    assert [(p.column, p.message.split(" (")[0]) for p in loaded.problems] == [("kelompok", "kolom wajib tidak ada")]
    ids = "respondent_id,kabkota_code\nr1,11.01\n"
    loaded = check_year(year_folder(tmp_path / "b", {"ikotan_respondents.csv": ids}), 2024, SPECS)
    assert [(p.column, p.message.split(" (")[0]) for p in loaded.problems] == [("group", "kolom wajib tidak ada")]


def test_one_weight_of_0_among_blank_weights_is_one_problem_with_the_rows_it_affects(tmp_path):
    rows = [f"r{i},11.01,{'ab'[i % 2]},,4,3" for i in range(1, 13)]
    rows[10] = "r11,11.01,b,0,4,3"  # the 11th respondent, row 12 of the sheet
    text = "id_responden,kode_kab_kota,kelompok,bobot,i1a,i2a\n" + "\n".join(rows) + "\n"
    text = text.replace("a,,4,3", "a,,4,")  # group a is not asked i2a
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": text}), 2024, SPECS)
    (problem,) = loaded.problems
    assert (problem.row, problem.column, problem.value) == (12, "bobot", 0)
    assert str(problem).endswith("— 11 baris lain terdampak")
    assert [a.row for a in problem.affected] == [r for r in range(2, 14) if r != 12]
    assert {a.column for a in problem.affected} == {"bobot"}


def test_weights_missing_in_a_few_rows_are_each_a_problem_of_their_own(tmp_path):
    rows = [f"r{i},11.01,b,2,4,3" for i in range(1, 6)] + ["r6,11.01,b,,4,3"]
    text = "respondent_id,kabkota_code,group,weight,i1a,i2a\n" + "\n".join(rows) + "\n"
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": text}), 2024, SPECS)
    assert [(p.row, p.column, p.affected) for p in loaded.problems] == [(7, "weight", ())]


def test_an_unknown_respondent_is_one_problem_however_many_answers_it_has(tmp_path):
    answers = ANSWERS + "r77,i1a,3\nr77,i1b,2\nr77,i2a,1\nr78,i1a,2\n"
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers}), 2024, SPECS
    )
    assert [(p.row, p.value, [a.row for a in p.affected]) for p in loaded.problems] == [
        (7, "r77", [8, 9]),
        (10, "r78", []),
    ]


def test_a_respondent_in_the_wrong_group_is_one_problem_at_its_group(tmp_path):
    # r1 (group a) answered i2a, asked of b only, in a wide table: the group cell is the cause.
    wide = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,a,4,2,3\nr2,11.01,b,1,1,2\n"
    loaded = check_year(year_folder(tmp_path, {"ikotan_survey.csv": wide}), 2024, SPECS)
    (problem,) = loaded.problems
    assert (problem.row, problem.column, problem.value) == (2, "group", "a")
    assert [(a.row, a.column, a.value) for a in problem.affected] == [(2, "i2a", 3)]
    assert str(problem).endswith("— 1 sel lain terdampak")


def test_a_group_without_respondents_blocks_only_where_the_index_needs_it(tmp_path):
    only_b = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,b,4,1,3\nr2,11.02,b,2,2,2\n"
    loaded = check_year(year_folder(tmp_path / "b", {"ikotan_survey.csv": only_b}), 2024, SPECS)
    # I1 is answered by b too: a is missed, and the index computed without it.
    assert loaded.problems == [] and len(loaded.warnings) == 1
    assert loaded.warnings[0].message.startswith("tidak ada responden kelompok a (A): indikatornya dihitung")
    required = tiny_spec(groups={"a": {"name": "A", "required": True, "provenance": "assumed"},
                                 "b": {"name": "B", "provenance": "assumed"}})  # fmt: skip
    loaded = check_year(year_folder(tmp_path / "r", {"ikotan_survey.csv": only_b}), 2024, {"ikotan": required})
    assert [p.message.split(";")[0] for p in loaded.problems] == [
        "tidak ada responden kelompok a (A), yang diwajibkan spesifikasi tiny"
    ]
    only_a = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,a,4,1,\n"
    loaded = check_year(year_folder(tmp_path / "a", {"ikotan_survey.csv": only_a}), 2024, SPECS)
    # I2 is asked of b alone: without b, the index would lose a part.
    assert [p.message.split(";")[0] for p in loaded.problems] == [
        "tidak ada responden kelompok b (B): indikator I2 hanya ditanyakan kepada kelompok ini, dan TINY tidak "
        "dapat dihitung tanpanya"
    ]
