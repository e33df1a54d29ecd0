"""Render the reports of a year (every measured kab/kota, every province, the nation) as
standalone HTML, and the index page and the performance workbook beside them.

    bnn reports --year 2024 [--province 11 ...] [--level ...] [--jobs N] [--out reports/] [--force]

Each report runs in a fresh process of its own: a child of this process (:mod:`.local`: forked
from it warm, or spawned), or, with ``scheduler`` set, a process on a worker of a Dask cluster
(:mod:`.cluster`), with the same manifest and the same rules. Both are runners of one scheduling
loop (:mod:`.schedule`), which retries a report process that dies and stops one past the timeout.

A report that raises is recorded with its error and its executed notebook is kept for debugging;
the others go on. The kab/kota reports are rendered before the province reports, which link
them. A rerun skips reports whose inputs (results, notebook, specs, report code and, for the
others, the kab/kota reports present) are unchanged, unless ``force``. The manifest
(``manifest.json``, :mod:`.manifest`) records each report's status, timings, input hash, where
it ran and the software versions; ``index.html`` links every report.

The settings, jobs and outcomes are those of :mod:`.jobs`, named here too (``batch.Batch``,
``batch.run``) for the callers of the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from bnn_lib.pipeline import start_method_for
from bnn_lib.regions import province_code, regions
from bnn_lib.reporting import data as report_data
from bnn_lib.reporting import index_page, is_kabkota, manifest, pdf, report_file, workbook
from bnn_lib.reporting.jobs import (
    LINKS,
    PROVINCE_LINKS,
    STANDING,
    Batch,
    Job,
    Outcome,
    Status,
    input_hash,
    job_hash,
    plan,
)
from bnn_lib.reporting.local import processes
from bnn_lib.reporting.schedule import Runner, run_jobs

__all__ = ["PDF_DONE", "PDF_REMOVED", "Batch", "NotWrittenError", "Outcome", "plan", "print_pdfs", "run", "summary"]

PDF_DONE = ("ok", "up to date")
# A PDF beside a page rendered again without --pdf: it showed the old page, and is removed.
PDF_REMOVED = "removed"
# What the console calls each status (the manifest keeps the ids).
STATUS_WORDS = {
    Status.OK: "dibuat",
    Status.SKIPPED: "tidak berubah",
    Status.FAILED: "gagal",
    Status.TIMEOUT: "melewati batas waktu",
}


def runner_name(batch: Batch) -> str:
    """Where the reports of ``batch`` run, as the manifest records it: "fork", "spawn" or
    "dask <address>". Raises ValueError for a bad ``start_method``."""
    return f"dask {batch.scheduler}" if batch.scheduler else start_method_for(batch.start_method)


def run(batch: Batch) -> list[Outcome]:
    """Render the reports of ``batch``; write index.html, manifest.json and the performance
    workbook (:mod:`.workbook`); return the outcomes.

    Raises ValueError for a bad ``start_method`` and :class:`.cluster.ClusterError` when the
    cluster of ``scheduler`` cannot be used, before any file is written.
    """
    where = runner_name(batch)
    # Results may have been recomputed since an earlier run in this process: read them afresh.
    report_data.load.cache_clear()
    folder = batch.out / str(batch.year)
    previous = manifest.rows(folder)
    jobs = plan(batch)
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(jobs), desc=f"laporan {batch.year}", unit="laporan", disable=not batch.progress)
    notebooks = {nb: input_hash(batch, nb) for nb in {job.notebook for job in jobs}}
    # The kab/kota reports first, then the provinces that link them, then the nation that links
    # the provinces, each told which reports below it stand (rendered or kept by this run, or
    # left by an earlier one if not attempted now).
    phases = [
        [job for job in jobs if is_kabkota(job.key)],
        [job for job in jobs if not is_kabkota(job.key) and job.key != "nasional"],
        [job for job in jobs if job.key == "nasional"],
    ]
    for phase in phases:
        phase = [_with_links(job, batch, folder, outcomes) for job in phase]
        hashes = {job.key: job_hash(notebooks[job.notebook], job) for job in phase}
        todo = []
        for job in phase:
            if batch.force or not manifest.up_to_date(previous.get(job.key), job, hashes[job.key]):
                todo.append(job)
                continue
            # Where it is now (the folder may have moved), and no PDF status until this run's.
            moved = {"html": job.html, "executed": job.executed, "pdf": ""}
            outcomes[job.key] = Outcome(**{**previous[job.key], **moved, "status": Status.SKIPPED, "attempts": 0})
            bar.update()
        if todo:
            with _runner(batch, todo) as runner:
                for outcome in run_jobs(todo, runner, batch.timeout, hashes, bar):
                    outcomes[outcome.key] = outcome
    bar.close()
    ordered = [outcomes[job.key] for job in jobs]
    if batch.pdf:
        print_pdfs(ordered, batch.jobs, batch.progress)
    else:
        drop_stale_pdfs(ordered)
    manifest.write(folder, batch, ordered, previous, where)
    # Each written even if the other cannot be (a workbook open in Excel, say); the reports stand.
    problems = [
        problem
        for problem in (
            _attempt(index_page.write, folder, batch.year, list(manifest.rows(folder).values())),
            _attempt(workbook.write, batch.year, batch.out),
        )
        if problem
    ]
    if problems:
        raise NotWrittenError(ordered, problems[0])
    return ordered


def _runner(batch: Batch, todo: list[Job]) -> AbstractContextManager[Runner]:
    """Where ``todo`` runs: on the cluster of ``batch.scheduler``, or here in children of the
    batch's start method."""
    if batch.scheduler:
        from bnn_lib.reporting import cluster  # imports dask: only when a cluster is asked for

        return cluster.workers(batch, todo)
    return processes(batch)


def _attempt(write: Callable[..., object], *args: object) -> OSError | None:
    """Call ``write(*args)``; the OSError it raised, if any."""
    try:
        write(*args)
    except OSError as exc:
        return exc
    return None


class NotWrittenError(Exception):
    """The reports were rendered (``outcomes``) but the index page or the workbook could not be
    written (``error``)."""

    def __init__(self, outcomes: list[Outcome], error: OSError) -> None:
        super().__init__(str(error))
        self.outcomes, self.error = outcomes, error


def _standing(keys: list[str], folder: Path, outcomes: dict[str, Outcome]) -> list[str]:
    """Of the reports ``keys``, those whose pages stand: rendered or kept by this run, or, of
    those it did not attempt, left by an earlier run in ``folder``."""
    return [
        key
        for key in keys
        if (outcomes[key].status in STANDING if key in outcomes else (folder / report_file(key)).is_file())
    ]


def _with_links(job: Job, batch: Batch, folder: Path, outcomes: dict[str, Outcome]) -> Job:
    """A province job told which of its kab/kota reports stand, the national job which province
    reports do (for them to link); a kab/kota job as it is."""
    if is_kabkota(job.key):
        return job
    if job.key == "nasional":
        provinces = _standing(list(regions().province_table["code"]), folder, outcomes)
        return replace(job, parameters={**job.parameters, PROVINCE_LINKS: provinces})
    measured = report_data.load(batch.year, str(batch.out)).measured_kabkota()
    mine = _standing([c for c in measured if province_code(c) == job.key], folder, outcomes)
    return replace(job, parameters={**job.parameters, LINKS: mine})


def print_pdfs(outcomes: list[Outcome], jobs: int, progress: bool = False) -> None:
    """Print each report written to a PDF beside it, in one browser started here (after the
    children: a fork would copy the browser driver's threads); set each outcome's ``pdf``. A
    PDF newer than its HTML is kept; ``jobs`` pages print at once, with a progress bar where
    ``progress``. Without the engine, every outcome says why."""
    written = [o for o in outcomes if o.status in STANDING]
    reason = pdf.unavailable()
    if reason:
        for o in written:
            o.pdf = reason
        return
    todo = {}
    for o in written:
        page = Path(o.html)
        if pdf.printed(page):
            o.pdf = "up to date"
        else:
            todo[page] = o
    if not todo:
        return
    bar = tqdm(total=len(todo), desc="PDF", unit="PDF", disable=not progress)
    try:
        with pdf.Printer() as printer:
            pairs = [(page, page.with_suffix(".pdf")) for page in todo]
            errors = printer.print_all(pairs, jobs=jobs, done=bar.update)
    except pdf.PdfError as exc:  # the browser did not start: no PDF this run, the HTML stands
        errors = dict.fromkeys(todo, str(exc))
    finally:
        bar.close()
    for page, o in todo.items():
        o.pdf = errors.get(page) or "ok"


def drop_stale_pdfs(outcomes: list[Outcome]) -> None:
    """Remove the PDF beside each page this run rendered again without printing it: it shows
    the page as it was, and would be shared for the new one (the index no longer links it)."""
    for o in outcomes:
        page = Path(o.html) if o.html else None
        if o.status == Status.OK and page is not None and page.with_suffix(".pdf").exists() and not pdf.printed(page):
            page.with_suffix(".pdf").unlink(missing_ok=True)
            o.pdf = PDF_REMOVED


def summary(outcomes: list[Outcome]) -> str:
    """One line per status, the PDFs, and one line per failure."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    lines = [", ".join(f"{n} {STATUS_WORDS[status]}" for status, n in sorted(counts.items()))]
    removed = [o for o in outcomes if o.pdf == PDF_REMOVED]
    asked = [o for o in outcomes if o.pdf and o.pdf != PDF_REMOVED]
    failed = [o for o in asked if o.pdf not in PDF_DONE]
    # No PDF at all for one reason (no engine): that reason once, not once per report.
    once = len({o.pdf for o in failed}) == 1 and len(failed) == len(asked)
    if asked:
        lines[0] += f"; {failed[0].pdf}" if once else f"; {len(asked) - len(failed)} PDF"
    if removed:
        lines[0] += f"; {len(removed)} PDF lama dihapus (lebih tua daripada halamannya; --pdf mencetaknya lagi)"
    lines += [
        f"  {o.key}: {STATUS_WORDS[o.status]}: {o.error} (notebook disimpan: {o.executed})"
        for o in outcomes
        if o.status in (Status.FAILED, Status.TIMEOUT)
    ]
    lines += [] if once else [f"  {o.key}: PDF: {o.pdf}" for o in failed]
    return "\n".join(lines)
