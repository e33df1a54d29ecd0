"""Control characters in file names and cells never reach the terminal raw: `bnn validate` of a
file whose name and one cell hold a screen-clearing escape and a carriage return prints them as
escapes, and its workbook holds them as text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from bnn_lib import cli
from bnn_lib.terminal import safe

ROOT = Path(__file__).resolve().parents[1]

LABEL = "synthetic"
CLEAR, RETURN = "\x1b[2J", "\r"


def raw_controls(text: str) -> list[str]:
    """The control characters of ``text`` other than the newline (Unicode category Cc, and the
    direction overrides), as their code points."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c != "\n" and (unicodedata.category(c) == "Cc" or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069")
    ]


def test_safe_writes_each_control_as_its_escape():
    text = "a\x1b[31mb\rc\td\x7fe\x9bf\u202eg\nh Kab. Ñ ≥ 50,01"
    assert safe(text) == "a\\x1b[31mb\\x0dc\\x09d\\x7fe\\x9bf\\u202eg\nh Kab. Ñ ≥ 50,01"
    assert raw_controls(safe(text)) == []


def test_validate_prints_a_hostile_file_name_and_cell_escaped(sample_dir, tmp_path):
    data = Path(shutil.copytree(sample_dir, tmp_path / "data"))
    year = data / "2024"
    kawasan = pd.read_csv(year / f"kawasan_assessments_{LABEL}.csv", dtype=str)
    kawasan.loc[4, "phase"] = f"{CLEAR}sesudah{RETURN}"  # the 5th row: a parquet file has no header row
    (year / f"kawasan_assessments_{LABEL}.csv").unlink()
    name = f"kawasan_assessments_{CLEAR}{RETURN}bnnp.parquet"  # parquet keeps any text whole
    kawasan.to_parquet(year / name, index=False)
    out = tmp_path / "validasi"
    run = subprocess.run(
        [sys.executable, "-m", "bnn_lib.cli", "validate", "--year", "2024", "--data", str(data), "--out", str(out)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    printed = (run.stdout + run.stderr).decode("utf-8")
    assert run.returncode == 1, printed  # the bad phase blocks; no fault of the suite
    assert raw_controls(printed) == []
    shown = "2024/kawasan_assessments_\\x1b[2J\\x0dbnnp.parquet"
    assert f"  - {shown}: baris 5, kolom 'phase': harus salah satu dari" in printed
    assert "(nilai '\\x1b[2Jsesudah\\r')" in printed  # the value as Python writes a string
    rows = CalamineWorkbook.from_path(str(out / "validasi-2024.xlsx")).get_sheet_by_name("Masalah").to_python()
    # In a cell the escape sequence is text; a line break (the \r, read back as \n) may stand.
    assert [r[1].replace("\n", "\r") for r in rows[1:]] == [f"2024/kawasan_assessments_\\x1b[2J{RETURN}bnnp.parquet"]
    assert rows[1][5].replace("\n", "\r") == f"\\x1b[2Jsesudah{RETURN}"


def test_an_unrecognised_argument_is_quoted_escaped(capsys):
    assert cli.main(["validate", f"{CLEAR}x{RETURN}", "--year", "2024"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: \\x1b[2Jx\\x0d" in err and raw_controls(err) == []
