"""Render the reports of a year (every measured kab/kota, every province, the nation) as
standalone HTML, and the index page and the performance workbook beside them.

    bnn reports --year 2024 [--province 11 ...] [--level ...] [--jobs N] [--out reports/] [--force]

How it is fast while each report still runs in a fresh process of its own:

1. This (parent) process imports pandas, matplotlib, seaborn, nbconvert and papermill once and
   loads the year's saved results into memory.
2. Each report is a ``fork`` of that warm parent: the child starts in milliseconds with nothing
   to import or read, runs the notebook through papermill with the in-process engine
   (:mod:`.engine`), converts it with nbconvert in the same process, writes the HTML atomically
   and exits. No state passes from one province to the next: every child forks from the same
   clean parent.
3. Up to ``jobs`` children run at once (default: the number of cores); a new child is forked as
   soon as one finishes.

Where ``fork`` is missing (Windows) or unsafe (macOS), ``start_method`` "auto" uses ``spawn``
instead: still one fresh process per report, but each child imports the suite and reads the
results itself, so it starts in seconds, not milliseconds. Both run through the same scheduling
loop. With ``scheduler`` set, the reports go to the workers of a Dask cluster instead
(:mod:`.cluster`), with the same manifest and the same rules.

A report that raises is recorded with its error and its executed notebook is kept for debugging;
the others go on. A child that dies (or never reports) is retried once; one that runs past the
timeout is killed. The kab/kota reports are rendered before the province reports, which link
them. A rerun skips reports whose inputs (results, notebook, specs, report code and, for the
others, the kab/kota reports present) are unchanged, unless ``force``. The manifest
(``manifest.json``) records each report's status, timings, input hash, where it ran and the
software versions; ``index.html`` links every report.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing as mp
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from pathlib import Path

import papermill
from tqdm import tqdm

from bnn_lib.paths import REPORTS_DIR, ROOT
from bnn_lib.pipeline import start_method_for
from bnn_lib.processes import die_with_parent
from bnn_lib.regions import regions
from bnn_lib.reporting import LEVELS, engine, html, index_page, is_kabkota, pdf, report_file, workbook
from bnn_lib.reporting import data as report_data
from bnn_lib.staging import work_path
from bnn_lib.writing import write_atomic

NOTEBOOKS = ROOT / "notebooks"
PROVINCE_NOTEBOOK = NOTEBOOKS / "laporan_provinsi.ipynb"
NATIONAL_NOTEBOOK = NOTEBOOKS / "laporan_nasional.ipynb"
KABKOTA_NOTEBOOK = NOTEBOOKS / "laporan_kabkota.ipynb"
# The province notebook's parameter that lists the kab/kota whose reports it links.
LINKS = "kabkota_reports"
DEFAULT_TIMEOUT = 300.0
DEFAULT_CONNECT_TIMEOUT = 10.0


@dataclass
class Job:
    """One report to render."""

    key: str  # province or kab/kota code, or "nasional"
    title: str
    notebook: str
    parameters: dict
    html: str
    executed: str
    toc: bool = False  # a table of contents after the header (the national report)


@dataclass
class Outcome:
    """What happened to one report (one row of the manifest)."""

    key: str
    title: str
    html: str
    executed: str
    status: str  # ok, failed, timeout, skipped
    seconds: float = 0.0
    attempts: int = 0
    error: str = ""
    input_hash: str = ""
    finished_at: str = ""
    pdf: str = ""  # "" (not asked), "ok", "up to date", or why there is no PDF


@dataclass
class Batch:
    """The settings of one run."""

    year: int
    out: Path = REPORTS_DIR
    provinces: list[str] | None = None
    levels: tuple[str, ...] = LEVELS
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT
    province_notebook: Path = PROVINCE_NOTEBOOK
    national_notebook: Path = NATIONAL_NOTEBOOK
    kabkota_notebook: Path = KABKOTA_NOTEBOOK
    progress: bool = True
    # "auto": fork on Linux, spawn elsewhere (Windows has no fork; macOS's system libraries are
    # not fork-safe); or "fork" / "spawn" explicitly. Ignored when ``scheduler`` is set.
    start_method: str = "auto"
    # Also print each report to a PDF beside it (:mod:`.pdf`), where the engine is installed.
    pdf: bool = False
    # Address of a Dask scheduler ("tcp://host:8786"): render on its workers instead of here.
    scheduler: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # seconds to reach the scheduler and a worker


def plan(batch: Batch) -> list[Job]:
    """The jobs of a run, by ``batch.levels``: each measured kab/kota of the selected provinces,
    the selected provinces (default all 38) and the national report. The kab/kota come first
    (:func:`run` renders them before the others: a province report links those of its kab/kota
    reports that exist)."""
    chosen = batch.provinces or list(regions().province_table["code"])
    codes = [c for c in chosen if c != "nasional"]
    folder = batch.out / str(batch.year)
    results_dir = str(batch.out)
    jobs = []
    if "kabkota" in batch.levels:
        measured = report_data.load(batch.year, results_dir).measured_kabkota()
        for code in (c for c in measured if c[:2] in codes):
            place = regions().kabkota(code)
            jobs.append(
                Job(
                    key=code,
                    title=f"Laporan Kinerja {batch.year} · {place.label}",
                    notebook=str(batch.kabkota_notebook),
                    parameters={"kabkota": code, "year": batch.year, "results_dir": results_dir},
                    html=str(folder / report_file(code)),
                    executed=str(folder / "notebooks" / f"kabkota-{code}.ipynb"),
                )
            )
    for code in codes if "provinsi" in batch.levels else ():
        province = regions().province(code)
        jobs.append(
            Job(
                key=province.code,
                title=f"Laporan Kinerja {batch.year} · Provinsi {province.name}",
                notebook=str(batch.province_notebook),
                parameters={"province": province.code, "year": batch.year, "results_dir": results_dir},
                html=str(folder / report_file(province.code)),
                executed=str(folder / "notebooks" / f"provinsi-{province.code}.ipynb"),
            )
        )
    if "nasional" in batch.levels and (batch.provinces is None or "nasional" in batch.provinces):
        jobs.append(
            Job(
                key="nasional",
                title=f"Laporan Kinerja {batch.year} · Nasional",
                notebook=str(batch.national_notebook),
                parameters={"year": batch.year, "results_dir": results_dir},
                html=str(folder / report_file("nasional")),
                executed=str(folder / "notebooks" / "nasional.ipynb"),
                toc=True,
            )
        )
    return jobs


def results_folders(batch: Batch) -> list[Path]:
    """The ``<year>/results`` folders a report of ``batch.year`` reads: its year's and earlier."""
    return [
        folder
        for folder in sorted(batch.out.glob("*/results"))
        if folder.parent.name.isdigit() and int(folder.parent.name) <= batch.year
    ]


def report_code() -> list[Path]:
    """The files of the report code (this package's modules, its subpackages' too, and the
    stylesheet), in a fixed order."""
    here = Path(__file__).parent
    return [*sorted(here.rglob("*.py")), here / "report.css"]


def input_hash(batch: Batch, notebook: str) -> str:
    """SHA-256 over what the reports of ``notebook`` depend on: the saved results of its year
    and earlier years, the notebook, the report code and the bnn_lib version. Of
    ``specs.json``, the specs and the data warnings (the methodology note prints them) count;
    its build time does not."""
    digest = hashlib.sha256(version("bnn-lib").encode())
    for folder in results_folders(batch):
        for path in sorted(folder.glob("*.parquet")):
            digest.update(path.name.encode() + path.read_bytes())
        meta = json.loads((folder / "specs.json").read_text(encoding="utf-8"))
        digest.update(json.dumps([meta.get("specs"), meta.get("warnings")], sort_keys=True).encode())
    for path in [Path(notebook), *report_code()]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


# -- the child ---------------------------------------------------------------------------------


def job_hash(notebook_hash: str, job: Job) -> str:
    """What one report depends on: its notebook's :func:`input_hash` and the kab/kota reports it
    links (a province report is rendered again when they change; the others link none)."""
    linked = json.dumps(job.parameters.get(LINKS, []))
    return hashlib.sha256(f"{notebook_hash}\n{linked}".encode()).hexdigest()


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
    built = datetime.now(UTC).isoformat(timespec="seconds")
    footer = f"{html.esc(job.title)} · dibuat {built} · bnn_lib {version('bnn-lib')}"
    write_atomic(Path(job.html), html.notebook_to_html(nb, job.title, footer, toc=job.toc))


def _child(job: Job, conn: Connection, parent: int | None = None) -> None:
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


# -- the parent --------------------------------------------------------------------------------


def runner(batch: Batch) -> str:
    """Where the reports of ``batch`` run, as the manifest records it: "fork", "spawn" or
    "dask <address>". Raises ValueError for a bad ``start_method``."""
    return f"dask {batch.scheduler}" if batch.scheduler else start_method_for(batch.start_method)


def warm_up(batch: Batch) -> None:
    """Import and load, once, everything the children need (they inherit it by fork)."""
    engine.register()
    engine.prepare()
    report_data.load(batch.year, str(batch.out))
    # Objects made so far are never collected: a child's garbage collector then leaves the
    # inherited pages alone instead of copying them.
    gc.freeze()


def run(batch: Batch) -> list[Outcome]:
    """Render the reports of ``batch``; write index.html, manifest.json and the performance
    workbook (:mod:`.workbook`); return the outcomes.

    Raises ValueError for a bad ``start_method`` and :class:`.cluster.ClusterError` when the
    cluster of ``scheduler`` cannot be used, before any file is written.
    """
    where = runner(batch)
    # Results may have been recomputed since an earlier run in this process: read them afresh.
    report_data.load.cache_clear()
    folder = batch.out / str(batch.year)
    previous = _previous_manifest(folder)
    jobs = plan(batch)
    outcomes: dict[str, Outcome] = {}
    bar = tqdm(total=len(jobs), desc=f"laporan {batch.year}", unit="laporan", disable=not batch.progress)
    notebooks = {nb: input_hash(batch, nb) for nb in {job.notebook for job in jobs}}
    # The kab/kota reports first, then the reports that link them, told which kab/kota reports
    # stand (rendered or kept by this run, or left by an earlier one if not attempted now).
    first = [job for job in jobs if is_kabkota(job.key)]
    for phase in (first, [job for job in jobs if not is_kabkota(job.key)]):
        if phase is not first:
            standing = _standing_kabkota(batch, folder, outcomes)
            phase = [_with_links(job, standing) for job in phase]
        hashes = {job.key: job_hash(notebooks[job.notebook], job) for job in phase}
        todo = []
        for job in phase:
            if batch.force or not _up_to_date(previous.get(job.key), job, hashes[job.key]):
                todo.append(job)
                continue
            # Where it is now (the folder may have moved), and no PDF status until this run's.
            moved = {"html": job.html, "executed": job.executed, "pdf": ""}
            outcomes[job.key] = Outcome(**{**previous[job.key], **moved, "status": "skipped", "attempts": 0})
            bar.update()
        for outcome in _render_all(todo, batch, hashes, bar):
            outcomes[outcome.key] = outcome
    bar.close()
    ordered = [outcomes[job.key] for job in jobs]
    if batch.pdf:
        print_pdfs(ordered, batch.jobs)
    _write_manifest(folder, batch, ordered, previous, where)
    # Each written even if the other cannot be (a workbook open in Excel, say); the reports stand.
    problems = [
        problem
        for problem in (
            _attempt(index_page.write, folder, batch.year, _all_outcomes(folder)),
            _attempt(workbook.write, batch.year, batch.out),
        )
        if problem
    ]
    if problems:
        raise NotWrittenError(ordered, problems[0])
    return ordered


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


def _standing_kabkota(batch: Batch, folder: Path, outcomes: dict[str, Outcome]) -> list[str]:
    """The measured kab/kota whose reports stand: rendered or kept by this run, or, of those it
    did not attempt, left by an earlier run in ``folder``."""
    return [
        code
        for code in report_data.load(batch.year, str(batch.out)).measured_kabkota()
        if (outcomes[code].status in ("ok", "skipped") if code in outcomes else (folder / report_file(code)).is_file())
    ]


def _with_links(job: Job, standing: list[str]) -> Job:
    """A province job told which of its kab/kota reports to link (of ``standing``); the national
    job as it is."""
    if job.key == "nasional":
        return job
    return replace(job, parameters={**job.parameters, LINKS: [c for c in standing if c[:2] == job.key]})


def _up_to_date(old: dict | None, job: Job, input_hash: str) -> bool:
    """Whether the report of ``job`` as the last run left it (``old``, its manifest row) stands."""
    return bool(
        old
        and old.get("status") in ("ok", "skipped")
        and old.get("input_hash") == input_hash
        and Path(job.html).exists()
    )


PDF_DONE = ("ok", "up to date")


def print_pdfs(outcomes: list[Outcome], jobs: int) -> None:
    """Print each report written to a PDF beside it, in one browser started here (after the
    children: a fork would copy the browser driver's threads); set each outcome's ``pdf``. A
    PDF newer than its HTML is kept; ``jobs`` pages print at once. Without the engine, every
    outcome says why."""
    written = [o for o in outcomes if o.status in ("ok", "skipped")]
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
    try:
        with pdf.Printer() as printer:
            errors = printer.print_all([(page, page.with_suffix(".pdf")) for page in todo], jobs=jobs)
    except pdf.PdfError as exc:  # the browser did not start: no PDF this run, the HTML stands
        errors = dict.fromkeys(todo, str(exc))
    for page, o in todo.items():
        o.pdf = errors.get(page) or "ok"


def _render_all(todo: list[Job], batch: Batch, hashes: dict[str, str], bar: tqdm) -> list[Outcome]:
    """Render ``todo`` on the cluster, or here in children of the batch's start method."""
    if not todo:
        return []
    if batch.scheduler:
        from bnn_lib.reporting import cluster  # imports dask: only when a cluster is asked for

        return cluster.run_jobs(todo, batch, hashes, bar)
    method = start_method_for(batch.start_method)
    if method == "fork":
        warm_up(batch)  # spawned children inherit nothing: warming this process would be wasted
    return _run_jobs(todo, batch, hashes, bar, mp.get_context(method))


def outcome(job: Job, status: str, seconds: float, attempt: int, error: str, hashes: dict[str, str]) -> Outcome:
    """The manifest row of a finished report; only a report rendered "ok" gets its input hash."""
    return Outcome(
        key=job.key,
        title=job.title,
        html=job.html,
        executed=job.executed,
        status=status,
        seconds=round(seconds, 3),
        attempts=attempt,
        error=error,
        input_hash=hashes[job.key] if status == "ok" else "",
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _run_jobs(todo: list[Job], batch: Batch, hashes: dict[str, str], bar: tqdm, ctx: BaseContext) -> list[Outcome]:
    """Start up to ``batch.jobs`` children at a time with ``ctx`` (fork or spawn); collect, retry
    a death once, enforce the timeout."""
    queue = [(job, 1) for job in todo]
    running: dict[int, tuple] = {}
    done: list[Outcome] = []
    while queue or running:
        while queue and len(running) < max(1, batch.jobs):
            job, attempt = queue.pop(0)
            parent_end, child_end = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(job, child_end, os.getpid()), daemon=True)
            process.start()
            child_end.close()
            running[process.pid] = (process, parent_end, job, attempt, time.perf_counter())
        for pid, (process, conn, job, attempt, start) in list(running.items()):
            elapsed = time.perf_counter() - start
            message = _receive(conn)
            if message is None and process.is_alive() and elapsed < batch.timeout:
                continue
            if message is None and process.is_alive():
                process.kill()
                message = (False, f"timeout: no result after {batch.timeout:.0f} s")
                status = "timeout"
            else:
                status = "ok" if message and message[0] else "failed"
            process.join()
            conn.close()
            del running[pid]
            if message is None:  # the child died without a word: retry once
                if attempt == 1:
                    queue.append((job, 2))
                    continue
                message = (False, f"worker died (exit code {process.exitcode}), also on retry")
            done.append(outcome(job, status, elapsed, attempt, message[1], hashes))
            bar.update(1)
        if running:
            time.sleep(0.005)
    return done


def _receive(conn: Connection) -> tuple[bool, str] | None:
    """The child's message if one has arrived; None if not yet, or if the child died silently."""
    try:
        return conn.recv() if conn.poll() else None
    except EOFError:
        return None


def _previous_manifest(folder: Path) -> dict[str, dict]:
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    return {r["key"]: r for r in json.loads(path.read_text(encoding="utf-8")).get("reports", [])}


def _all_outcomes(folder: Path) -> list[dict]:
    return list(_previous_manifest(folder).values())


def _write_manifest(folder: Path, batch: Batch, outcomes: list[Outcome], previous: dict[str, dict], where: str) -> None:
    """Merge this run's outcomes into the manifest (reports not in this run keep their rows).

    The index page links the manifest, and the reports are shared: it names no folder of this
    machine (paths relative to the year's folder) and no input file; the files the results were
    computed from, with their hashes, are in ``results/specs.json``, for the analyst."""
    rows = {key: _shareable(row, folder) for key, row in {**previous, **{o.key: asdict(o) for o in outcomes}}.items()}
    meta_path = folder / "results" / "specs.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    manifest = {
        "year": batch.year,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "software": {name: version(name) for name in ("bnn-lib", "pandas", "matplotlib", "papermill", "nbconvert")},
        "inputs": {
            "results": "results/specs.json",
            "specs": {k: {"id": s["id"], "version": s["version"]} for k, s in meta.get("specs", {}).items()},
            "synthetic": meta.get("synthetic", False),
        },
        "jobs": batch.jobs,
        "runner": where,
        "reports": sorted(rows.values(), key=lambda r: (r["key"] == "nasional", r["key"])),
    }
    write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))


def _shareable(row: dict, folder: Path) -> dict:
    """A manifest row (of this run or an earlier one) with its files relative to the year's
    ``folder`` and, in its texts, the year's folder, the reports folder and the home folder
    written as ".", ".." and "~"."""
    here = folder.resolve()
    places = {str(here): ".", str(here.parent): ".."}
    if Path.home().parent != Path.home():  # a home of "/" names no one
        places[str(Path.home())] = "~"
    out = dict(row)
    for key in ("html", "executed"):
        if out.get(key) and Path(out[key]).is_absolute():
            out[key] = Path(os.path.relpath(Path(out[key]).resolve(), here)).as_posix()
    for key in ("error", "pdf"):
        for place in sorted(places, key=len, reverse=True):  # the deepest first: it holds the others
            out[key] = (out.get(key) or "").replace(place, places[place])
    return out


def summary(outcomes: list[Outcome]) -> str:
    """One line per status, the PDFs, and one line per failure."""
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    lines = [", ".join(f"{n} {status}" for status, n in sorted(counts.items()))]
    asked = [o for o in outcomes if o.pdf]
    failed = [o for o in asked if o.pdf not in PDF_DONE]
    # No PDF at all for one reason (no engine): that reason once, not once per report.
    once = len({o.pdf for o in failed}) == 1 and len(failed) == len(asked)
    if asked:
        lines[0] += f"; {failed[0].pdf}" if once else f"; {len(asked) - len(failed)} PDF"
    lines += [
        f"  {o.key}: {o.status}: {o.error} (notebook kept: {o.executed})"
        for o in outcomes
        if o.status in ("failed", "timeout")
    ]
    lines += [] if once else [f"  {o.key}: PDF: {o.pdf}" for o in failed]
    return "\n".join(lines)
