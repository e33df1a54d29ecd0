"""What runs on a Dask worker for :mod:`.cluster`: render one report from the inputs sent to it.

A worker writes the results to its scratch space and loads them once per batch; each report's
notebook and outputs go to a temporary folder, and the report is rendered by the local batch's
report process (:func:`.rendering.report_process`, ``results_dir`` pointing at the worker's copy)
in a ``fork`` of the worker, which inherits the loaded results as the local batch's children do:
no state passes from one report to the next, and a report that hangs can be killed
(:func:`kill_report`) without losing the worker. The HTML and the executed notebook travel back.

Workers must have ``os.fork`` (Linux). The report process is forked from the worker's task
thread; the worker's other threads are not copied, and the child touches nothing of theirs: it
renders into its own folder, sends one message and leaves with ``os._exit``.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

from bnn_lib.reporting import data as report_data
from bnn_lib.reporting import engine
from bnn_lib.reporting.jobs import Job, Status
from bnn_lib.reporting.rendering import report_process


@dataclass(frozen=True)
class Inputs:
    """The files a worker needs, by path relative to a folder of its own."""

    results: dict[str, bytes]  # <year>/results/<file>: what data.load reads
    notebooks: dict[str, bytes]
    digest: str  # of the results: a worker loads them once per batch


@dataclass(frozen=True)
class Reply:
    """What a worker sends back for one report."""

    status: Status  # OK, FAILED, or DIED (the report process died without a word, or was killed)
    error: str
    html: str | None  # the page, when ok
    executed: str | None  # the executed notebook (JSON), when the notebook ran


# The results of one batch, loaded in this worker process once and inherited by every report it
# forks, as in the local batch: the digest of the inputs they came from, and their folder.
_loaded: dict[str, Path] = {}
# Held from loading the results to the fork, so that a task of another batch on another thread
# of the worker cannot swap them in between.
_lock = threading.Lock()
# The report processes running on this worker, by the task that forked them: what kill_report
# looks for.
_children: dict[str, int] = {}


def render_remote(job: Job, inputs: Inputs, task: str, backstop: float) -> Reply:
    """Run on a worker as task ``task``: render ``job`` (its notebook one of ``inputs.notebooks``)
    from ``inputs`` in a forked child; the page and executed notebook back.

    The batch stops a report past its timeout (:func:`kill_report`). ``backstop`` seconds (longer)
    bound the child still, for a batch process that died and can stop nothing: its report must
    not hold this worker's thread forever."""
    _warm_worker()
    with tempfile.TemporaryDirectory(prefix="bnn-laporan-") as tmp:
        with _lock:
            results = _results_folder(inputs, job.parameters["year"])
            local = _materialize(job, inputs, results, Path(tmp))
            pid, receiver = _fork(local)
            _children[task] = pid
        try:
            status, error = _wait(pid, receiver, backstop)
        finally:
            del _children[task]
        executed = Path(local.executed)
        return Reply(
            status=status,
            error=error,
            html=Path(local.html).read_text(encoding="utf-8") if status is Status.OK else None,
            executed=executed.read_text(encoding="utf-8") if executed.exists() else None,
        )


def kill_report(task: str) -> bool:
    """Kill the report process of ``task`` if it runs on this worker (sent by ``Client.run``, it
    runs beside the task's thread); whether it did."""
    pid = _children.get(task)
    if pid is None:
        return False
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # ended meanwhile
        return False
    return True


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
        report_process(job, sender, worker)  # never returns; dies with the worker
    sender.close()
    return pid, receiver


def _wait(pid: int, receiver: Connection, backstop: float) -> tuple[Status, str]:
    """(status, error text) of the child ``pid``, once it answered or died; killed after
    ``backstop`` seconds (then it died without a word)."""
    try:
        if not receiver.poll(backstop):
            os.kill(pid, signal.SIGKILL)
        ok, error = receiver.recv()
        return (Status.OK if ok else Status.FAILED), error
    except EOFError:  # the child died without a word, or was killed
        return Status.DIED, f"worker died (exit code {_exit_code(pid)})"
    finally:
        receiver.close()
        _exit_code(pid)


def _exit_code(pid: int) -> int | None:
    """Reap the child ``pid`` and return its exit code (None if already reaped)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None
