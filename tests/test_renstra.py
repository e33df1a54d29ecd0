"""The end-of-period (Renstra) target: an optional column of the targets table, read and checked
as the year's target is, and carried into the KPI table with its own capaian."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import tiny_spec

from bnn_lib.inputs import check_year
from bnn_lib.rollup import kpi_table

SPECS = {"ikotan": tiny_spec()}  # a 1–4 scale
HEADER = "measure,region_code,year,target,target_renstra\n"


def checked(tmp_path: Path, text: str):
    """The 2024 folder holding ``text`` as its targets table, checked."""
    folder = tmp_path / "data" / "2024"
    folder.mkdir(parents=True)
    (folder / "targets.csv").write_text(text, encoding="utf-8")
    return check_year(tmp_path / "data", 2024, SPECS)


def test_renstra_targets_are_read_blank_or_as_percent(tmp_path):
    text = HEADER + "ikotan,00,2024,3.2,3.5\nikotan,11,2024,3.2,\nikkrn_rate,00,2024,60,75%\n"
    loaded = checked(tmp_path, text)
    assert loaded.problems == []
    read = loaded.tables["targets"]["target_renstra"].tolist()
    assert read[0] == 3.5 and math.isnan(read[1]) and read[2] == 75.0
    # The column is optional: a table without it reads as before.
    loaded = checked(tmp_path / "without", "measure,region_code,year,target\nikotan,00,2024,3.2\n")
    assert loaded.problems == [] and loaded.tables["targets"]["target"].tolist() == [3.2]


def test_the_indonesian_header_is_known(tmp_path):
    loaded = checked(tmp_path, "measure,region_code,year,target,target_akhir_renstra\nikotan,00,2024,3.2,3.5\n")
    assert loaded.problems == [] and loaded.tables["targets"]["target_renstra"].tolist() == [3.5]


def test_a_malformed_renstra_target_is_named_by_file_row_column_and_value(tmp_path):
    text = HEADER + "ikotan,00,2024,3.2,tiga\npenggiat_formed,11,2024,30,-1\nikotan,12,2024,3.2,5\n"
    text += "ikkrn_rate,00,2024,60,120\n"
    where = "2024/targets.csv: baris {}, kolom E 'target_renstra': "
    assert [str(p) for p in checked(tmp_path, text).problems] == [
        where.format(2) + "bukan angka (nilai 'tiga')",
        where.format(3) + "harus angka > 0 (nilai -1)",
        where.format(4) + "di luar skala 1–4 ukuran ikotan (rata-rata jawaban, bukan 0–100) (nilai 5)",
        where.format(5) + "persentase tidak dapat lebih dari 100 (nilai 120)",
    ]


def test_a_renstra_percentage_on_a_count_is_refused(tmp_path):
    found = [str(p) for p in checked(tmp_path, HEADER + "penggiat_formed,00,2024,100,35%\n").problems]
    assert len(found) == 1 and "kolom E 'target_renstra'" in found[0] and "bukan persentase" in found[0], found


def test_kpi_table_sets_capaian_against_the_renstra_target():
    """3.0 against a target of 3.2 is 93.75 %, against a Renstra target of 3.5 is 85.71 %; a
    count of 40 against 50 and 80 is 80 % and 50 %; no Renstra target, no capaian against it."""
    realised = pd.DataFrame(
        {"region_code": ["00", "00", "00"], "measure": ["ikotan", "penggiat_formed", "ikp"], "realisasi": [3.0, 40, 3]}
    )
    targets = pd.DataFrame(
        {
            "region_code": ["00", "00", "00", "00"],
            "measure": ["ikotan", "penggiat_formed", "ikp", "ikotan"],
            "year": [2024, 2024, 2024, 2023],
            "target": [3.2, 50.0, 3.1, 3.0],
            "target_renstra": [3.5, 80.0, math.nan, 3.6],
        }
    )
    table = kpi_table(realised, targets, 2024).set_index("measure")
    assert table.loc["ikotan", "target_renstra"] == 3.5  # this year's row, not 2023's
    assert table["capaian_renstra_pct"]["ikotan"] == pytest.approx(300 / 3.5)
    assert table["capaian_renstra_pct"]["penggiat_formed"] == pytest.approx(50.0)
    assert table["capaian_pct"]["penggiat_formed"] == pytest.approx(80.0)
    assert math.isnan(table.loc["ikp", "target_renstra"]) and math.isnan(table.loc["ikp", "capaian_renstra_pct"])
    without = kpi_table(realised, targets.drop(columns="target_renstra"), 2024)
    assert without["target_renstra"].isna().all() and without["capaian_renstra_pct"].isna().all()
