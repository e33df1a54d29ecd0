"""The report batch's other ways to run: spawned children (Windows, macOS) and a Dask cluster.

Both must give the pages of the forked path (the default on Linux) apart from the time they were
built, with the same manifest rules. The cluster is real: a scheduler and two workers started
with Dask's own commands, working in a temporary folder of their own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from dask_harness import local_cluster

from bnn_lib.reporting import batch, cluster, jobs
from bnn_lib.reporting.fmt import angka

KEYS = ["11", "nasional"]
PAGES = ["provinsi-11.html", "nasional.html", "index.html"]
# When a page was built, or results computed, as a page writes it: "8 Desember 2026 pukul 01.13 UTC".
BUILT = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} pukul \d\d\.\d\d UTC")

# Appended to both notebooks: each report process notes who it is, beside the results it read.
WHO_AM_I = """import os, sys, pathlib
with open(pathlib.Path(results_dir) / "processes.txt", "a") as f:
    f.write(f"{os.getpid()} {'_pytest' in sys.modules}\\n")"""


def with_cell(notebook: Path, source: str, path: Path) -> Path:
    """``notebook`` with one more code cell at the end, saved as ``path``."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return path


def results_copy(reports_dir: Path, out: Path) -> Path:
    """An output folder holding a copy of the 2023 and 2024 results (what the reports read)."""
    for year in ("2023", "2024"):
        shutil.copytree(reports_dir / year / "results", out / year / "results")
    return out


REGIONAL = ("nasional", "provinsi")


def settings(out: Path, keys: list[str], **changes) -> batch.Batch:
    # The province and national reports only: what these tests check is the same for every level.
    return batch.Batch(year=2024, out=out, provinces=keys, progress=False, jobs=2, **{"levels": REGIONAL, **changes})


def without_build_times(page: str) -> str:
    return BUILT.sub("<time>", page)


def tables(page: str) -> list[str]:
    return re.findall(r"<table.*?</table>", page, flags=re.S)


def manifest(out: Path) -> dict:
    return json.loads((out / "2024" / "manifest.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    return {r["key"]: r["status"] for r in manifest(out)["reports"]}


def processes(out: Path) -> list[tuple[int, bool]]:
    """(pid, whether pytest was loaded) of each report process that ran on this machine."""
    lines = (out / "processes.txt").read_text().split()
    return [(int(pid), flag == "True") for pid, flag in zip(lines[::2], lines[1::2], strict=True)]


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("notebooks")
    return (
        with_cell(jobs.PROVINCE_NOTEBOOK, WHO_AM_I, folder / "provinsi.ipynb"),
        with_cell(jobs.NATIONAL_NOTEBOOK, WHO_AM_I, folder / "nasional.ipynb"),
    )


def render(reports_dir: Path, out: Path, notebooks: tuple[Path, Path], **changes) -> Path:
    """Render KEYS with ``notebooks`` into ``out`` (a fresh copy of the results); all must be ok."""
    results_copy(reports_dir, out)
    province, national = notebooks
    run = settings(out, KEYS, province_notebook=province, national_notebook=national, **changes)
    outcomes = batch.run(run)
    assert [o.status for o in outcomes] == ["ok", "ok"], [o.error for o in outcomes]
    return out


@pytest.fixture(scope="module")
def forked(reports_dir, notebooks, tmp_path_factory) -> Path:
    return render(reports_dir, tmp_path_factory.mktemp("forked"), notebooks, start_method="fork")


@pytest.fixture(scope="module")
def spawned(reports_dir, notebooks, tmp_path_factory) -> Path:
    return render(reports_dir, tmp_path_factory.mktemp("spawned"), notebooks, start_method="spawn")


def assert_same_pages(out: Path, reference: Path) -> None:
    """The pages of ``out`` are those of ``reference`` but for their build times; so are the tables."""
    for name in PAGES:
        page = (out / "2024" / name).read_text()
        expected = (reference / "2024" / name).read_text()
        assert without_build_times(page) == without_build_times(expected), name
        assert tables(page) and tables(page) == tables(expected), name
        if name != "index.html":  # the index says nothing of when it was built
            assert BUILT.search(page), name  # the times the comparison leaves out are there


# -- spawn ---------------------------------------------------------------------------------------


def test_spawned_reports_equal_forked_ones(forked, spawned, reports_dir):
    assert_same_pages(spawned, forked)
    assert statuses(spawned) == statuses(forked) == {"11": "ok", "nasional": "ok"}
    assert (manifest(forked)["runner"], manifest(spawned)["runner"]) == ("fork", "spawn")
    # The numbers are the saved ones, not merely the same twice.
    ikotan = pd.read_parquet(reports_dir / "2024" / "results" / "ikotan_regions.parquet").set_index("region_code")
    aceh = (spawned / "2024" / "provinsi-11.html").read_text()
    assert f"IKOTAN Aceh tahun 2024 sebesar <b>{angka(ikotan.loc['11', 'value'], 2)}</b>" in aceh


def test_each_report_runs_in_a_fresh_process_of_its_own(forked, spawned):
    for out, inherited in ((forked, True), (spawned, False)):
        seen = processes(out)
        pids = [pid for pid, _ in seen]
        assert len(seen) == len(KEYS) and len(set(pids)) == len(KEYS) and os.getpid() not in pids
        # A forked child inherits this process's modules; a spawned one starts with nothing.
        assert [flag for _, flag in seen] == [inherited] * len(KEYS)


def test_an_unknown_start_method_is_refused_before_anything_is_written(reports_dir, tmp_path):
    out = results_copy(reports_dir, tmp_path / "reports")
    with pytest.raises(ValueError, match="choose one of auto, fork, spawn"):
        batch.run(settings(out, ["11"], start_method="forkserver"))
    assert not (out / "2024" / "manifest.json").exists()


# -- Dask ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and two one-thread workers on 127.0.0.1, working in a folder of their own."""
    with local_cluster(2, tmp_path_factory.mktemp("dask")) as running:
        yield running


def test_importing_the_batch_does_not_import_dask():
    code = "import sys, bnn_lib.reporting.batch; print('distributed' in sys.modules, 'dask' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_cluster_reports_equal_local_ones(forked, notebooks, dask_cluster, reports_dir, tmp_path):
    out = render(reports_dir, tmp_path / "reports", notebooks, scheduler=dask_cluster.address)
    assert_same_pages(out, forked)
    assert statuses(out) == statuses(forked)
    assert manifest(out)["runner"] == f"dask {dask_cluster.address}"
    assert not (out / "processes.txt").exists()  # the workers read their own copy, not this folder
    executed = nbformat.read(out / "2024" / "notebooks" / "provinsi-11.ipynb", as_version=4)
    [parameters] = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    worker_folder = re.search(r'results_dir = "([^"]+)"', parameters.source).group(1)
    assert not Path(worker_folder).is_absolute()  # the worker's copy, named without its machine's folders
    # A rerun finds every report up to date and does not even ask the cluster.
    province, national = notebooks
    rerun = settings(out, KEYS, scheduler="tcp://127.0.0.1:1", province_notebook=province, national_notebook=national)
    again = batch.run(rerun)
    assert [o.status for o in again] == ["skipped", "skipped"]
    assert manifest(out)["runner"] == "dask tcp://127.0.0.1:1"  # this run's, though it rendered nothing


def test_on_a_cluster_a_province_report_links_its_kabkota_reports(dask_cluster, reports_dir, tmp_path):
    # The workers read their own copy of the results, where no report is: the batch tells the
    # province report which of its kab/kota reports stand.
    out = results_copy(reports_dir, tmp_path / "reports")
    ikotan = pd.read_parquet(out / "2024" / "results" / "ikotan_kabkota.parquet")
    aceh = {f"kabkota/kabkota-{c}.html" for c in ikotan[ikotan["province_code"] == "11"]["kabkota_code"]}
    run = settings(out, ["11"], levels=("provinsi", "kabkota"), scheduler=dask_cluster.address)
    assert {o.status for o in batch.run(run)} == {"ok"}
    page = (out / "2024" / "provinsi-11.html").read_text()
    assert set(re.findall(r'href="(kabkota/[^"]+\.html)"', page)) == aceh
    assert all((out / "2024" / link).is_file() for link in aceh)


def test_cluster_workers_serve_one_year_after_another(dask_cluster, reports_dir, tmp_path):
    # A worker keeps the results of a batch loaded for the next report; a batch of other results
    # (here another year) must get its own.
    out = results_copy(reports_dir, tmp_path / "reports")
    aceh = {
        year: pd.read_parquet(out / str(year) / "results" / "ikotan_regions.parquet").set_index("region_code").loc["11"]
        for year in (2023, 2024)
    }
    assert aceh[2023]["n_success"] != aceh[2024]["n_success"]  # the pages can tell the years apart
    for year in (2023, 2024, 2023):
        run = batch.Batch(
            year=year,
            out=out,
            provinces=["11"],
            levels=REGIONAL,
            progress=False,
            scheduler=dask_cluster.address,
            force=True,
        )
        assert [o.status for o in batch.run(run)] == ["ok"]
        page = (out / str(year) / "provinsi-11.html").read_text()
        row = aceh[year]
        assert f"<b>{int(row['n_success'])}</b> dari {int(row['n_measured'])} kab/kota" in page


def test_cluster_batch_goes_on_past_a_failing_province(dask_cluster, reports_dir, tmp_path):
    out = results_copy(reports_dir, tmp_path / "reports")
    notebook = with_cell(
        jobs.PROVINCE_NOTEBOOK, 'if code == "12":\n    raise RuntimeError("uji kegagalan")', tmp_path / "uji.ipynb"
    )
    run = settings(out, ["11", "12"], province_notebook=notebook, scheduler=dask_cluster.address)
    outcomes = {o.key: o for o in batch.run(run)}
    assert outcomes["12"].status == "failed" and "RuntimeError: uji kegagalan" in outcomes["12"].error
    assert outcomes["11"].status == "ok" and outcomes["11"].input_hash and not outcomes["12"].input_hash
    assert statuses(out) == {"11": "ok", "12": "failed"}
    assert (out / "2024" / "provinsi-11.html").exists() and not (out / "2024" / "provinsi-12.html").exists()
    kept = nbformat.read(out / "2024" / "notebooks" / "provinsi-12.ipynb", as_version=4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [e.evalue for e in errors] == ["uji kegagalan"]
    assert "gagal" in (out / "2024" / "index.html").read_text()


def test_cluster_retries_a_dead_report_once_and_stops_a_hung_one(dask_cluster, reports_dir, tmp_path):
    out = results_copy(reports_dir, tmp_path / "reports")
    marker = tmp_path / "died-once"
    source = (
        f"import os, pathlib, time\np = pathlib.Path({str(marker)!r})\n"
        'if code == "11" and not p.exists():\n    p.touch()\n    os._exit(3)\n'
        'if code == "12":\n    time.sleep(120)'
    )
    notebook = with_cell(jobs.PROVINCE_NOTEBOOK, source, tmp_path / "uji.ipynb")
    run = settings(out, ["11", "12"], province_notebook=notebook, scheduler=dask_cluster.address, timeout=15)
    start = time.perf_counter()
    outcomes = {o.key: o for o in batch.run(run)}
    assert (outcomes["11"].status, outcomes["11"].attempts) == ("ok", 2)
    assert outcomes["12"].status == "timeout" and "tidak ada hasil setelah 15 detik" in outcomes["12"].error
    assert time.perf_counter() - start < 60
    # The worker that ran the hung report is free again.
    again = batch.run(settings(out, ["12"], scheduler=dask_cluster.address, force=True))
    assert [o.status for o in again] == ["ok"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (None, "penjadwal Dask di 'tcp://127.0.0.1:"),  # nobody listens there
        ("scheduler.example", "penjadwal Dask di 'scheduler.example' tidak dapat dihubungi: missing port number"),
    ],
)
def test_a_bad_scheduler_address_is_one_clear_error(address, message, reports_dir, tmp_path):
    out = results_copy(reports_dir, tmp_path / "reports")
    run = settings(out, ["11"], scheduler=address or f"tcp://127.0.0.1:{free_port()}", connect_timeout=2)
    start = time.perf_counter()
    with pytest.raises(cluster.ClusterError, match=re.escape(message)):
        batch.run(run)
    assert time.perf_counter() - start < 10
    assert not (out / "2024" / "manifest.json").exists()


def test_a_scheduler_without_workers_is_one_clear_error(tmp_path):
    with local_cluster(0, tmp_path / "dask") as lonely:
        start = time.perf_counter()
        with pytest.raises(cluster.ClusterError, match="tidak punya pekerja"):
            cluster.connect(lonely.address, timeout=2)
        assert time.perf_counter() - start < 10


class StaleCluster:
    """A client's answers from a cluster where one worker started before the report code changed."""

    def wait_for_workers(self, n: int, timeout: float) -> None:
        pass

    def run(self, function):
        assert function is cluster.worker_fingerprint  # what the check asks each worker
        return {"tcp://127.0.0.1:40001": cluster.code_fingerprint(), "tcp://127.0.0.1:40002": "0" * 64}


def test_workers_running_other_report_code_are_refused():
    with pytest.raises(
        cluster.ClusterError,
        match=r"^1 pekerja menjalankan kode laporan yang berbeda .*: tcp://127.0.0.1:40002; pasang",
    ):
        cluster._check_workers(StaleCluster(), "tcp://127.0.0.1:8786", 1)
