"""No work lost, no traceback, outputs safe to share: the command line against bad situations.

Each test sets up earlier results, runs a command that must not harm them, and checks the bytes
on disk, the exit code and the one message a user sees.
"""

from __future__ import annotations

import csv
import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bnn_lib import cli
from bnn_lib.build import plan_years
from bnn_lib.results import Results
from bnn_lib.spec import load_spec
from bnn_lib.staging import HOST
from bnn_lib.writing import write_atomic

FAST = ["--replicates", "0", "--samples", "0"]


def compute(data: Path | str, out: Path, *years: int, extra: tuple[str, ...] = ()) -> int:
    return cli.main(["compute", "--year", *map(str, years), "--data", str(data), "--out", str(out), *FAST, *extra])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (hidden staging folders included)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(sample_dir, tmp_path) -> Path:
    """A copy of the sample data that a test may damage."""
    return Path(shutil.copytree(sample_dir, tmp_path / "data"))


@pytest.fixture
def my_spec(tmp_path, ikotan_spec) -> Path:
    """A researcher's copy of the IKOTAN spec: geometric aggregation, its own id and version."""
    path = tmp_path / "ikotan-saya.toml"
    text = Path(ikotan_spec.path).read_text(encoding="utf-8")
    text = text.replace('method = "arithmetic"', 'method = "geometric"').replace(
        'id = "ikotan-juknis-2021"', 'id = "ikotan-saya"'
    )
    path.write_text(text, encoding="utf-8")
    return path


# -- no work lost --------------------------------------------------------------------------------


def test_reports_render_custom_results_without_recomputing(data, tmp_path, my_spec, capsys):
    out = tmp_path / "reports"
    # Every year of the sample: a report brings the years before it up to date (for the trend).
    assert compute(data, out, 2020, 2021, 2022, 2023, 2024, extra=("--spec", f"ikotan={my_spec}")) == 0
    before = snapshot(out / "2024" / "results")
    capsys.readouterr()
    where = ["--data", str(data), "--out", str(out), "--province", "11", "--level", "provinsi", "--no-progress"]
    assert cli.main(["reports", "--year", "2024", *where]) == 0
    printed = capsys.readouterr().out
    assert "2024: tetap: sudah mutakhir" in printed and "menghitung" not in printed
    assert snapshot(out / "2024" / "results") == before
    html = (out / "2024" / "provinsi-11.html").read_text(encoding="utf-8")
    assert "ikotan-saya" in html  # the report states the spec its numbers came from


def test_reports_refuse_a_spec_unlike_the_saved_one_and_touch_nothing(data, tmp_path, my_spec, capsys):
    out = tmp_path / "reports"
    assert compute(data, out, 2024, extra=("--spec", f"ikotan={my_spec}")) == 0
    before = snapshot(out)
    code = cli.main(
        ["reports", "--year", "2024", "--data", str(data), "--out", str(out), "--spec", "ikotan=ikotan-juknis-2021"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "saved ikotan-saya" in err and "asked ikotan-juknis-2021" in err and "Traceback" not in err
    assert snapshot(out) == before


def test_changed_input_is_recomputed_with_the_saved_spec(data, tmp_path, my_spec, capsys):
    out = tmp_path / "reports"
    assert compute(data, out, 2024, extra=("--spec", f"ikotan={my_spec}")) == 0
    targets = data / "2024" / "targets_synthetic.csv"
    frame = pd.read_csv(targets, dtype={"region_code": str})
    frame.loc[0, "target"] = frame.loc[0, "target"] + 1  # a corrected target
    frame.to_csv(targets, index=False)
    plans = plan_years([2024], data, out)
    assert plans[0].reason == "input berubah: 2024/targets_synthetic.csv"
    assert plans[0].specs["ikotan"].id == "ikotan-saya"
    assert plan_years([2024], data, out, {"ikp": "ikp-placeholder-2024"})[0].specs["ikotan"].id == "ikotan-saya"


def test_an_edited_spec_file_makes_its_results_out_of_date(data, tmp_path, my_spec):
    out = tmp_path / "reports"
    assert compute(data, out, 2024, extra=("--spec", f"ikotan={my_spec}")) == 0
    assert plan_years([2024], data, out)[0].reason == ""
    my_spec.write_text(my_spec.read_text().replace('method = "geometric"', 'method = "arithmetic"'))
    assert plan_years([2024], data, out)[0].reason == f"berkas spesifikasi {my_spec} berubah"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "Atlantis"], "Atlantis"),
        (["--year", "2031"], "folder input tidak ada"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(data, tmp_path, capsys, args, message):
    out = tmp_path / "reports"
    assert compute(data, out, 2024) == 0
    (data / "2024" / "targets_synthetic.csv").write_text("measure,region_code,year,target\n")  # would recompute
    before = snapshot(out)
    capsys.readouterr()
    argv = ["reports", "--year", "2024", "--data", str(data), "--out", str(out), "--no-progress", *args]
    if "--year" in args:
        argv = argv[:1] + argv[3:]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert snapshot(out) == before


def test_an_output_path_that_is_a_file_is_refused(data, tmp_path, capsys):
    out = tmp_path / "reports.txt"
    out.write_text("not a folder")
    assert compute(data, out, 2024) == 1
    assert f"--out: {out} adalah berkas, bukan folder" in capsys.readouterr().err
    assert out.read_text() == "not a folder"


def test_one_refused_year_keeps_its_results_and_the_others_are_updated(data, tmp_path, capsys):
    out = tmp_path / "reports"
    assert compute(data, out, 2023, 2024) == 0
    old_2023, old_2024 = snapshot(out / "2023" / "results"), snapshot(out / "2024" / "results")
    (data / "2024" / "targets_synthetic.csv").write_text("measure,region_code,year,target\nikotan,00,2024,-1\n")
    capsys.readouterr()
    assert compute(data, out, 2023, 2024) == 1
    captured = capsys.readouterr()
    assert "2023: diperbarui" in captured.out
    assert "2024: ditolak: input ditolak (" in captured.err and "targets_synthetic.csv: baris 2" in captured.err
    assert "hasil sebelumnya dipertahankan" in captured.err
    assert "1 diperbarui, 1 ditolak" in captured.out
    assert snapshot(out / "2024" / "results") == old_2024
    assert json.loads((out / "2023" / "results" / "specs.json").read_text())["computed_at"] and (
        snapshot(out / "2023" / "results") != old_2023  # rewritten (its computed_at changed at least)
    )


def test_a_disk_that_fills_up_mid_write_loses_nothing(data, tmp_path, capsys, monkeypatch):
    out = tmp_path / "reports"
    assert compute(data, out, 2024) == 0
    before = snapshot(out)
    written = []

    def full_disk(frame, path, *args, **kwargs):
        written.append(path)
        if len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return original(frame, path, *args, **kwargs)

    original = pd.DataFrame.to_parquet
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    capsys.readouterr()
    assert compute(data, out, 2024, extra=("--replicates", "40")) == 1  # other settings: recomputed
    err = capsys.readouterr().err
    assert "ruang disk habis (disk penuh" in err and "Traceback" not in err
    assert snapshot(out) == before  # the old results, and no staging folder left behind


def test_an_interrupted_file_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "laporan.html"
    target.write_text("the good report")

    def half_then_full(self, text, *args, **kwargs):
        with Path(self).open("w", encoding="utf-8") as fh:
            fh.write(text[:5])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_full)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "a new report that does not fit")
    monkeypatch.undo()
    assert target.read_text() == "the good report"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.html"]


# -- no traceback ----------------------------------------------------------------------------------


def test_a_fault_of_the_suite_is_one_line_and_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    def broken(out):
        raise KeyError("kabkota_code")

    monkeypatch.setattr(cli, "write_sample", broken)
    assert cli.main(["sample", "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "kesalahan internal: KeyError: 'kabkota_code'" in err and "bnn --debug" in err and "Traceback" not in err
    assert cli.main(["--debug", "sample", "--out", str(tmp_path)]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "bukan teks UTF-8"),
        ("id = [\n", "bukan TOML yang sah"),
        ("a = " + "[" * 5000 + "]" * 5000, "bersarang terlalu dalam"),
        ("x = 1\n" * 300_000, "jauh lebih besar daripada spesifikasi"),
        ("\n".join(f"extra_{i} = {i}" for i in range(500)), "… and"),
    ],
    ids=["binary", "not-toml", "deep", "huge", "many-errors"],
)
def test_a_bad_spec_file_is_one_short_message(tmp_path, capsys, content, message):
    spec = write(tmp_path / "spec.toml", content)
    assert cli.main(["specs", str(spec)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.splitlines()) <= 15  # the first problems, not 500 lines


def test_a_spec_of_another_index_is_refused(sample_dir, tmp_path, capsys):
    ikp = load_spec("ikp-placeholder-2024").path
    assert compute(sample_dir, tmp_path / "out", 2024, extra=("--spec", f"ikotan={ikp}")) == 1
    err = capsys.readouterr().err
    assert "a spec of IKP (survey) cannot compute ikotan" in err
    assert not (tmp_path / "out").exists()


def test_windows_console_never_fails_on_indonesian_text():
    text = "IKOTAN ≥ 50,01 – 75 ± 2"
    code = f"from bnn_lib.terminal import safe_console; safe_console(); print({text!r})"
    for encoding in ("cp1252", "cp437", "ascii"):
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, env={"PYTHONIOENCODING": encoding, "PATH": ""}
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        # What the code page can show is shown; the rest becomes "?" (cp1252 has – but not ≥).
        assert run.stdout.decode(encoding).strip() == text.encode(encoding, "replace").decode(encoding)


# -- safe to share ---------------------------------------------------------------------------------


def test_result_csv_never_runs_a_formula(tmp_path):
    hostile = ['=HYPERLINK("http://x","klik")', "+62 811", "-2+3", "@SUM(A1)", "\t=1", "Kab. Aceh Besar"]
    table = pd.DataFrame({"kawasan_id": hostile, "value": [-1.5, 2.0, -3.0, 0.0, 1.0, 4.25]})
    Results(2024, {"t": table}, {}).save(tmp_path / "results")
    with (tmp_path / "results" / "t.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # OWASP: a cell that begins with = + - @ tab or CR is written behind a single quote.
    assert [r["kawasan_id"] for r in rows] == ["'" + h for h in hostile[:5]] + ["Kab. Aceh Besar"]
    assert [float(r["value"]) for r in rows] == [-1.5, 2.0, -3.0, 0.0, 1.0, 4.25]  # numbers stay numbers
    assert pd.read_parquet(tmp_path / "results" / "t.parquet")["kawasan_id"].tolist() == hostile


def test_public_export_blanks_small_cells_and_leaves_out_row_level_tables(data, tmp_path, capsys):
    out = tmp_path / "reports"
    respondents = pd.read_parquet(data / "2024" / "ikotan_respondents_synthetic.parquet")
    answers = pd.read_parquet(data / "2024" / "ikotan_answers_synthetic.parquet")
    # Keep 4 respondents of Kab. Simeulue (11.09): fewer than 5, a small cell.
    few = respondents[respondents["kabkota_code"] == "11.09"]["respondent_id"].iloc[4:]
    respondents[~respondents["respondent_id"].isin(few)].to_parquet(
        data / "2024" / "ikotan_respondents_synthetic.parquet"
    )
    answers[~answers["respondent_id"].isin(few)].to_parquet(data / "2024" / "ikotan_answers_synthetic.parquet")
    assert compute(data, out, 2024) == 0
    kabkota = pd.read_parquet(out / "2024" / "results" / "ikotan_kabkota.parquet").set_index("kabkota_code")
    assert kabkota.loc["11.09", "n_respondents"] == 4 and kabkota.loc["11.09", "small_cell"]
    assert not kabkota.drop(index="11.09")["small_cell"].any()
    assert cli.main(["export", "--year", "2024", "--out", str(out), "--public"]) == 0
    public = out / "2024" / "results-publik"
    assert not list(public.glob("*_bootstrap.*"))
    shown = pd.read_csv(public / "ikotan_kabkota.csv", dtype={"kabkota_code": str}).set_index("kabkota_code")
    assert pd.isna(shown.loc["11.09", "value_100"]) and pd.isna(shown.loc["11.09", "n_respondents"])
    assert shown.loc["11.09", "kabkota"] == "Kab. Simeulue"
    # One more kab/kota of Aceh goes with it: Aceh's mean less the others would give Simeulue.
    partner = shown.drop(index="11.09").index[shown.drop(index="11.09")["value_100"].isna()]
    assert len(partner) == 1 and partner[0].startswith("11.")
    regions = pd.read_csv(public / "ikotan_regions.csv", dtype={"region_code": str}).set_index("region_code")
    assert regions.loc[["11", "00"], "value"].notna().all()
    variables = pd.read_parquet(public / "ikotan_variables.parquet")
    assert variables.loc[variables["kabkota_code"] == "11.09", "score"].isna().all()
    assert variables.loc[~variables["kabkota_code"].isin(["11.09", *partner]), "score"].notna().all()
    meta = json.loads((public / "specs.json").read_text())
    assert "inputs" not in meta and "warnings" not in meta and meta["public"]["min_cell"]["ikotan"] == 5
    assert pd.isna(shown.loc["11.09", "band"])  # a blanked cell does not publish its category either
    assert meta["specs"]["ikotan"]["path"] == "ikotan-dayamas-2022.toml"  # no folder of this machine


def test_data_warnings_reach_the_reports_methodology_note_as_counts():
    from bnn_lib.reporting.data import ReportData
    from bnn_lib.reporting.sections.appendix import _data_warnings

    warnings = [
        "2024/ikotan_answers.csv: kab/kota 11.09 (Kab. Simeulue): semua jawaban 'tidak tahu'",
        "2024/ikotan_answers.csv: kab/kota 31.71 (Kota Adm. Jakarta Selatan): semua jawaban 'tidak tahu'",
        "2024/catatan.docx: berkas tidak dipakai",
    ]
    data = ReportData(2024, None, {}, {"warnings": warnings})
    aceh = _data_warnings(data, "11")
    assert "1 hal perlu diperiksa" in aceh and "Simeulue (1)" in aceh and "Jakarta" not in aceh
    national = _data_warnings(data, None)
    assert "3 hal perlu diperiksa" in national and "Simeulue (1)" in national and "Jakarta Pusat (1)" in national
    assert "1 hal tidak menyangkut kab/kota tertentu" in national
    # The report is shared: no input file is named, no input row quoted.
    for text in (aceh, national):
        assert "ikotan_answers.csv" not in text and "catatan.docx" not in text and "tidak tahu" not in text
    assert _data_warnings(data, "12") == ""  # Sumatera Utara: nothing of its own to say


def test_years_computed_in_spawned_processes_equal_forked_ones(sample_dir):
    """Windows can only spawn: a spawned worker must load everything itself and agree."""
    from bnn_lib.analyses import Analyses
    from bnn_lib.pipeline import compute_years

    settings = Analyses(replicates=0, samples=0)
    forked, _ = compute_years([2023, 2024], sample_dir, None, settings, start_method="fork")
    spawned, errors = compute_years([2023, 2024], sample_dir, None, settings, start_method="spawn")
    assert not errors
    for year in (2023, 2024):
        assert sorted(spawned[year].tables) == sorted(forked[year].tables)
        for name, table in forked[year].tables.items():
            pd.testing.assert_frame_equal(spawned[year].tables[name], table, obj=f"{year} {name}")


def test_an_unreachable_cluster_is_refused_before_anything_is_computed(data, tmp_path, capsys):
    out = tmp_path / "reports"
    assert compute(data, out, 2024) == 0
    (data / "2024" / "targets_synthetic.csv").write_text("measure,region_code,year,target\n")  # would recompute
    before = snapshot(out)
    capsys.readouterr()
    where = ["--data", str(data), "--out", str(out), "--no-progress", "--dask-scheduler", "tcp://127.0.0.1:9"]
    assert cli.main(["reports", "--year", "2024", *where]) == 1
    err = capsys.readouterr().err
    assert (
        "--dask-scheduler: penjadwal Dask di 'tcp://127.0.0.1:9' tidak dapat dihubungi" in err
        and "Traceback" not in err
    )
    assert snapshot(out) == before


def test_export_never_replaces_a_folder_it_did_not_write(data, tmp_path, capsys):
    out = tmp_path / "reports"
    assert compute(data, out, 2024) == 0
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "surat.docx").write_text("penting")
    results = out / "2024" / "results"
    before = snapshot(results)
    for target in (documents, results, out / "2024"):
        capsys.readouterr()
        assert cli.main(["export", "--year", "2024", "--out", str(out), "--public", "--to", str(target)]) == 1
        err = capsys.readouterr().err
        assert "--to:" in err and ("not an earlier export" in err or "overlaps the results" in err)
    assert (documents / "surat.docx").read_text() == "penting" and snapshot(results) == before
    copy = tmp_path / "publik"
    for _ in range(2):  # an earlier export is replaced by the next one
        assert cli.main(["export", "--year", "2024", "--out", str(out), "--public", "--to", str(copy)]) == 0


def test_a_folder_swap_that_fails_halfway_puts_the_old_results_back(tmp_path, monkeypatch):
    from bnn_lib.writing import atomic_folder

    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "t.csv").write_text("old")
    original = Path.replace

    def refuse_new(self, target):
        if Path(self).name.startswith(".results.staging-"):
            raise PermissionError(13, "file in use", str(target))
        return original(self, target)

    monkeypatch.setattr(Path, "replace", refuse_new)
    with pytest.raises(PermissionError), atomic_folder(folder) as staging:
        (staging / "t.csv").write_text("new")
    monkeypatch.undo()
    assert (folder / "t.csv").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["results"]
    # A run that died between the two renames left the old folder aside and none in place:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folder.replace(tmp_path / f".results.old-{HOST}-{int(dead.stdout)}-0123abcd")
    with atomic_folder(folder) as staging:
        assert (folder / "t.csv").read_text() == "old"  # put back before anything else
        (staging / "t.csv").write_text("new")
    assert (folder / "t.csv").read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["results"]


def test_a_year_is_out_of_date_when_the_year_before_changed(data, tmp_path):
    out = tmp_path / "reports"
    assert compute(data, out, 2023, 2024) == 0
    assert plan_years([2024], data, out)[0].reason == ""
    assert compute(data, out, 2023) == 0  # 2024's change tables rest on the 2023 it was computed with
    assert plan_years([2024], data, out)[0].reason == "hasil 2023 dihitung ulang sejak itu"
    assert compute(data, out, 2024) == 0
    targets = data / "2023" / "targets_synthetic.csv"
    targets.write_text(targets.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert plan_years([2024], data, out)[0].reason == "input berubah: 2023/targets_synthetic.csv"


def test_public_export_blanks_a_small_kabkota_in_the_kpi_table_too():
    from bnn_lib.publish import suppress

    kabkota = pd.DataFrame({"kabkota_code": ["11.01", "11.02"], "value": [3.1, 3.3], "n_respondents": [3, 50]})
    kpi = pd.DataFrame(
        {
            "region_code": ["11.01", "11.01", "11.02", "11"],
            "measure": ["ikotan", "penggiat_formed", "ikotan", "ikotan"],
            "realisasi": [3.1, 40.0, 3.3, 3.2],
        }
    )
    public, _ = suppress({"ikotan_kabkota": kabkota, "kpi": kpi}, 5)
    # 11.01's IKOTAN rests on 3 respondents: hidden, and so is 11.02's, since Aceh's value (the
    # mean of the two) less 11.02's would give it; its outputs and Aceh's are not small figures.
    assert public["kpi"]["realisasi"].isna().tolist() == [True, False, True, False]
    assert public["ikotan_kabkota"]["value"].isna().tolist() == [True, True]
