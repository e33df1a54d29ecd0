"""`bnn validate` with names at the platform's limits: an input file name of 255 bytes (its
per-file list, whose name is longer, is shortened with a hash), an input folder near the path
limit, and an output folder too deep for what it must hold (one message naming it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from bnn_lib import cli

LABEL = "synthetic"
NAME_MAX = 255  # bytes, Linux and macOS
HIDDEN = (".staging-", ".tmp-", ".old-", "-new-")


def named(stem: str, total: int, suffix: str = ".csv") -> str:
    """``stem`` padded with "é" (two bytes each in UTF-8) and "x" to ``total`` bytes with ``suffix``."""
    room = total - len(stem.encode()) - len(suffix.encode())
    return stem + "é" * (room // 4) + "x" * (room - 2 * (room // 4)) + suffix


def masalah(out: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(out / "validasi-2024.xlsx")).get_sheet_by_name("Masalah").to_python()[1:]


def test_files_named_with_255_bytes_get_lists_of_their_own(sample_dir, tmp_path, capsys):
    data = Path(shutil.copytree(sample_dir, tmp_path / "data"))
    targets = pd.read_csv(data / "2024" / f"targets_{LABEL}.csv", dtype=str)
    (data / "2024" / f"targets_{LABEL}.csv").unlink()
    # Two offices' files whose names differ only past byte 240, each with a target off its scale.
    names = [named("targets_bnnp-", NAME_MAX, suffix=f"{n}.csv") for n in ("1", "2")]
    assert [len(n.encode()) for n in names] == [NAME_MAX, NAME_MAX]
    for name in names:
        targets.assign(target=["5000", *targets["target"][1:]]).to_csv(data / "2024" / name, index=False)
    out = tmp_path / "validasi"
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "kesalahan:" not in captured.err and "Traceback" not in captured.err
    assert {row[1] for row in masalah(out)} == {f"2024/{name}" for name in names}
    lists = sorted(p.name for p in (out / "per-berkas-2024").iterdir())
    assert len(lists) == 2  # one each: the shortened names do not collide
    for name in lists:
        assert len(name.encode()) <= NAME_MAX and name.endswith(".xlsx") and name.startswith("targets_bnnp-éé")
    for path in (out / "per-berkas-2024").iterdir():  # each list holds its own file's problem
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Masalah").to_python()[1:]
        assert len({row[1] for row in rows}) == 1


def path_max(folder: Path) -> int:
    return os.pathconf(folder, "PC_PATH_MAX") if hasattr(os, "pathconf") else 260


def deep(base: Path, length: int) -> Path:
    """A folder under ``base`` whose path is ``length`` bytes long (components of 200)."""
    path = base
    while len(os.fsencode(path)) + 201 < length:
        path = path / ("d" * 200)
    path = path / ("e" * (length - len(os.fsencode(path)) - 1))
    path.mkdir(parents=True)
    return path


@pytest.mark.skipif(not hasattr(os, "pathconf"), reason="a path limit read with pathconf")
def test_an_input_folder_near_the_path_limit_is_read(sample_dir, tmp_path):
    longest = max(len(p.name) for p in (Path(sample_dir) / "2024").iterdir())
    # The longest input file's path ends a few bytes short of the limit.
    data = deep(tmp_path, path_max(tmp_path) - len("/2024/") - longest - 4)
    shutil.copytree(Path(sample_dir) / "2024", data / "2024")
    assert max(len(os.fsencode(p)) for p in (data / "2024").iterdir()) == path_max(tmp_path) - 4
    out = tmp_path / "validasi"
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 0
    summary = CalamineWorkbook.from_path(str(out / "validasi-2024.xlsx")).get_sheet_by_name("Ringkasan").to_python()
    assert sorted(row[0] for row in summary[1:]) == sorted(f"2024/{p.name}" for p in (data / "2024").iterdir())


@pytest.mark.skipif(not hasattr(os, "pathconf"), reason="a path limit read with pathconf")
def test_an_output_folder_too_deep_is_one_message_naming_it(sample_dir, tmp_path, capsys):
    out = deep(tmp_path, path_max(tmp_path) - 24)  # room for "validasi-2024.xlsx", not for the rest
    assert cli.main(["validate", "--year", "2024", "--data", sample_dir, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kesalahan: {out}/") and "Traceback" not in err
    assert not any(mark in err for mark in HIDDEN)
    assert not any(p.name.startswith(".") for p in out.iterdir())
