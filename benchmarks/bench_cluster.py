"""The report batch here (forked children) beside the same batch on a Dask cluster, and memory.

Both run on this machine: the local batch with one child per core, the cluster as a scheduler and
two one-thread workers started as subprocesses (``local_cluster`` of ``tests/dask_harness.py``), so the comparison
shows the cluster's own cost per report (sending inputs and pages, a worker's task overhead),
not extra cores. Then at least --memory-reports reports (default 500: the 39 of a year rendered
into as many output folders as needed) go through the cluster while a sampler reads the resident
memory (RSS) of this process, of each worker and of the report processes, to see whether it
stays flat from report 50 to the last. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bnn_lib import cli
from bnn_lib.reporting import batch
from bnn_lib.workspace import workspace

ROOT = Path(__file__).resolve().parents[1]
# The local cluster is test tooling, not library code: it lives with the tests.
sys.path.insert(0, str(ROOT / "tests"))
from dask_harness import LocalCluster, local_cluster  # noqa: E402 (found on the path just set)

SAMPLE_DIR = workspace().data  # the repository's workspace: its sample data
REPORTS_DIR = workspace().reports

MB = 1024 * 1024


@dataclass
class Sample:
    """Resident memory (bytes) at one moment, and how many reports were done by then."""

    done: int
    parent: int
    worker: int  # the largest worker process (0 for the local batch)
    report: int  # the largest report process


@dataclass
class Sampler:
    """Reads RSS every ``every`` seconds in a thread until stopped."""

    workers: Callable[[], list[psutil.Process]]
    reports: Callable[[], list[psutil.Process]]
    done: Callable[[], int]
    every: float = 0.25
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.every):
            self.samples.append(
                Sample(self.done(), me.memory_info().rss, _largest(self.workers()), _largest(self.reports()))
            )

    def at(self, done: int) -> Sample:
        """The first sample taken once ``done`` reports were done (the last one if never)."""
        return next((s for s in self.samples if s.done >= done), self.samples[-1])


def _largest(processes: list[psutil.Process]) -> int:
    sizes = [0]
    for process in processes:
        with suppress(psutil.NoSuchProcess):  # a report process that just ended
            sizes.append(process.memory_info().rss)
    return max(sizes)


def worker_processes(running: LocalCluster) -> list[psutil.Process]:
    """The Dask worker processes (each ``dask worker`` command runs its worker as a child)."""
    return [child for popen in running.workers for child in psutil.Process(popen.pid).children()]


def report_processes(workers: list[psutil.Process]) -> list[psutil.Process]:
    """The report processes forked by ``workers``."""
    found = []
    for worker in workers:
        with suppress(psutil.NoSuchProcess):
            found += worker.children()
    return found


def folders_with_results(root: Path, n: int, year: int) -> list[Path]:
    """``n`` output folders, each with a copy of the results of ``year`` and the years before it."""
    folders = []
    for i in range(n):
        out = root / f"out-{i}"
        for source in REPORTS_DIR.glob("*/results"):
            if source.parent.name.isdigit() and int(source.parent.name) <= year:
                shutil.copytree(source, out / source.parent.name / "results")
        folders.append(out)
    return folders


def pages(folders: list[Path], year: int) -> int:
    """Reports rendered so far in ``folders``."""
    return sum(len(list((f / str(year)).glob("*.html"))) - (f / str(year) / "index.html").exists() for f in folders)


def timed_batch(out: Path, year: int, scheduler: str | None = None) -> tuple[float, list[batch.Outcome]]:
    """Seconds to render every report of ``year`` into ``out`` (here, or on ``scheduler``)."""
    start = time.perf_counter()
    outcomes = batch.run(batch.Batch(year=year, out=out, force=True, progress=False, scheduler=scheduler))
    seconds = time.perf_counter() - start
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes if o.status != "ok"]
    return seconds, outcomes


def line(label: str, seconds: float, outcomes: list[batch.Outcome]) -> str:
    n = len(outcomes)
    render = statistics.mean(o.seconds for o in outcomes)
    return f"  {label:<36} {seconds:6.1f} s  {n / seconds:5.2f} reports/s  (a report's own time: {render:.2f} s)"


def compare(tmp: Path, year: int, n_workers: int) -> None:
    """(a) the local batch beside the cluster, on the same cores."""
    local_out, dask_out = folders_with_results(tmp / "compare", 2, year)
    me = psutil.Process()
    with Sampler(lambda: [], me.children, lambda: pages([local_out], year)) as local_memory:
        local_seconds, local = timed_batch(local_out, year)
    start = time.perf_counter()
    with local_cluster(n_workers, tmp / "dask-compare") as running:
        up = time.perf_counter() - start
        cold_seconds, cold = timed_batch(dask_out, year, running.address)
        warm_seconds, warm = timed_batch(dask_out, year, running.address)
    cores, n = psutil.cpu_count(), len(local)
    render = statistics.mean(o.seconds for o in local)
    # Extra core-seconds per report, with as many workers as the local batch has children.
    overhead = (warm_seconds - local_seconds) * cores / n
    print(f"report batch, {year}: {n} reports on this machine ({cores} cores)")
    print(line("local, forked children:", local_seconds, local))
    print(f"  local Dask cluster started ({n_workers} one-thread workers): {up:.1f} s")
    print(line("Dask, first batch (cold workers):", cold_seconds, cold))
    print(line("Dask, second batch (warm workers):", warm_seconds, warm))
    print(
        f"  local batch peak RSS: this process {max(s.parent for s in local_memory.samples) / MB:.0f} MB, "
        f"largest report process {max(s.report for s in local_memory.samples) / MB:.0f} MB"
    )
    print(
        f"  the cluster's own cost: {overhead:+.2f} s of a core per report against {render:.2f} s to render one, "
        f"plus {cold_seconds - warm_seconds:.0f} s to warm fresh workers, once per worker"
    )
    # With C worker cores the cluster renders C / (render + overhead) reports a second; this
    # machine renders cores / render. The cluster pays off when the first is the larger.
    needed = cores * (render + max(overhead, 0.0)) / render
    print(
        f"  -> the cluster pays off once its workers have more than {needed:.1f} cores in all (this machine: {cores}) "
        f"and the batch is long enough to repay the warm-up; on this machine alone it does not."
    )


def memory(tmp: Path, year: int, n_workers: int, at_least: int) -> None:
    """(b) resident memory over a long batch on the cluster: peaks, and report 50 against the last."""
    per_batch = len(batch.plan(batch.Batch(year=year)))
    folders = folders_with_results(tmp / "memory", math.ceil(at_least / per_batch), year)
    with local_cluster(n_workers, tmp / "dask-memory") as running:
        workers = worker_processes(running)
        start = time.perf_counter()
        with Sampler(lambda: workers, lambda: report_processes(workers), lambda: pages(folders, year)) as sampled:
            for out in folders:
                timed_batch(out, year, running.address)
        seconds = time.perf_counter() - start
    samples = sampled.samples
    total = per_batch * len(folders)
    print(f"memory, {total} reports on the Dask cluster ({len(folders)} batches of {per_batch}): {seconds:.0f} s")
    print(
        f"  peak RSS: this process {max(s.parent for s in samples) / MB:.0f} MB, "
        f"largest worker {max(s.worker for s in samples) / MB:.0f} MB, "
        f"largest report process {max(s.report for s in samples) / MB:.0f} MB (shared pages included)"
    )
    early, last = sampled.at(50), samples[-1]
    for label, before, after in (
        ("this process", early.parent, last.parent),
        ("largest worker", early.worker, last.worker),
    ):
        growth = (after - before) / MB
        verdict = "flat" if abs(growth) < max(20.0, 0.05 * before / MB) else "GREW"
        print(
            f"  {label}: {before / MB:.0f} MB at report {early.done}, {after / MB:.0f} MB at report {last.done}: "
            f"{growth:+.0f} MB, {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (one thread each)")
    parser.add_argument("--memory-reports", type=int, default=500, help="reports in the memory run (0: skip it)")
    args = parser.parse_args()
    if not (REPORTS_DIR / str(args.year) / "results").is_dir():
        years = [str(y) for y in range(args.year - 1, args.year + 1) if (SAMPLE_DIR / str(y)).is_dir()]
        cli.main(["compute", "--year", *years, "--data", str(SAMPLE_DIR)])
    with tempfile.TemporaryDirectory() as tmp:
        compare(Path(tmp), args.year, args.workers)
        if args.memory_reports:
            memory(Path(tmp), args.year, args.workers, args.memory_reports)


if __name__ == "__main__":
    main()
