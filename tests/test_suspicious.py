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
from test_intake import ANSWERS, PEOPLE, SPECS, problems, year_folder

from bnn_lib.intake import check_year

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
