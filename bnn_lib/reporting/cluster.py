"""Render a batch's reports on the workers of a Dask cluster (``Batch.scheduler``).

The workers need the suite installed, the same report code as here (checked on connecting), and
nothing else: no disk is shared with this machine.

1. This process connects to the scheduler and sends the inputs once to every worker, as bytes:
   the parquet tables and ``specs.json`` of the report year and of the years before it (the
   trend sections read them) and the notebooks.
2. Each report is one task, rendered on a worker in a fresh process of its own
   (:mod:`.cluster_worker`). The HTML and the executed notebook travel back.
3. This process writes them atomically where the local batch would, as they come back.

The rules are the local batch's, applied by the same scheduling loop (:mod:`.schedule`): a
report that raises is "failed" and its executed notebook is kept; a report process that dies is
retried once; one past ``Batch.timeout`` is killed on its worker and recorded as "timeout"; the
others go on. (A worker process that dies is first rescheduled by the scheduler itself, then
retried once more by the loop.) The loop keeps as many reports running as the workers have
threads, so that a report's time is spent on a worker, not waiting for one. A scheduler that
cannot be reached, has no worker, or whose workers run other report code is one
:class:`ClusterError`, raised before anything is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bnn_lib.reporting.cluster_worker import Inputs, Reply, kill_report, render_remote
from bnn_lib.reporting.jobs import Batch, Job, Status, report_code, results_folders
from bnn_lib.reporting.rendering import error_text
from bnn_lib.reporting.schedule import STALL_GRACE, Ended
from bnn_lib.workspace import suite_version
from bnn_lib.writing import write_atomic

if TYPE_CHECKING:
    from distributed import Client, Future


class ClusterError(RuntimeError):
    """The Dask cluster cannot be used: no distributed package, scheduler unreachable within the
    connect timeout, no worker, or workers without this suite's report code."""


class Workers:
    """A :class:`.schedule.Runner`: each job one task on the cluster of ``client``, as many at once
    as its workers have threads; what comes back is written here."""

    def __init__(self, client: Client, batch: Batch, todo: list[Job]) -> None:
        self.client = client
        self.year = batch.year
        # A worker kills a report process past this only if the batch cannot: when it is gone.
        self.backstop = batch.timeout + STALL_GRACE
        self.slots = max(1, sum(client.nthreads().values()))
        self.names = {notebook: f"notebooks/{i}/{Path(notebook).name}" for i, notebook in enumerate(_notebooks(todo))}
        [self.inputs] = client.scatter([pack(batch, self.names)], broadcast=True, hash=False)
        self.running: dict[str, tuple[Job, Future]] = {}

    def submit(self, job: Job, attempt: int) -> None:
        """Send ``job`` to the cluster as a task of its own."""
        remote = replace(job, notebook=self.names[job.notebook])
        task = f"laporan-{self.year}-{job.key}-{attempt}-{uuid.uuid4().hex[:8]}"
        future = self.client.submit(render_remote, remote, self.inputs, task, self.backstop, key=task, pure=False)
        self.running[job.key] = (job, future)

    def ended(self) -> list[Ended]:
        """The tasks that came back since the last call, their page and executed notebook written."""
        done = []
        for key, (job, future) in list(self.running.items()):
            if future.done():
                del self.running[key]
                done.append(_deliver(job, _reply(future)))
        return done

    def stop(self, key: str) -> bool:
        """Kill the report process of ``key`` on its worker and cancel its task (so that one not
        started yet never starts); whether a worker had it running."""
        future = self.running[key][1]
        killed = self.client.run(kill_report, future.key, on_error="ignore")  # a worker gone says nothing
        future.cancel()
        return any(killed.values())


@contextmanager
def workers(batch: Batch, todo: list[Job]) -> Iterator[Workers]:
    """The runner of ``batch`` on the cluster of ``batch.scheduler``, with the inputs of ``todo``
    sent to every worker; disconnected when the block ends.

    Raises ClusterError when the cluster cannot be used (then nothing has been sent)."""
    client = connect(str(batch.scheduler), batch.connect_timeout)
    try:
        yield Workers(client, batch, todo)
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
        raise ClusterError("laporan di klaster memerlukan dask.distributed: pip install 'bnn-suite[cluster]'") from None

    async def reachable() -> None:
        comm = await open_comm(address, timeout=timeout)
        await comm.close()

    # Probed first: a Client that fails to connect is left half-made and stalls when collected.
    try:
        asyncio.run(reachable())
    except (OSError, ValueError, TypeError) as exc:
        raise ClusterError(f"penjadwal Dask di {address!r} tidak dapat dihubungi: {exc}") from None
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
        raise ClusterError(f"penjadwal Dask di {address} tidak punya pekerja (ditunggu {timeout:g} detik)") from None
    try:
        found = client.run(worker_fingerprint)
    except Exception as exc:
        raise ClusterError(
            f"pekerja tidak dapat menjalankan kode laporan ({error_text(exc)}): pasang bnn_lib pada setiap pekerja"
        ) from None
    mine = code_fingerprint()
    other = sorted(worker for worker, fingerprint in found.items() if fingerprint != mine)
    if other:
        raise ClusterError(
            f"{len(other)} pekerja menjalankan kode laporan yang berbeda dari mesin ini (bnn_lib "
            f"{suite_version()}): {', '.join(other)}; pasang versi yang sama di semua mesin lalu mulai ulang pekerja"
        )


def code_fingerprint() -> str:
    """SHA-256 of the bnn_lib version and the report code on disk, as the input hash sees it."""
    digest = hashlib.sha256(suite_version().encode())
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


def _reply(future: Future) -> Reply:
    """The worker's reply, or what became of a task that did not return one."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return Reply(Status.DIED, f"proses pekerja berhenti ({exc})", None, None)
    except Exception as exc:  # e.g. a worker without the suite, or a task cancelled (stopped, or by a restart)
        return Reply(Status.FAILED, error_text(exc), None, None)


def _deliver(job: Job, reply: Reply) -> Ended:
    """Write what came back (the page only if ok; the executed notebook always) and say how it went."""
    if reply.executed is not None:
        write_atomic(Path(job.executed), reply.executed)
    if reply.status is Status.OK:
        write_atomic(Path(job.html), reply.html)
    return Ended(job.key, reply.status, reply.error)
