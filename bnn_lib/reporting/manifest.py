"""The manifest (``<year>/manifest.json``): one row per report (:class:`.jobs.Outcome`) with its
status, timings, input hash and PDF, and the run's software versions, inputs and runner. A rerun
reads it to skip the reports still up to date; the index page links it and lists its rows.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bnn_lib.reporting.jobs import STANDING, Batch, Job, Outcome
from bnn_lib.workspace import suite_version
from bnn_lib.writing import write_atomic

# The libraries a report was made with, beside the suite (the manifest names their versions).
SOFTWARE = ("pandas", "matplotlib", "papermill", "nbconvert")


def rows(folder: Path) -> dict[str, dict]:
    """The rows of the manifest in the year's ``folder`` by report key (none if there is none)."""
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    return {r["key"]: r for r in json.loads(path.read_text(encoding="utf-8")).get("reports", [])}


def up_to_date(old: dict | None, job: Job, input_hash: str) -> bool:
    """Whether the report of ``job`` as the last run left it (``old``, its manifest row) stands."""
    return bool(
        old and old.get("status") in STANDING and old.get("input_hash") == input_hash and Path(job.html).exists()
    )


def write(folder: Path, batch: Batch, outcomes: list[Outcome], previous: dict[str, dict], runner: str) -> None:
    """Merge this run's outcomes into the manifest (reports not in this run keep their rows of
    ``previous``); ``runner`` says where the reports ran.

    The index page links the manifest, and the reports are shared: it names no folder of this
    machine (paths relative to the year's folder) and no input file; the files the results were
    computed from, with their hashes, are in ``results/specs.json``, for the analyst."""
    merged = {key: _shareable(row, folder) for key, row in {**previous, **{o.key: asdict(o) for o in outcomes}}.items()}
    meta_path = folder / "results" / "specs.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    manifest = {
        "year": batch.year,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "software": {"bnn-suite": suite_version()} | {name: version(name) for name in SOFTWARE},
        "inputs": {
            "results": "results/specs.json",
            "specs": {k: {"id": s["id"], "version": s["version"]} for k, s in meta.get("specs", {}).items()},
            "synthetic": meta.get("synthetic", False),
        },
        "jobs": batch.jobs,
        "runner": runner,
        "reports": sorted(merged.values(), key=lambda r: (r["key"] == "nasional", r["key"])),
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
