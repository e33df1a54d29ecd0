"""A Dask cluster on this machine, to try the cluster path of the report batch (the tests and
``benchmarks/bench_cluster.py`` use it): a scheduler and workers started as subprocesses with
Dask's own commands, listening on 127.0.0.1 only.

It lives with the tests, not in the library: no user of ``bnn reports`` starts a cluster through
the suite. The benchmark reaches it by putting this folder on its import path.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bnn_lib.reporting.cluster import ClusterError, connect


@dataclass(frozen=True)
class LocalCluster:
    """A scheduler and workers that :func:`local_cluster` started on this machine."""

    address: str
    folder: Path  # their logs; the workers' working directory and scratch space
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


@contextmanager
def local_cluster(n_workers: int, folder: Path, threads: int = 1, timeout: float = 120.0) -> Iterator[LocalCluster]:
    """A Dask scheduler and ``n_workers`` worker processes listening on 127.0.0.1 only, started as
    subprocesses with Dask's own commands, to try the cluster path on one machine (the tests and
    the benchmarks use it). ``folder`` holds their logs and is their working directory. They are
    stopped, with their children, when the block ends. Raises ClusterError if they do not start
    within ``timeout`` seconds. POSIX only (process groups), as are the workers themselves, which
    fork each report."""
    folder.mkdir(parents=True, exist_ok=True)
    address_file = folder / "scheduler.json"
    address_file.unlink(missing_ok=True)
    started: list[subprocess.Popen] = []
    try:
        started.append(
            _start("scheduler", ["--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(address_file)], folder)
        )
        address = _wait_for_address(address_file, started[0], timeout)
        for i in range(n_workers):
            options = [address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", str(threads)]
            started.append(_start("worker", [*options, "--local-directory", str(folder / f"worker-{i}")], folder, i))
        if n_workers:
            _wait_for_workers(address, n_workers, timeout)
        yield LocalCluster(address, folder, started[0], started[1:])
    finally:
        for process in reversed(started):
            _stop(process)


def _start(role: str, options: list[str], folder: Path, number: int | None = None) -> subprocess.Popen:
    """``dask <role> <options>`` without dashboard, logging to ``folder``, in a session of its own
    (so that stopping it also stops the worker processes it starts)."""
    name = role if number is None else f"{role}-{number}"
    command = [sys.executable, "-m", f"distributed.cli.dask_{role}", *options, "--no-dashboard"]
    with (folder / f"{name}.log").open("w") as log:
        return subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_address(address_file: Path, scheduler: subprocess.Popen, timeout: float) -> str:
    """The scheduler's address, from the file it writes once it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and scheduler.poll() is None:
        if address_file.exists():
            try:
                return json.loads(address_file.read_text(encoding="utf-8"))["address"]
            except (ValueError, KeyError):  # being written
                pass
        time.sleep(0.1)
    raise ClusterError(f"the Dask scheduler did not start; see {address_file.with_name('scheduler.log')}")


def _wait_for_workers(address: str, n_workers: int, timeout: float) -> None:
    """Return once ``n_workers`` workers have joined the scheduler at ``address``."""
    client = connect(address, timeout)
    try:
        client.wait_for_workers(n_workers, timeout=timeout)
    except TimeoutError:
        raise ClusterError(f"fewer than {n_workers} Dask workers started; see the worker logs") from None
    finally:
        client.close()


def _stop(process: subprocess.Popen) -> None:
    """Stop ``process`` and everything in its session: politely, then by force."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # what of its session is still there
    process.wait()
