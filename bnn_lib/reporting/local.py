"""Render reports on this machine, each in a fresh process of its own.

How it is fast while each report still runs in a fresh process of its own:

1. This (parent) process imports pandas, matplotlib, seaborn, nbconvert and papermill once and
   loads the year's saved results into memory (:func:`warm_up`).
2. Each report is a ``fork`` of that warm parent: the child starts in milliseconds with nothing
   to import or read, runs :func:`.rendering.report_process` and exits. No state passes from one
   province to the next: every child forks from the same clean parent.
3. Up to ``jobs`` children run at once (default: the number of cores); a new child is forked as
   soon as one finishes.

Where ``fork`` is missing (Windows) or unsafe (macOS), ``start_method`` "auto" uses ``spawn``
instead: still one fresh process per report, but each child imports the suite and reads the
results itself, so it starts in seconds, not milliseconds. Both are one :class:`Processes`
runner of the scheduling loop (:mod:`.schedule`), which retries and times them out.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from bnn_lib.pipeline import start_method_for
from bnn_lib.reporting import data as report_data
from bnn_lib.reporting import engine
from bnn_lib.reporting.jobs import Batch, Job, Status
from bnn_lib.reporting.rendering import report_process
from bnn_lib.reporting.schedule import Ended


def warm_up(batch: Batch) -> None:
    """Import and load, once, everything the children need (they inherit it by fork)."""
    engine.register()
    engine.prepare()
    report_data.load(batch.year, str(batch.out))
    # Objects made so far are never collected: a child's garbage collector then leaves the
    # inherited pages alone instead of copying them.
    gc.freeze()


class Processes:
    """A :class:`.schedule.Runner`: one child process per job, started with ``method`` ("fork" or
    "spawn"), ``slots`` at once."""

    def __init__(self, method: str, slots: int) -> None:
        self.context = mp.get_context(method)
        self.slots = slots
        self.running: dict[str, tuple[BaseProcess, Connection]] = {}

    def submit(self, job: Job, attempt: int) -> None:
        """Start a child rendering ``job`` (any attempt: each is a fresh process)."""
        parent_end, child_end = self.context.Pipe(duplex=False)
        process = self.context.Process(target=report_process, args=(job, child_end, os.getpid()), daemon=True)
        process.start()
        child_end.close()  # the child's copy stays open: its death alone ends the pipe
        self.running[job.key] = (process, parent_end)

    def ended(self) -> list[Ended]:
        """The children that answered or died since the last call (each joined)."""
        done = []
        for key, (process, conn) in list(self.running.items()):
            # Alive asked first: a child found dead has sent all it ever will, so no answer then
            # means it died without one, not that the answer is still on its way.
            alive = process.is_alive()
            message = _receive(conn)
            if message is None and alive:
                continue
            process.join()
            conn.close()
            del self.running[key]
            if message is None:
                done.append(Ended(key, Status.DIED, f"proses pekerja berhenti (kode keluar {process.exitcode})"))
            else:
                ok, error = message
                done.append(Ended(key, Status.OK if ok else Status.FAILED, error))
        return done

    def stop(self, key: str) -> bool:
        """Kill the child of ``key``; always found (its death shows in the next :meth:`ended`)."""
        self.running[key][0].kill()
        return True

    def close(self) -> None:
        """Kill the children still running (when the loop was interrupted)."""
        for process, conn in self.running.values():
            process.kill()
            process.join()
            conn.close()
        self.running.clear()


@contextmanager
def processes(batch: Batch) -> Iterator[Processes]:
    """The runner of ``batch`` on this machine, with the batch's start method and ``jobs``; a fork
    warms this process first. Its children are killed when the block ends early.

    Raises ValueError for a bad ``start_method``."""
    method = start_method_for(batch.start_method)
    if method == "fork":
        warm_up(batch)  # spawned children inherit nothing: warming this process would be wasted
    runner = Processes(method, max(1, batch.jobs))
    try:
        yield runner
    finally:
        runner.close()


def _receive(conn: Connection) -> tuple[bool, str] | None:
    """The child's message if one has arrived; None if not yet, or if the child died silently."""
    try:
        return conn.recv() if conn.poll() else None
    except EOFError:
        return None
