"""Nothing suspicious passes in silence: data that reads, but cannot be right or would change the
results without a word, is refused or listed as a warning naming file, row, column and value.

Small hand-made folders against the tiny spec of conftest (groups a, b; items i1a, i1b of
indicator I1 asked of a and b, i2a of I2 asked of b only; scale 1–4, 9 = tidak tahu), and the
real IKKRN and IKKTT specs for the kawasan tables. Expected messages, counts and codes are worked
out by hand from the inputs written here and from the Kemendagri code lists, never taken from
the suite's own output.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import tiny_spec
from test_intake import ANSWERS, PEOPLE, SPECS, problems, year_folder

from bnn_lib.inputs import check_year
from bnn_lib.regions import REGIONS_DIR, RegionRegistry, regions
from bnn_lib.spec import DEFAULT_SPECS, load_spec, modify

FORMATS_READ = (".csv", ".tsv", ".txt", ".ods", ".xls", ".xlsb", ".xlsm", ".xlsx", ".parquet", ".sav")


def warnings(tmp_path, files, specs=SPECS) -> list[str]:
    return [str(w) for w in check_year(year_folder(tmp_path, files), 2024, specs).warnings]


# -- 2. a table in a format the suite does not read ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ikotan_answers.json",
        "ikotan_answers.numbers",
        "IKOTAN_ANSWERS.XML",
        "ikotan_answers",  # no extension at all
        "ikotan_answers.csv.bak",  # a backup beside nothing else
        "ikotan_answers (1).json",  # a browser's copy
        "ikotan_answers/bnnk-aceh-selatan.json",  # in the table's own folder, whatever its name
    ],
)
def test_a_table_in_a_format_not_read_is_refused_naming_the_file_and_the_formats_read(tmp_path, name):
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, name: ANSWERS})
    refused = [p for p in found if p.startswith(f"2024/{name}: ")]
    assert len(refused) == 1, found
    suffix = name.rsplit(".", 1)[1] if "." in name.rsplit("/", 1)[-1] else None
    assert f"format .{suffix} tidak dapat dibaca" in refused[0] if suffix else "tanpa ekstensi" in refused[0]
    assert all(f in refused[0] for f in FORMATS_READ)
    # The answers are missing, so the respondents alone are refused too: the index never just vanishes.
    assert any("ada responden IKOTAN tetapi tidak ada jawaban" in p for p in found)


@pytest.mark.parametrize(
    "name",
    [
        "IKOTAN_ANSWERS.CSV",
        "ikotan_answers.txt",
        "ikotan_answers (1).csv",
        "ikotan_answers - salinan.csv",
        "ikotan_answers-bnnp-aceh.csv",
        "ikotan_answers.csv.txt",
    ],
)
def test_a_table_in_a_format_read_under_any_spelling_of_its_name_is_read(tmp_path, name):
    loaded = check_year(year_folder(tmp_path, {"ikotan_respondents.csv": PEOPLE, name: ANSWERS}), 2024, SPECS)
    assert loaded.problems == [] and loaded.warnings == []
    assert loaded.tables["ikotan_answers"]["value"].tolist() == [4.0, 2.0, 1.0, 3.0, 2.0]  # the rows of ANSWERS


def test_a_tab_separated_file_is_read(tmp_path):
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.tsv": PEOPLE.replace(",", "\t"), "ikotan_answers.csv": ANSWERS}),
        2024,
        SPECS,
    )
    assert loaded.problems == []
    assert loaded.tables["ikotan_respondents"]["respondent_id"].tolist() == ["r1", "r2", "r3", "r4"]


def test_every_sheet_of_one_table_in_one_workbook_is_read(tmp_path):
    path = year_folder(tmp_path, {"ikotan_respondents.csv": PEOPLE}) / "2024" / "ikotan_answers.xlsx"
    rows = pd.read_csv(pd.io.common.StringIO(ANSWERS), dtype=str)
    with pd.ExcelWriter(path) as book:
        rows[:2].to_excel(book, sheet_name="ikotan_answers", index=False)
        rows[2:].to_excel(book, sheet_name="ikotan_answers (2)", index=False)  # Excel's name for a copied sheet
    loaded = check_year(path.parent.parent, 2024, SPECS)
    assert loaded.problems == []
    assert loaded.tables["ikotan_answers"]["value"].tolist() == [4.0, 2.0, 1.0, 3.0, 2.0]


# -- 5. infinities and numbers too large to be anything -----------------------------------------------

WEIGHTED = "respondent_id,kabkota_code,group,weight\nr1,11.01,a,1\nr2,11.01,a,{}\nr3,11.01,b,2\nr4,11.01,b,1\n"


@pytest.mark.parametrize("cell", ["inf", "Infinity", "-inf", "1e400", "1e999", "∞", "3201234567890001"])
def test_an_infinite_or_absurd_weight_is_refused_naming_the_cell(tmp_path, cell):
    found = problems(tmp_path, {"ikotan_respondents.csv": WEIGHTED.format(cell), "ikotan_answers.csv": ANSWERS})
    assert (
        "2024/ikotan_respondents.csv: baris 3, kolom D 'weight': angka tak hingga atau terlalu besar (lebih dari "
        f"10^15); tulis angka yang sebenarnya (nilai {cell!r})"
    ) in found


def test_nan_written_as_text_is_refused(tmp_path):
    found = problems(tmp_path, {"ikotan_respondents.csv": WEIGHTED.format("NaN"), "ikotan_answers.csv": ANSWERS})
    assert (
        "2024/ikotan_respondents.csv: baris 3, kolom D 'weight': bukan angka (NaN); kosongkan sel bila nilainya "
        "tidak diketahui (nilai 'NaN')"
    ) in found


def test_infinities_in_typed_files_are_refused_in_every_number_column(tmp_path):
    folder = year_folder(tmp_path, {})
    (folder / "2024").mkdir(parents=True)
    people = pd.DataFrame(
        {"respondent_id": ["r1", "r2", "r3"], "kabkota_code": ["11.01"] * 3, "group": ["a", "b", "b"],
         "weight": [1.0, float("inf"), 2.0]}
    )  # fmt: skip
    people.to_parquet(folder / "2024" / "ikotan_respondents.parquet")
    answers = pd.DataFrame({"respondent_id": ["r1", "r2", "r3"], "item_id": ["i1a", "i2a", "i2a"], "value": 3.0})
    answers.to_parquet(folder / "2024" / "ikotan_answers.parquet")
    outputs = pd.DataFrame(
        {"kabkota_code": ["11.01", "11.02"], "year": [2024, 2024], "penggiat_formed": [3.0, float("-inf")],
         "kawasan_intervened": [1.0, 2.0], "lifeskill_participants": [float("inf"), 5.0]}
    )  # fmt: skip
    outputs.to_parquet(folder / "2024" / "program_outputs.parquet")
    (folder / "2024" / "targets.csv").write_text("measure,region_code,year,target\nikotan,00,2024,1e999\n")
    message = "angka tak hingga atau terlalu besar (lebih dari 10^15); tulis angka yang sebenarnya"
    found = sorted(str(p) for p in check_year(folder, 2024, SPECS).problems if message in p.message)
    assert found == [  # a Parquet file has no header row: its rows are the records, from 1
        f"2024/ikotan_respondents.parquet: baris 2, kolom 'weight': {message} (nilai inf)",
        f"2024/program_outputs.parquet: baris 1, kolom 'lifeskill_participants': {message} (nilai inf)",
        f"2024/program_outputs.parquet: baris 2, kolom 'penggiat_formed': {message} (nilai -inf)",
        f"2024/targets.csv: baris 2, kolom D 'target': {message} (nilai '1e999')",
    ]


# -- 1. a year that is not the folder's -----------------------------------------------------------------

IKKRN = {"ikkrn": load_spec(DEFAULT_SPECS["ikkrn"])}
IKKTT = load_spec(DEFAULT_SPECS["ikktt"])
AREA_HEADER = "kawasan_id,kabkota_code,tahun,phase," + ",".join(ind.id for ind in IKKTT.indicators)
OUTPUTS = "kabkota_code,year,penggiat_formed,kawasan_intervened,lifeskill_participants\n"


def test_survey_rows_of_another_year_are_refused_and_the_folder_year_passes(tmp_path):
    wide = "respondent_id,kabkota_code,group,Tahun,i1a,i1b,i2a\nr1,11.01,a,2024,4,2,\nr2,11.01,a,2023,1,,\n"
    wide += "r3,11.01,b,,,,3\nr4,11.01,b,2024,2,,\n"
    assert problems(tmp_path / "a", {"ikotan_survey.csv": wide}) == [
        "2024/ikotan_survey.csv: baris 3, kolom D 'Tahun': tahun tidak sesuai dengan folder 2024/: responden ini akan "
        "dihitung sebagai tahun 2024; simpan di folder tahunnya (nilai 2023)"
    ]
    loaded = check_year(year_folder(tmp_path / "b", {"ikotan_survey.csv": wide.replace("2023", "2024")}), 2024, SPECS)
    assert loaded.problems == [] and loaded.warnings == []
    assert list(loaded.tables["ikotan_respondents"].columns) == ["respondent_id", "kabkota_code", "group"]


def test_outputs_of_another_year_are_refused_naming_the_rows(tmp_path):
    rows = "11.01,2024,3,1,10\n11.02,2023,4,0,12\n11.03,2025,1,1,1\n"
    assert problems(tmp_path, {"program_outputs.csv": OUTPUTS + rows}, {}) == [
        f"2024/program_outputs.csv: baris {row}, kolom B 'year': tahun tidak sesuai dengan folder 2024/: baris ini "
        f"tidak akan dihitung; simpan di folder tahunnya (nilai {year})"
        for row, year in ((3, 2023), (4, 2025))
    ]


def test_kawasan_assessed_before_in_another_year_is_refused(tmp_path):
    text = "kawasan_id,kabkota_code,year,phase,status\nK1,11.01,2024,mapping,aman\nK2,11.01,2023,before,bahaya\n"
    text += "K2,11.01,2024,after,aman\n"
    found = problems(tmp_path, {"kawasan_assessments.csv": text}, IKKRN)
    assert found == [
        "2024/kawasan_assessments.csv: baris 3, kolom C 'year': tahun tidak sesuai dengan folder 2024/: baris ini "
        "tidak akan dihitung; simpan di folder tahunnya (penilaian sebelum dan sesudah intervensi dicatat dengan "
        "tahun intervensi) (nilai 2023)"
    ]


def test_ikktt_areas_of_another_year_are_refused_under_the_year_alias(tmp_path):
    blanks = "," * (len(IKKTT.indicators) - 1)
    text = f"{AREA_HEADER}\nG1,11.01,2024,before,{blanks}\nG1,11.01,2024,after,{blanks}\nG2,11.01,2022,after,{blanks}\n"
    found = problems(tmp_path, {"ikktt_areas.csv": text}, {"ikktt": IKKTT})
    assert found == [
        "2024/ikktt_areas.csv: baris 4, kolom C 'tahun': tahun tidak sesuai dengan folder 2024/: baris ini tidak akan "
        "dihitung; simpan di folder tahunnya (penilaian sebelum dan sesudah intervensi dicatat dengan tahun "
        "intervensi) (nilai 2022)"
    ]


def test_targets_of_other_years_are_a_warning_and_no_target_of_the_year_too(tmp_path):
    plan = "measure,region_code,year,target\nikotan,00,2023,2.8\nikotan,00,2024,2.9\nikotan,00,2025,3\n"
    loaded = check_year(year_folder(tmp_path / "a", {"targets.csv": plan}), 2024, {})
    assert loaded.problems == []
    message = "target tahun lain, tidak dipakai: hanya target tahun 2024 yang dibandingkan dengan realisasi"
    assert [str(w) for w in loaded.warnings] == [
        f"2024/targets.csv: baris 2, kolom C 'year': {message} (nilai 2023)",
        f"2024/targets.csv: baris 4, kolom C 'year': {message} (nilai 2025)",
    ]
    later = "measure,region_code,year,target\nikp,00,2025,3\n"
    assert warnings(tmp_path / "b", {"targets.csv": later}, {}) == [
        f"2024/targets.csv: baris 2, kolom C 'year': {message} (nilai 2025)",
        "2024/targets.csv: kolom C 'year': tidak ada target tahun 2024: capaian tahun ini tidak dihitung",
    ]


# -- 3. a survey or a kawasan with a part missing ----------------------------------------------------------


def test_respondents_without_answers_and_answers_without_respondents_are_refused(tmp_path):
    assert problems(tmp_path / "a", {"ikotan_respondents.csv": PEOPLE}) == [
        "2024/ikotan_respondents.csv: ada responden IKOTAN tetapi tidak ada jawaban (ikotan_answers atau ikotan_survey)"
    ]
    assert problems(tmp_path / "b", {"ikotan_answers/bnnk-a.csv": ANSWERS}) == [
        "2024/ikotan_answers/bnnk-a.csv: ada jawaban IKOTAN tetapi tidak ada tabel responden (ikotan_respondents "
        "atau ikotan_survey)"
    ]
    # An answers file that holds no row is no answers table either.
    found = problems(
        tmp_path / "c", {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": "respondent_id,item_id,value\n"}
    )
    assert (
        "2024/ikotan_respondents.csv: ada responden IKOTAN tetapi tidak ada jawaban (ikotan_answers atau ikotan_survey)"
        in found
    )


def test_a_wide_survey_without_the_columns_of_a_whole_indicator_is_refused(tmp_path):
    wide = "respondent_id,kabkota_code,group,i1a,i1b\nr1,11.01,a,4,2\nr2,11.01,a,1,\nr3,11.01,b,3,\nr4,11.01,b,2,\n"
    found = problems(tmp_path, {"ikotan_survey.csv": wide})
    assert found == [
        "2024/ikotan_survey.csv: indikator I2 (I2) tanpa satu jawaban pun (butir i2a tidak ada atau "
        "kosong di semua berkas); TINY tidak dapat dihitung tanpa bagian ini"
    ]


def test_an_indicator_answered_only_tidak_tahu_everywhere_is_refused(tmp_path):
    answers = ANSWERS.replace("r3,i2a,3", "r3,i2a,9") + "r4,i2a,9\n"
    found = problems(tmp_path, {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers})
    assert found == [
        "2024/ikotan_answers.csv: indikator I2 (I2) semua 2 jawabannya 'tidak tahu' (kode 9); TINY "
        "tidak dapat dihitung tanpa bagian ini"
    ]


def test_an_item_answered_in_no_file_is_a_warning(tmp_path):
    answers = ANSWERS.replace("r1,i1b,2\n", "")
    one = "respondent_id,kabkota_code,group,i1a,i1b,i2a\nr1,11.01,a,4,,\nr2,11.01,a,1,,\n"
    two = "respondent_id,kabkota_code,group,i1a,i2a\nr3,11.01,b,,3\nr4,11.01,b,2,\n"
    message = "butir i1b tanpa satu jawaban pun di semua berkas; indikator I1 dihitung dari butirnya yang lain"
    assert warnings(tmp_path / "long", {"ikotan_respondents.csv": PEOPLE, "ikotan_answers.csv": answers}) == [
        f"2024/ikotan_answers.csv: {message}"
    ]
    found = warnings(tmp_path / "wide", {"ikotan_survey/a.csv": one, "ikotan_survey/b.csv": two})
    assert found == [
        "2024/ikotan_survey/b.csv: butir spesifikasi tiny tanpa kolom di berkas ini: i1b",
        f"jawaban TINY (semua berkas): {message}",
    ]


def test_a_kawasan_assessed_before_and_not_after_is_a_warning(tmp_path):
    text = "kawasan_id,kabkota_code,year,phase,status\nK1,11.01,2024,before,bahaya\nK2,11.01,2024,before,bahaya\n"
    text += "K2,11.01,2024,after,aman\nK3,11.01,2024,after,aman\n"
    before_alone = (
        "2024/kawasan_assessments.csv: baris 2, kolom D 'phase': kawasan tanpa penilaian sesudah intervensi pada "
        "tahun yang sama: tidak masuk hitungan pemulihan (nilai 'before')"
    )
    after_alone = (
        "2024/kawasan_assessments.csv: baris 5, kolom D 'phase': kawasan tanpa penilaian sebelum intervensi pada "
        "tahun yang sama: tidak masuk hitungan pemulihan (nilai 'after')"
    )
    leave_out = {**IKKRN, "ikkrn": modify(IKKRN["ikkrn"], {"recovery.missing_before": "leave_out"})}
    assert warnings(tmp_path, {"kawasan_assessments.csv": text}, leave_out) == [before_alone, after_alone]
    # By default an after without a before takes last year's mapping: nothing to say here.
    assert warnings(tmp_path / "default", {"kawasan_assessments.csv": text}, IKKRN) == [before_alone]


# -- 4. counts: whole, and within what can be ---------------------------------------------------------------


def test_output_counts_fractional_absurd_or_negative_are_refused(tmp_path):
    rows = "11.01,2024,12.5,1,10\n11.02,2024,20000000,2001,10000000\n11.03,2024,-1,0,0\n"
    assert sorted(problems(tmp_path, {"program_outputs.csv": OUTPUTS + rows}, {})) == [
        "2024/program_outputs.csv: baris 2, kolom C 'penggiat_formed': jumlah orang harus bilangan bulat (nilai 12.5)",
        "2024/program_outputs.csv: baris 3, kolom C 'penggiat_formed': tidak mungkin: lebih dari 10.000.000 orang di "
        "satu kab/kota; periksa angkanya (nilai 20000000)",
        "2024/program_outputs.csv: baris 3, kolom D 'kawasan_intervened': tidak mungkin: lebih dari 2.000 kawasan di "
        "satu kab/kota; periksa angkanya (nilai 2001)",
        "2024/program_outputs.csv: baris 4, kolom C 'penggiat_formed': harus angka ≥ 0 (nilai -1)",
    ]


def test_targets_beyond_what_their_measure_can_reach_are_refused(tmp_path):
    rows = [
        "penggiat_formed,00,2024,1500.5",  # a count of people
        "ikotan_n_tanggap,Aceh,2024,24",  # Aceh has 18 kabupaten and 5 kota
        "ikotan_n_tanggap,00,2024,515",  # Indonesia has 514 kab/kota
        "ikotan_n_tanggap,12,2024,33",  # every kab/kota of Sumatera Utara (25 kabupaten, 8 kota): possible
        "kawasan_intervened,00,2024,150000",
        "lifeskill_participants,32,2024,200000000",
        "ikkrn_rate,00,2024,120",
        "ikotan,00,2024,75",  # a 0–100 value where the mean on the 1–4 scale is meant
        "ikotan,11,2024,3.1",
    ]
    found = problems(tmp_path, {"targets.csv": "measure,region_code,year,target\n" + "\n".join(rows) + "\n"}, SPECS)
    assert sorted(found) == [
        "2024/targets.csv: baris 2, kolom D 'target': jumlah orang harus bilangan bulat (nilai 1500.5)",
        "2024/targets.csv: baris 3, kolom D 'target': tidak mungkin: lebih dari jumlah kab/kota di wilayah ini (23) "
        "(nilai 24)",
        "2024/targets.csv: baris 4, kolom D 'target': tidak mungkin: lebih dari jumlah kab/kota di wilayah ini (514) "
        "(nilai 515)",
        "2024/targets.csv: baris 6, kolom D 'target': tidak mungkin: lebih dari 100.000 kawasan di seluruh Indonesia; "
        "periksa angkanya (nilai 150000)",
        "2024/targets.csv: baris 7, kolom D 'target': tidak mungkin: lebih dari 100.000.000 orang di satu provinsi; "
        "periksa angkanya (nilai 200000000)",
        "2024/targets.csv: baris 8, kolom D 'target': persentase tidak dapat lebih dari 100 (nilai 120)",
        "2024/targets.csv: baris 9, kolom D 'target': di luar skala 1–4 ukuran ikotan (rata-rata jawaban, bukan "
        "0–100) (nilai 75)",
    ]


# -- 6. a kawasan in the wrong place ------------------------------------------------------------------------

KAWASAN = "kawasan_id,kabkota_code,year,phase,status\n"


def test_a_kawasan_id_holding_another_kabkota_code_is_refused_with_both_codes(tmp_path):
    rows = [
        "KWS-11.01-01,11.01,2024,mapping,aman",  # agrees
        "KWS-11.01-02,11.02,2024,mapping,aman",  # the id says Kab. Aceh Selatan, the row Kab. Aceh Tenggara
        "11.71.01.1001,11.71,2024,mapping,aman",  # a Kemendagri desa code of Kota Banda Aceh: agrees
        "11.71.01.1002,11.01,2024,mapping,aman",
        "KWS-91.01-01,93.01,2024,mapping,aman",  # Merauke's code before 2022 in an old id: agrees
        "KWS-91.01-02,91.03,2024,mapping,aman",
        "DESA-2024.5,11.01,2024,mapping,aman",  # no kab/kota code in it
    ]
    found = problems(tmp_path, {"kawasan_assessments.csv": KAWASAN + "\n".join(rows) + "\n"}, IKKRN)
    message = "tidak sesuai dengan kode kawasan, yang memuat kode kab/kota {}; periksa keduanya (nilai {!r})"
    assert sorted(found) == [
        "2024/kawasan_assessments.csv: baris 3, kolom B 'kabkota_code': "
        + message.format("11.01 (Kab. Aceh Selatan)", "11.02"),
        "2024/kawasan_assessments.csv: baris 5, kolom B 'kabkota_code': "
        + message.format("11.71 (Kota Banda Aceh)", "11.01"),
        "2024/kawasan_assessments.csv: baris 7, kolom B 'kabkota_code': "
        + message.format("91.01 (kode lama Kab. Merauke)", "91.03"),
    ]


def test_the_same_kawasan_in_two_kabkota_is_refused_naming_both_rows(tmp_path):
    text = KAWASAN + "A7,11.01,2024,mapping,bahaya\nA7,11.01,2024,before,bahaya\nA7,11.02,2024,after,aman\n"
    found = problems(tmp_path, {"kawasan_assessments.csv": text}, IKKRN)
    assert found == [
        "2024/kawasan_assessments.csv: baris 4: kawasan yang sama tercatat di kab/kota lain (nilai 'A7, 11.02'); "
        "sama dengan baris 2"
    ]


def test_a_province_column_that_contradicts_the_kabkota_is_refused_with_both(tmp_path):
    text = "kawasan_id,provinsi,kabkota_code,year,phase,status\nK1,Aceh,11.01,2024,mapping,aman\n"
    text += "K2,Sumatera Utara,11.02,2024,mapping,aman\nK3,91,93.01,2024,mapping,aman\n"
    found = problems(tmp_path / "a", {"kawasan_assessments.csv": text}, IKKRN)
    assert found == [
        "2024/kawasan_assessments.csv: baris 3, kolom C 'kabkota_code': kab/kota ini berada di provinsi 11 (Aceh), "
        "bukan di provinsi 12 (Sumatera Utara) pada kolom provinsi (nilai '11.02')",
        "2024/kawasan_assessments.csv: baris 4, kolom C 'kabkota_code': kab/kota ini berada di provinsi 93 (Papua "
        "Selatan), bukan di provinsi 91 (Papua) pada kolom provinsi (nilai '93.01')",
    ]
    outputs = (
        "provinsi,kabkota_code,year,penggiat_formed,kawasan_intervened,lifeskill_participants\n12,11.01,2024,1,1,1\n"
    )
    assert problems(tmp_path / "b", {"program_outputs.csv": outputs}, {}) == [
        "2024/program_outputs.csv: baris 2, kolom B 'kabkota_code': kab/kota ini berada di provinsi 11 (Aceh), bukan "
        "di provinsi 12 (Sumatera Utara) pada kolom provinsi (nilai '11.01')"
    ]


# -- 7. a kab/kota, or a group in one, whose answers give no score -------------------------------------------


def test_a_kabkota_answering_only_tidak_tahu_is_a_warning_with_its_counts(tmp_path):
    people = PEOPLE + "r5,11.02,a\nr6,11.02,b\n"
    answers = ANSWERS + "r5,i1a,9\nr5,i1b,9\nr6,i2a,9\n"
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.csv": people, "ikotan_answers.csv": answers}), 2024, SPECS
    )
    assert loaded.problems == []
    assert [str(w) for w in loaded.warnings] == [
        "2024/ikotan_respondents.csv: kolom B 'kabkota_code': kab/kota 11.02 (Kab. Aceh Tenggara) tanpa nilai TINY: "
        "semua 3 jawaban dari 2 responden 'tidak tahu' (kode 9); tidak ikut rekap provinsi dan nasional "
        "(nilai '11.02')"
    ]


def test_a_kabkota_whose_respondents_answered_nothing_or_too_little_is_a_warning(tmp_path):
    people = PEOPLE + "r5,11.02,a\nr6,11.02,b\n"
    found = warnings(tmp_path / "none", {"ikotan_respondents.csv": people, "ikotan_answers.csv": ANSWERS})
    assert (
        "2024/ikotan_respondents.csv: kolom B 'kabkota_code': kab/kota 11.02 (Kab. Aceh Tenggara) tanpa nilai TINY: "
        "2 responden tanpa satu jawaban pun; tidak ikut rekap provinsi dan nasional (nilai '11.02')"
    ) in found
    strict = {"ikotan": tiny_spec(scale={"min_answered_share": 1.0})}  # both items of I1 needed for a score
    answers = ANSWERS + "r5,i1a,3\nr6,i1b,9\n"
    found = warnings(tmp_path / "few", {"ikotan_respondents.csv": people, "ikotan_answers.csv": answers}, strict)
    assert found == [
        "2024/ikotan_respondents.csv: kolom B 'kabkota_code': kab/kota 11.02 (Kab. Aceh Tenggara) tanpa nilai TINY: "
        "2 responden, tidak satu pun menjawab sedikitnya 100% butir satu indikator; tidak ikut rekap provinsi dan "
        "nasional (nilai '11.02')"
    ]


def test_a_group_answering_only_tidak_tahu_in_one_kabkota_is_a_warning(tmp_path):
    answers = ANSWERS.replace("r3,i2a,3", "r3,i2a,9").replace("r4,i1a,2", "r4,i1a,9") + "r5,i2a,3\n"
    people = PEOPLE + "r5,11.02,b\n"
    found = warnings(tmp_path, {"ikotan_respondents.csv": people, "ikotan_answers.csv": answers})
    assert sorted(found) == [
        "2024/ikotan_respondents.csv: kolom B 'kabkota_code': kelompok b di kab/kota 11.01 (Kab. Aceh Selatan) tanpa "
        "nilai TINY: semua 2 jawaban dari 2 responden 'tidak tahu' (kode 9); nilai kab/kota ini dihitung dari "
        "kelompok lain (nilai '11.01')",
        "2024/ikotan_respondents.csv: kolom C 'group': kab/kota 11.02 (Kab. Aceh Tenggara) tanpa responden kelompok: a",
    ]


# -- 8. kab/kota codes from before Papua's 2022 split -----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "now"),
    [
        ("91.01", "93.01 Kab. Merauke (UU 14/2022 tentang Pembentukan Provinsi Papua Selatan)"),
        ("91.02", "95.01 Kab. Jayawijaya (UU 16/2022 tentang Pembentukan Provinsi Papua Pegunungan)"),
        ("9104", "94.01 Kab. Nabire (UU 15/2022 tentang Pembentukan Provinsi Papua Tengah)"),
        ("91.09 Kab. Mimika", "94.04 Kab. Mimika (UU 15/2022 tentang Pembentukan Provinsi Papua Tengah)"),
        ("92.01", "96.01 Kab. Sorong (UU 29/2022 tentang Pembentukan Provinsi Papua Barat Daya)"),
        ("92.71", "96.71 Kota Sorong (UU 29/2022 tentang Pembentukan Provinsi Papua Barat Daya)"),
    ],
)
def test_an_old_papua_code_that_no_longer_exists_is_refused_naming_the_code_now(tmp_path, cell, now):
    people = PEOPLE.replace("r4,11.01", f"r4,{cell}")
    found = problems(tmp_path, {"ikotan_respondents.csv": people, "ikotan_answers.csv": ANSWERS})
    assert found == [
        f"2024/ikotan_respondents.csv: baris 5, kolom B 'kabkota_code': kode lama sebelum pemekaran 2022; sekarang "
        f"{now} (nilai {cell!r})"
    ]


def test_a_papua_code_kept_through_the_split_reads_without_a_word(tmp_path):
    people = PEOPLE.replace("11.01", "91.03")  # Kab. Jayapura stayed in Papua
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.csv": people, "ikotan_answers.csv": ANSWERS}), 2024, SPECS
    )
    assert loaded.problems == [] and loaded.warnings == []
    assert set(loaded.tables["ikotan_respondents"]["kabkota_code"]) == {"91.03"}


def test_a_code_that_meant_another_kabkota_before_a_split_is_a_warning(tmp_path, monkeypatch):
    # No Kemendagri code of the 2022 split was given again to another kab/kota; a registry that
    # did so (91.03 here, as if it had meant Kab. Contoh, now 93.01) must not read it in silence.
    history = pd.DataFrame(
        {"old_code": ["91.03"], "new_code": ["93.01"], "name": ["Kabupaten Contoh"], "since_year": ["2022"],
         "source": ["contoh"]}
    )  # fmt: skip
    real = regions()
    registry = RegionRegistry(
        real.province_table, real.kabkota_table, pd.read_csv(REGIONS_DIR / "province_aliases.csv", dtype=str), history
    )
    for module in ("bnn_lib.intake.values", "bnn_lib.intake.checks", "bnn_lib.intake.plausible"):
        monkeypatch.setattr(f"{module}.regions", lambda: registry)
    people = PEOPLE.replace("r2,11.01", "r2,91.03")
    loaded = check_year(
        year_folder(tmp_path, {"ikotan_respondents.csv": people, "ikotan_answers.csv": ANSWERS}), 2024, SPECS
    )
    assert loaded.problems == []
    assert [str(w) for w in loaded.warnings] == [
        "2024/ikotan_respondents.csv: baris 3, kolom B 'kabkota_code': dibaca sebagai Kab. Jayapura; sebelum "
        "pemekaran 2022 kode ini adalah Kabupaten Contoh, sekarang 93.01: periksa kodenya (nilai '91.03')",
        "2024/ikotan_respondents.csv: kolom C 'group': kab/kota 91.03 (Kab. Jayapura) tanpa responden kelompok: b",
    ]
