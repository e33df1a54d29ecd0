"""Render a batch's reports on the workers of a Dask cluster (``Batch.scheduler``).

The workers need the suite installed, the same report code as here (checked on connecting), and
nothing else: no disk is shared with this machine.

1. This process connects to the scheduler and sends the inputs once to every worker, as bytes:
   the parquet tables and ``specs.json`` of the report year and of the years before it (the
   trend sections read them) and the notebooks.
2. Each report is one task. A worker writes the results to its scratch space and loads them
   once per batch; each report's notebook and outputs go to a temporary folder, and the report
   is rendered with the local batch's code (:func:`.batch.render`, ``results_dir`` pointing at
   the worker's copy) in a ``fork`` of the worker, which inherits the loaded results as the
   local batch's children do: no state passes from one report to the next, and a report that
   hangs can be killed without losing the worker. The HTML and the executed notebook travel
   back.
3. This process writes them atomically where the local batch would, as they come back.

The rules are the local batch's: a report that raises is "failed" and its executed notebook is
kept; a report process that dies is retried once; one past ``Batch.timeout`` is killed on its
worker and recorded as "timeout"; the others go on. (A worker process that dies is first
rescheduled by the scheduler itself, then retried once more here.) If nothing at all comes back
for ``timeout`` plus a minute, the workers are gone: what is left is recorded as "timeout"
rather than waited for. A scheduler that cannot be reached, has no worker, or whose workers run
other report code is one :class:`ClusterError`, raised before anything is sent.

Workers must have ``os.fork`` (Linux). The report process is forked from the worker's task
thread; the worker's other threads are not copied, and the child touches nothing of theirs: it
renders into its own folder, sends one message and leaves with ``os._exit``.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from bnn_lib.reporting import data as report_data
from bnn_lib.reporting import engine
from bnn_lib.reporting.batch import Batch, Job, Outcome, _child, error_text, outcome, report_code, results_folders
from bnn_lib.writing import write_atomic

if TYPE_CHECKING:
    from distributed import Client, Future

STALL_GRACE = 60.0  # seconds past the report timeout without any result before giving up
POLL = 0.05  # seconds between looks at the running tasks


class ClusterError(RuntimeError):
    """The Dask cluster cannot be used: no distributed package, scheduler unreachable within the
    connect timeout, no worker, or workers without this suite's report code."""


@dataclass(frozen=True)
class Inputs:
    """The files a worker needs, by path relative to a folder of its own."""

    results: dict[str, bytes]  # <year>/results/<file>: what data.load reads
    notebooks: dict[str, bytes]
    digest: str  # of the results: a worker loads them once per batch


@dataclass(frozen=True)
class Reply:
    """What a worker sends back for one report."""

    status: str  # ok, failed, timeout, died
    seconds: float
    error: str
    html: str | None  # the page, when ok
    executed: str | None  # the executed notebook (JSON), when the notebook ran


# -- on this machine ---------------------------------------------------------------------------


def run_jobs(todo: list[Job], batch: Batch, hashes: dict[str, str], bar: tqdm) -> list[Outcome]:
    """Render ``todo`` on the workers of ``batch.scheduler``; write each report as it comes back.

    Raises ClusterError when the cluster cannot be used (then nothing has been written).
    """
    client = connect(str(batch.scheduler), batch.connect_timeout)
    try:
        names = {notebook: f"notebooks/{i}/{Path(notebook).name}" for i, notebook in enumerate(_notebooks(todo))}
        [inputs] = client.scatter([pack(batch, names)], broadcast=True, hash=False)

        def submit(job: Job, attempt: int) -> Future:
            remote = replace(job, notebook=names[job.notebook])
            key = f"laporan-{batch.year}-{job.key}-{attempt}-{uuid.uuid4().hex[:8]}"
            return client.submit(render_remote, remote, inputs, batch.timeout, key=key, pure=False)

        return _collect(todo, submit, batch.timeout + STALL_GRACE, hashes, bar)
    finally:
        client.close()


def connect(address: str, timeout: float) -> Client:
    """A client of the scheduler at ``address`` that has a worker running this report code.

    Raises ClusterError within about ``timeout`` seconds (twice that if the scheduler answers
    but no worker joins) instead of waiting for a cluster that is not there.
    """
    try:
        from distributed import Client
        from distributed.comm import connect as open_comm
    except ImportError:
        raise ClusterError("rendering on a cluster needs dask.distributed: pip install 'bnn-lib[cluster]'") from None

    async def reachable() -> None:
        comm = await open_comm(address, timeout=timeout)
        await comm.close()

    # Probed first: a Client that fails to connect is left half-made and stalls when collected.
    try:
        asyncio.run(reachable())
    except (OSError, ValueError, TypeError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from None
    client = Client(address, timeout=timeout, set_as_default=False)
    try:
        _check_workers(client, address, timeout)
    except BaseException:
        client.close()
        raise
    return client


def _check_workers(client: Client, address: str, timeout: float) -> None:
    """Raise ClusterError unless a worker has joined and every worker runs this report code."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ClusterError(f"the Dask scheduler at {address} has no worker (waited {timeout:g} s)") from None
    try:
        found = client.run(worker_fingerprint)
    except Exception as exc:
        raise ClusterError(
            f"the workers cannot run the report code ({error_text(exc)}): install bnn_lib on each"
        ) from None
    mine = code_fingerprint()
    other = sorted(worker for worker, fingerprint in found.items() if fingerprint != mine)
    if other:
        raise ClusterError(
            f"{len(other)} worker(s) run other report code than this machine (bnn_lib {version('bnn-lib')}): "
            f"{', '.join(other)}; install the same version everywhere and restart the workers"
        )


def code_fingerprint() -> str:
    """SHA-256 of the bnn_lib version and the report code on disk, as the input hash sees it."""
    digest = hashlib.sha256(version("bnn-lib").encode())
    for path in report_code():
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def worker_fingerprint() -> str:
    """The code fingerprint of this worker, taken once: the first time a batch connects, before
    any report. A worker left running while the suite is upgraded under it goes on running the
    code it started with, so that is what it must report."""
    return code_fingerprint()


def _notebooks(jobs: list[Job]) -> list[str]:
    """The distinct notebooks of ``jobs``, in order of first use."""
    return list(dict.fromkeys(job.notebook for job in jobs))


def pack(batch: Batch, names: dict[str, str]) -> Inputs:
    """The results a report of ``batch.year`` reads (parquet tables and specs.json of that year
    and the years before it) and the notebooks, named as ``names`` maps them."""
    results = {
        f"{folder.parent.name}/results/{path.name}": path.read_bytes()
        for folder in results_folders(batch)
        for path in [*sorted(folder.glob("*.parquet")), folder / "specs.json"]
    }
    digest = hashlib.sha256()
    for name, data in results.items():
        digest.update(name.encode() + b"\0" + data)
    notebooks = {name: Path(notebook).read_bytes() for notebook, name in names.items()}
    return Inputs(results, notebooks, digest.hexdigest())


def _collect(
    todo: list[Job], submit: Callable[[Job, int], Future], stall: float, hashes: dict[str, str], bar: tqdm
) -> list[Outcome]:
    """Submit every job, then gather the replies as they come: retry a death once, give up on
    what is left if nothing comes back for ``stall`` seconds."""
    pending = {submit(job, 1): (job, 1) for job in todo}
    done: list[Outcome] = []
    last = time.monotonic()
    while pending:
        finished = [future for future in pending if future.done()]
        if not finished and time.monotonic() - last > stall:
            for future, (job, attempt) in pending.items():
                future.cancel()
                error = f"timeout: nothing came back from the cluster for {stall:.0f} s"
                done.append(outcome(job, "timeout", 0.0, attempt, error, hashes))
                bar.update(1)
            break
        for future in finished:
            last = time.monotonic()
            job, attempt = pending.pop(future)
            reply = _reply(future)
            if reply.status == "died" and attempt == 1:
                pending[submit(job, 2)] = (job, 2)
                continue
            done.append(_deliver(job, reply, attempt, hashes))
            bar.update(1)
        time.sleep(POLL)
    return done


def _reply(future: Future) -> Reply:
    """The worker's reply, or what became of a task that did not return one."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return Reply("died", 0.0, f"worker died ({exc})", None, None)
    except Exception as exc:  # e.g. a worker without the suite, or a task cancelled by a restart
        return Reply("failed", 0.0, error_text(exc), None, None)


def _deliver(job: Job, reply: Reply, attempt: int, hashes: dict[str, str]) -> Outcome:
    """Write what came back (the page only if ok; the executed notebook always) and say how it went."""
    if reply.executed is not None:
        write_atomic(Path(job.executed), reply.executed)
    if reply.status == "ok":
        write_atomic(Path(job.html), reply.html)
    status, error = reply.status, reply.error
    if status == "died":
        status, error = "failed", f"{error}, also on retry"
    return outcome(job, status, reply.seconds, attempt, error, hashes)


# -- on a worker -------------------------------------------------------------------------------

# The results of one batch, loaded in this worker process once and inherited by every report it
# forks, as in the local batch: the digest of the inputs they came from, and their folder.
_loaded: dict[str, Path] = {}
# Held from loading the results to the fork, so that a task of another batch on another thread
# of the worker cannot swap them in between.
_lock = threading.Lock()


def render_remote(job: Job, inputs: Inputs, timeout: float) -> Reply:
    """Run on a worker: render ``job`` (its notebook one of ``inputs.notebooks``) from ``inputs``
    in a forked child killed after ``timeout`` seconds; the page and executed notebook back."""
    _warm_worker()
    with tempfile.TemporaryDirectory(prefix="bnn-laporan-") as tmp:
        with _lock:
            results = _results_folder(inputs, job.parameters["year"])
            local = _materialize(job, inputs, results, Path(tmp))
            start = time.perf_counter()
            pid, receiver = _fork(local)
        status, error = _wait(pid, receiver, timeout)
        seconds = time.perf_counter() - start
        executed = Path(local.executed)
        return Reply(
            status=status,
            seconds=seconds,
            error=error,
            html=Path(local.html).read_text(encoding="utf-8") if status == "ok" else None,
            executed=executed.read_text(encoding="utf-8") if executed.exists() else None,
        )


@cache
def _warm_worker() -> None:
    """Once per worker process: the imports and first-use work every report would repeat (the
    forked children inherit them), as the local batch's warm_up does."""
    engine.register()
    engine.prepare()
    gc.freeze()


def _results_folder(inputs: Inputs, year: int) -> Path:
    """The folder of ``inputs.results`` in the worker's scratch space, with the results of
    ``year`` loaded in this process. Written and loaded once per batch; the previous batch's
    folder and loaded results are dropped then (a worker serves one batch after another)."""
    from distributed import get_worker

    folder = _loaded.get(inputs.digest)
    if folder is None:
        for old in _loaded.values():
            shutil.rmtree(old, ignore_errors=True)
        _loaded.clear()
        gc.unfreeze()  # let the previous results go
        report_data.load.cache_clear()
        folder = Path(tempfile.mkdtemp(prefix="bnn-hasil-", dir=get_worker().local_directory))
        _write(inputs.results, folder)
        report_data.load(year, str(folder))
        gc.freeze()  # as warm_up does: the children's collector leaves the inherited pages alone
        _loaded[inputs.digest] = folder
    return folder


def _materialize(job: Job, inputs: Inputs, results: Path, folder: Path) -> Job:
    """The job as it runs here: its notebook written under ``folder``, its outputs there too, and
    its ``results_dir`` the worker's copy of the results."""
    _write({job.notebook: inputs.notebooks[job.notebook]}, folder)
    return replace(
        job,
        notebook=str(folder / job.notebook),
        parameters={**job.parameters, "results_dir": str(results)},
        html=str(folder / "out" / "report.html"),
        executed=str(folder / "out" / "report.ipynb"),
    )


def _write(files: dict[str, bytes], folder: Path) -> None:
    """Write ``files`` (relative path: bytes) under ``folder``."""
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _fork(job: Job) -> tuple[int, Connection]:
    """Fork a child of this worker that renders ``job``; its pid and the end it answers on.

    ``os.fork`` rather than multiprocessing: a Dask worker is a daemonic process, which
    multiprocessing forbids to have children. Raises OSError where there is no fork.
    """
    if not hasattr(os, "fork"):
        raise OSError(f"a worker on {sys.platform} cannot fork: run the cluster's workers on Linux")
    receiver, sender = mp.Pipe(duplex=False)
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:
        receiver.close()
        _child(job, sender, worker)  # never returns; dies with the worker
    sender.close()
    return pid, receiver


def _wait(pid: int, receiver: Connection, timeout: float) -> tuple[str, str]:
    """(status, error text) of the child ``pid``; killed if it has not answered in ``timeout`` s."""
    try:
        if not receiver.poll(timeout):
            os.kill(pid, signal.SIGKILL)
            return "timeout", f"timeout: no result after {timeout:.0f} s"
        ok, error = receiver.recv()
        return ("ok" if ok else "failed"), error
    except EOFError:  # the child died without a word
        return "died", f"worker died (exit code {_exit_code(pid)})"
    finally:
        receiver.close()
        _exit_code(pid)


def _exit_code(pid: int) -> int | None:
    """Reap the child ``pid`` and return its exit code (None if already reaped)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None
