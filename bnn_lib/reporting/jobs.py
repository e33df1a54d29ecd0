"""What a batch renders: its settings (:class:`Batch`), the report jobs they plan (:class:`Job`),
what became of each (:class:`Outcome`, one row of the manifest, with its :class:`Status`), and
the input hashes that tell a report still up to date from one to render again.

Light to import (no papermill, no dask): the batch, both runners, the manifest and the index
page read these.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bnn_lib.paths import NOTEBOOKS_DIR
from bnn_lib.regions import province_code, regions
from bnn_lib.reporting import LEVELS, report_file
from bnn_lib.reporting import data as report_data
from bnn_lib.workspace import suite_version, workspace

PROVINCE_NOTEBOOK = NOTEBOOKS_DIR / "laporan_provinsi.ipynb"
NATIONAL_NOTEBOOK = NOTEBOOKS_DIR / "laporan_nasional.ipynb"
KABKOTA_NOTEBOOK = NOTEBOOKS_DIR / "laporan_kabkota.ipynb"
# The parameters that list the reports below a report whose pages stand, for it to link: a
# province's kab/kota, the nation's provinces.
LINKS = "kabkota_reports"
PROVINCE_LINKS = "province_reports"
DEFAULT_TIMEOUT = 300.0
DEFAULT_CONNECT_TIMEOUT = 10.0


class Status(StrEnum):
    """What became of a report. A StrEnum: the manifest (JSON) holds the plain strings, and rows
    read back from it compare equal to the members."""

    OK = "ok"  # rendered by this run
    SKIPPED = "skipped"  # up to date: the page of an earlier run stands
    FAILED = "failed"  # raised (its executed notebook is kept), or its process died twice
    TIMEOUT = "timeout"  # stopped past Batch.timeout, or nothing came back from the runner
    # A report process that died without a word: a runner says so, the scheduling loop retries it
    # once and records a second death as FAILED. Never in the manifest.
    DIED = "died"


STANDING = (Status.OK, Status.SKIPPED)  # a report whose page is there to link


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
    status: Status
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
    out: Path = field(default_factory=lambda: workspace().reports)
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
    (:func:`.batch.run` renders them before the others: a province report links those of its
    kab/kota reports that exist)."""
    chosen = batch.provinces or list(regions().province_table["code"])
    codes = [c for c in chosen if c != "nasional"]
    folder = batch.out / str(batch.year)
    results_dir = str(batch.out)
    jobs = []
    if "kabkota" in batch.levels:
        measured = report_data.load(batch.year, results_dir).measured_kabkota()
        for code in (c for c in measured if province_code(c) in codes):
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


# -- input hashes ------------------------------------------------------------------------------


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
    digest = hashlib.sha256(suite_version().encode())
    for folder in results_folders(batch):
        for path in sorted(folder.glob("*.parquet")):
            digest.update(path.name.encode() + path.read_bytes())
        meta = json.loads((folder / "specs.json").read_text(encoding="utf-8"))
        digest.update(json.dumps([meta.get("specs"), meta.get("warnings")], sort_keys=True).encode())
    for path in [Path(notebook), *report_code()]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def job_hash(notebook_hash: str, job: Job) -> str:
    """What one report depends on: its notebook's :func:`input_hash` and the reports it links (a
    province report is rendered again when its kab/kota reports change, the national report
    when the province reports do)."""
    linked = json.dumps([job.parameters.get(LINKS, []), job.parameters.get(PROVINCE_LINKS, [])])
    return hashlib.sha256(f"{notebook_hash}\n{linked}".encode()).hexdigest()
