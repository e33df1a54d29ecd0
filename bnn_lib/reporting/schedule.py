"""The scheduling loop: one for every place reports run, with the rules written once.

A :class:`Runner` knows how to start a report job and how to see it end: a pool of processes on
this machine (:mod:`.local`) or the workers of a Dask cluster (:mod:`.cluster`). :func:`run_jobs`
keeps up to ``runner.slots`` jobs running and applies the rules:

- a report that raises is "failed" (its executed notebook is kept); the others go on;
- a report process that dies without a word is retried once; dying again is "failed";
- a report still running ``timeout`` seconds after it was started is stopped and recorded as
  "timeout";
- if nothing ends for ``timeout`` plus :data:`STALL_GRACE` seconds (not even a report stopped
  past its timeout: the workers of a cluster are gone), what is left is recorded as "timeout"
  rather than waited for.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from tqdm import tqdm

from bnn_lib.reporting.jobs import Job, Outcome, Status

STALL_GRACE = 60.0  # seconds past the report timeout with nothing ending before giving up
POLL = 0.005  # seconds between looks at the running jobs


@dataclass(frozen=True)
class Ended:
    """A job a runner saw end: its key, Status.OK, FAILED or DIED (its process died without a
    word), and the error text."""

    key: str
    status: Status
    error: str = ""


class Runner(Protocol):
    """Where report jobs run. The scheduling loop has at most one attempt of a job running at a
    time, so a job's key names it."""

    slots: int  # how many jobs run at once

    def submit(self, job: Job, attempt: int) -> None:
        """Start rendering ``job`` (its ``attempt``-th try, 1 or 2)."""
        ...

    def ended(self) -> list[Ended]:
        """The jobs that ended since the last call (their outputs written), without waiting."""
        ...

    def stop(self, key: str) -> bool:
        """Kill the report process of job ``key``; whether it was found running. The job's end
        still comes through :meth:`ended` (at once, or once the kill took)."""
        ...


@dataclass
class _Running:
    job: Job
    attempt: int
    started: float  # time.monotonic()
    stopped: bool = False  # past the timeout, and told to stop


def run_jobs(todo: list[Job], runner: Runner, timeout: float, hashes: dict[str, str], bar: tqdm) -> list[Outcome]:
    """Render ``todo`` with ``runner``: one outcome per job, in the order they ended; ``hashes``
    (by job key) go into the outcomes of reports rendered ok; ``bar`` advances per outcome."""
    queue = deque((job, 1) for job in todo)
    running: dict[str, _Running] = {}
    done: list[Outcome] = []
    heard = time.monotonic()  # when the runner was last seen working: a job ended, or was found and killed
    while queue or running:
        while queue and len(running) < max(1, runner.slots):
            job, attempt = queue.popleft()
            runner.submit(job, attempt)
            running[job.key] = _Running(job, attempt, time.monotonic())
        for end in runner.ended():
            run = running.pop(end.key)
            if not run.stopped:  # a stopped job's end may only be its cancellation, not a sign of work
                heard = time.monotonic()
            if end.status is Status.DIED and not run.stopped and run.attempt == 1:
                queue.append((run.job, 2))
                continue
            done.append(_finished(run, end, timeout, hashes))
            bar.update(1)
        now = time.monotonic()
        for run in running.values():
            if not run.stopped and now - run.started >= timeout:
                run.stopped = True
                if runner.stop(run.job.key):
                    heard = now
        if running and now - heard > timeout + STALL_GRACE:
            error = f"timeout: nothing came back for {timeout + STALL_GRACE:.0f} s"
            for run in running.values():
                runner.stop(run.job.key)
                done.append(_outcome(run.job, Status.TIMEOUT, now - run.started, run.attempt, error, hashes))
            for job, attempt in queue:
                done.append(_outcome(job, Status.TIMEOUT, 0.0, attempt, error, hashes))
            bar.update(len(running) + len(queue))
            break
        if running:
            time.sleep(POLL)
    return done


def _finished(run: _Running, end: Ended, timeout: float, hashes: dict[str, str]) -> Outcome:
    """The outcome of a job that ended: a job stopped past its timeout is "timeout" unless it
    managed to finish first; a second death is "failed"."""
    status, error = end.status, end.error
    if run.stopped and status is not Status.OK:
        status, error = Status.TIMEOUT, f"batas waktu: tidak ada hasil setelah {timeout:.0f} detik"
    elif status is Status.DIED:
        status, error = Status.FAILED, f"{error}, juga pada percobaan ulang"
    return _outcome(run.job, status, time.monotonic() - run.started, run.attempt, error, hashes)


def _outcome(job: Job, status: Status, seconds: float, attempt: int, error: str, hashes: dict[str, str]) -> Outcome:
    """The manifest row of a finished report; only a report rendered ok gets its input hash."""
    return Outcome(
        key=job.key,
        title=job.title,
        html=job.html,
        executed=job.executed,
        status=status,
        seconds=round(seconds, 3),
        attempts=attempt,
        error=error,
        input_hash=hashes[job.key] if status is Status.OK else "",
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
