"""The sample year as offices hold it computes to the same numbers as the long-form sample.

The long tables of the synthetic sample are the reference. The same answers, pivoted to one row
per respondent by pandas, are written the way offices send them, each through a writer that knows
nothing of the suite (openpyxl, pandas' CSV writer, pyreadstat): a wide Excel workbook on a named sheet under a title, a KoboToolbox CSV
export (';', group paths, metadata, the submission id for the respondent), an Indonesian-locale
CSV (Windows-1252, ';', decimal comma, CRLF, title rows, codes typed as numbers), and an SPSS file
whose respondent groups are numbers with value labels. Each must give every kab/kota the same
IKOTAN and IKP values, to the last digit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from conftest import one_row_per_respondent
from openpyxl import Workbook

from bnn_lib.pipeline import compute_year
from bnn_lib.sample import LABEL
from bnn_lib.spec import DEFAULT_SPECS, load_spec

YEAR = 2024
OTHER_TABLES = ["kawasan_assessments", "ikktt_areas", "program_outputs", "targets"]


def wide(sample_dir: str, index: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The index's survey of the sample year, one row per respondent; and each item's variable."""
    folder = Path(sample_dir) / str(YEAR)
    spec = load_spec(DEFAULT_SPECS[index])
    people = pd.read_parquet(folder / f"{index}_respondents_{LABEL}.parquet")
    answers = pd.read_parquet(folder / f"{index}_answers_{LABEL}.parquet")
    variable = {it.id: v.id for v in spec.variables for ind in v.indicators for it in ind.items}
    return one_row_per_respondent(people, answers, spec), variable


def new_year(tmp_path: Path, sample_dir: str, name: str) -> Path:
    """A data folder holding the sample year's other tables, ready for the survey files."""
    folder = tmp_path / name / str(YEAR)
    folder.mkdir(parents=True)
    for path in (Path(sample_dir) / str(YEAR)).iterdir():
        if any(path.name.startswith(t) for t in OTHER_TABLES):
            shutil.copy(path, folder / path.name)
    return folder


def xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Written with openpyxl as a person would lay it out: a title, a blank row, the table."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data Survei")
    sheet.append([f"Data survei {path.stem} {YEAR}"])
    sheet.append([])
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    book.save(path)


def kobo(frame: pd.DataFrame, variable: dict[str, str], path: Path) -> None:
    out = frame.rename(columns={c: f"{variable[c]}/{c}" for c in frame.columns if c in variable})
    out.insert(0, "start", "2024-05-01T09:00:00.000+07:00")
    out.insert(1, "end", "2024-05-01T09:25:00.000+07:00")
    out.insert(2, "province_code", frame["kabkota_code"].str[:2])
    out["_uuid"] = out.pop("respondent_id")
    out["meta/instanceID"] = "uuid:" + out["_uuid"]
    out["_id"] = np.arange(len(out)) + 1000
    out["_submission_time"] = "2024-05-02T10:00:00"
    out["_index"] = np.arange(len(out)) + 1
    out["__version__"] = "vQx2"
    out.to_csv(path, sep=";", index=False)


def indonesian(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    out["kabkota_code"] = out["kabkota_code"].str.replace(".", "", regex=False)  # 11.01 typed as 1101
    out["weight"] = np.where(np.arange(len(out)) % 3 == 0, 1.5, 1.0)  # decimal comma: "1,5"
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n", float_format="%g")
    title = f"REKAP DATA {path.stem.upper()} – TAHUN {YEAR};;\r\nSumber: BNNP;;\r\n\r\n"
    path.write_bytes((title + text + ";;;\r\n").encode("cp1252"))


def spss(frame: pd.DataFrame, index: str, path: Path) -> None:
    groups = list(load_spec(DEFAULT_SPECS[index]).groups)
    out = frame.assign(group=frame["group"].map({g: float(i) for i, g in enumerate(groups, start=1)}))
    labels = {"group": {float(i): g for i, g in enumerate(groups, start=1)}}
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)


def values(data: Path, index: str) -> pd.Series:
    return compute_year(YEAR, data).table(f"{index}_kabkota").set_index("kabkota_code")["value"]


@pytest.fixture(scope="module")
def reference(sample_dir) -> dict[str, pd.Series]:
    return {index: values(Path(sample_dir), index) for index in ("ikotan", "ikp")}


@pytest.mark.parametrize("shape", ["xlsx", "kobo", "indonesian", "spss"])
def test_every_shape_computes_the_long_form_numbers(sample_dir, tmp_path, reference, shape):
    folder = new_year(tmp_path, sample_dir, shape)
    weights = {}
    for index in ("ikotan", "ikp"):
        frame, variable = wide(sample_dir, index)
        if shape == "xlsx":
            xlsx(frame, folder / f"{index}_survey.xlsx")
        elif shape == "kobo":
            kobo(frame, variable, folder / f"{index}_survey.csv")
        elif shape == "indonesian":
            indonesian(frame, folder / f"{index}_survey.csv")
            weights[index] = frame
        else:
            spss(frame, index, folder / f"{index}_survey.sav")
    results = compute_year(YEAR, folder.parent)
    assert not results.warnings, [str(w) for w in results.warnings]
    for index in ("ikotan", "ikp"):
        got = results.table(f"{index}_kabkota").set_index("kabkota_code")["value"]
        expected = reference[index]
        if shape == "indonesian":  # the weights given change the values: recompute the long form with them
            expected = weighted_reference(sample_dir, tmp_path, index)
        pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_exact=False, rtol=1e-12)


def weighted_reference(sample_dir: str, tmp_path: Path, index: str) -> pd.Series:
    """The long-form sample with the weights the Indonesian-locale file carries (1.5 every third row)."""
    folder = tmp_path / f"weighted-{index}" / str(YEAR)
    folder.mkdir(parents=True)
    source = Path(sample_dir) / str(YEAR)
    people = pd.read_parquet(source / f"{index}_respondents_{LABEL}.parquet")
    people["weight"] = np.where(np.arange(len(people)) % 3 == 0, 1.5, 1.0)
    people.to_parquet(folder / f"{index}_respondents.parquet")
    shutil.copy(source / f"{index}_answers_{LABEL}.parquet", folder / f"{index}_answers.parquet")
    return values(folder.parent, index)
