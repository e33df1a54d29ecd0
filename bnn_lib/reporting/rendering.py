"""The report process: what runs in each child, forked or spawned here (:mod:`.local`) or forked
on a Dask worker (:mod:`.cluster_worker`). It runs one notebook through papermill with the
in-process engine (:mod:`.engine`), converts it with nbconvert in the same process, writes the
HTML atomically, sends one message (ok, error text) and exits.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import papermill

from bnn_lib.processes import die_with_parent
from bnn_lib.reporting import engine, html
from bnn_lib.reporting.fmt import waktu
from bnn_lib.reporting.jobs import Job
from bnn_lib.staging import work_path
from bnn_lib.workspace import suite_version
from bnn_lib.writing import write_atomic


def render(job: Job) -> None:
    """Execute one notebook and write its HTML (in a child process). Raises on failure.

    The executed notebook is written to ``job.executed`` also when a cell raises, for debugging.
    """
    engine.register()  # a spawned child has not run warm_up()
    Path(job.executed).parent.mkdir(parents=True, exist_ok=True)
    # Hidden and named after this process: a run killed meanwhile leaves it to the next run's sweep.
    executed = work_path(Path(job.executed), "running")
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            str(executed),
            parameters=job.parameters,
            engine_name=engine.ENGINE_NAME,
            progress_bar=False,
            cwd=str(Path(job.notebook).parent),
        )
    finally:
        if executed.exists():
            executed.replace(job.executed)
    footer = f"{html.esc(job.title)} · dibuat {waktu(datetime.now(UTC))} · bnn_lib {suite_version()}"
    write_atomic(Path(job.html), html.notebook_to_html(nb, job.title, footer, toc=job.toc))


def report_process(job: Job, conn: Connection, parent: int | None = None) -> None:
    """Entry point of a child (forked or spawned): render, send (ok, error text), leave at once.
    It dies with ``parent`` (the process that started it): a run killed outright leaves no
    report still rendering into its folder.

    It is a module-level function so that ``spawn`` can pickle it by name. ``os._exit`` skips
    the interpreter's teardown, which in a forked child would walk (and copy) every object
    inherited from the parent only to free it.
    """
    die_with_parent(parent)
    try:
        render(job)
        conn.send((True, ""))
    except BaseException as exc:  # report everything, including SystemExit from a notebook
        conn.send((False, error_text(exc)))
    finally:
        conn.close()
        os._exit(0)


def error_text(exc: BaseException) -> str:
    """One line for the manifest: the notebook's exception and cell, or the exception itself."""
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
