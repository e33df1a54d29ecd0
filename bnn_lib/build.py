"""Which years to compute, and computing them without losing what is already there.

    plans = plan_years([2020, 2021, 2022], data, out, overrides={}, analyses=None)
    outcomes = build(plans, data, out)      # each year's results replaced whole, or kept

Saved results record what they were computed from (``specs.json``): the specs, the analysis
settings, and a fingerprint of every input file and of the computing code. A year is recomputed only
when one of these has changed, and then with the *same* specs: the spec files the results name
(as they read now), or the spec as recorded when its file is gone. A year without saved results
takes the spec of each index in force that year (:func:`bnn_lib.spec.default_spec`); a spec
asked for on the command line holds for every year of the command. A spec asked for that
differs from the one saved results were computed with is a :class:`SpecMismatchError`, stated
and never silently resolved. Each year is written whole or not at all; a refused year keeps its
previous results and the outcome says so.
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bnn_lib.analyses import Analyses
from bnn_lib.intake import DataError, Problem
from bnn_lib.intake.files import LOCK, is_system
from bnn_lib.paths import code_hash, file_hash
from bnn_lib.pipeline import compute_years
from bnn_lib.results import Results, load_results
from bnn_lib.spec import IndexSpec, SpecError, choose_specs, load_spec, parse_spec


class SpecMismatchError(SpecError):
    """A spec asked for differs from the one the saved results of a year were computed with."""


@dataclass
class YearPlan:
    """What to do with one year: compute (``reason`` says why) or use the saved results."""

    year: int
    specs: dict[str, IndexSpec]
    analyses: Analyses
    reason: str = ""  # empty: the saved results are up to date
    notes: list[str] = field(default_factory=list)  # spec changes worth stating

    @property
    def compute(self) -> bool:
        return bool(self.reason)


@dataclass
class YearOutcome:
    """What happened to one year's results: ``updated``, ``kept`` (up to date) or ``refused``."""

    year: int
    status: str
    message: str = ""
    warnings: list[Problem] = field(default_factory=list)


def fingerprint(data: Path, year: int) -> dict:
    """What a year's results depend on besides the specs and the analysis settings (which the
    results record): every file of ``data/<year>/`` and of the year before (its change tables,
    back-cast and IKKRN before statuses read it; path relative to ``data`` → SHA-256), and the
    computing code. :func:`build` adds when the year before's results were computed."""
    return {"data": _files(data, year), "data_before": _files(data, year - 1), "code": code_hash()}


def _files(data: Path, year: int) -> dict[str, str]:
    return {
        p.relative_to(data).as_posix(): file_hash(p)
        for p in sorted((data / str(year)).rglob("*"))
        if p.is_file() and not is_system(p.name) and not p.name.startswith(LOCK)  # a lock comes and goes
    }


def _computed_at(out: Path, year: int) -> str | None:
    return (saved_meta(out, year) or {}).get("computed_at")


def saved_meta(out: Path, year: int) -> dict | None:
    """The ``specs.json`` of a year's saved results, or None if there are none, or if it is
    unreadable or not what :meth:`Results.save` writes (edited by hand): recomputed then."""
    path = out / str(year) / "results" / "specs.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    specs = meta.get("specs") if isinstance(meta, dict) else None
    usable = isinstance(specs, dict) and all(
        isinstance(s, dict) and isinstance(s.get("spec"), dict) and isinstance(s.get("path"), str)
        for s in specs.values()
    )
    return meta if usable else None


def plan_years(
    years: list[int],
    data: Path,
    out: Path,
    overrides: dict[str, str] | None = None,
    analyses: Analyses | None = None,
    *,
    reuse: bool = True,
) -> list[YearPlan]:
    """A plan for each year. With ``reuse`` (``bnn reports``), a year whose saved results are up
    to date is not recomputed and the others keep their saved specs; without it (``bnn
    compute``), every year is computed with ``overrides`` (for every year) over the specs in
    force that year, and a change of spec from the saved results is noted. Raises
    :class:`SpecMismatchError` (all years listed) before anything is computed when ``reuse``
    meets a requested spec unlike the saved one."""
    plans, mismatches = [], []
    for year in sorted(years):
        meta = saved_meta(out, year)
        asked = choose_specs(overrides, year)
        specs, notes, differ = _specs_for(meta, asked, set(overrides or ()), reuse)
        mismatches += [f"{year}: {d}" for d in differ]
        settings = analyses or _saved_analyses(meta) or Analyses()
        reason = "" if reuse else "asked"
        if reuse and not mismatches:
            reason = _staleness(meta, data, out, year, specs, settings, explicit=analyses is not None)
        plans.append(YearPlan(year, specs, settings, reason, notes))
    if mismatches:
        raise SpecMismatchError(
            "the saved results were computed with other specs:\n  "
            + "\n  ".join(mismatches)
            + "\nDrop --spec to use the saved results, or recompute them with "
            "`bnn compute --year YEAR --spec INDEX=SPEC` first."
        )
    for earlier, later in itertools.pairwise(plans):
        # A year's change tables are computed against the year before it.
        if earlier.compute and later.year == earlier.year + 1 and not later.compute:
            later.reason = f"{earlier.year} dihitung ulang (perubahan tahunan)"
    return plans


def _specs_for(
    meta: dict | None, asked: dict[str, IndexSpec], overridden: set[str], reuse: bool
) -> tuple[dict[str, IndexSpec], list[str], list[str]]:
    """The specs to compute a year with, notes on changes from the saved ones, and mismatches."""
    saved = (meta or {}).get("specs", {})
    specs, notes, differ = dict(asked), [], []
    for key, record in saved.items():
        if key not in asked:
            continue
        was = parse_spec(record["spec"], source=record["path"])
        if reuse and key not in overridden:
            specs[key] = _current(record) or was
        elif asked[key].content() != was.content():
            change = f"{key}: saved {_label(was)}, asked {_label(asked[key])}"
            (differ if reuse else notes).append(change)
    return specs, notes, differ


def _current(record: dict) -> IndexSpec | None:
    """The spec file the saved results name, as it reads now (None if it is gone)."""
    path = Path(record["path"])
    return load_spec(path) if path.is_file() else None


def _label(spec: IndexSpec) -> str:
    return f"{spec.id} {spec.version} ({spec.path})"


def _saved_analyses(meta: dict | None) -> Analyses | None:
    recorded = (meta or {}).get("analyses")
    try:
        return Analyses(**recorded) if isinstance(recorded, dict) else None
    except TypeError:  # settings of another version: the defaults, and the year is recomputed
        return None


def _staleness(
    meta: dict | None, data: Path, out: Path, year: int, specs: dict[str, IndexSpec], analyses: Analyses, explicit: bool
) -> str:
    """Why a year's saved results are out of date, or "" if they are not."""
    if meta is None:
        return "belum ada hasil tersimpan"
    if not (data / str(year)).is_dir():
        return ""  # results with no input folder (copied from elsewhere): use them as they are
    saved = meta.get("fingerprint") or {}
    now = fingerprint(data, year)
    for part in ("data", "data_before"):
        changed = sorted({name for name, _ in set(saved.get(part, {}).items()) ^ set(now[part].items())})
        if changed:
            more = f" dan {len(changed) - 3} lainnya" if len(changed) > 3 else ""
            return f"input berubah: {', '.join(changed[:3])}{more}"
    if saved.get("results_before") != _computed_at(out, year - 1):
        return f"hasil {year - 1} dihitung ulang sejak itu"
    if saved.get("code") != now["code"]:
        return "kode perhitungan berubah"
    if explicit and meta.get("analyses") != asdict(analyses):
        return "pengaturan analisis lain"
    for key, record in meta.get("specs", {}).items():
        if key in specs and specs[key].content() != record["spec"]:
            return f"berkas spesifikasi {record['path']} berubah"
    return ""


def build(
    plans: list[YearPlan], data: Path, out: Path, start_method: str = "auto", progress: bool = False
) -> list[YearOutcome]:
    """Compute the years that need it, save each one whole, and say what happened to every year.

    The years are computed together (in parallel), each with the specs of its plan; each is then
    saved atomically, so a year is either wholly updated or left exactly as it was. A year's
    change tables use the year before it, freshly computed or as saved (across a change of spec,
    its back-cast: :func:`bnn_lib.pipeline.compute_years`). ``progress``: a bar of the years done.
    """
    todo = [p for p in plans if p.compute]
    outcomes = {p.year: YearOutcome(p.year, "kept", "sudah mutakhir") for p in plans if not p.compute}
    for group in _by_settings(todo):
        specs = {p.year: p.specs for p in group}
        earlier = {y - 1: r for y in specs if y - 1 not in specs and (r := _saved(out, y - 1)) is not None}
        # Taken before computing: a file changed meanwhile makes the results out of date, not right.
        prints = {year: fingerprint(data, year) for year in specs}
        computed, errors = compute_years(
            list(specs),
            data,
            specs.__getitem__,
            group[0].analyses,
            earlier,
            start_method=start_method,
            progress=progress,
        )
        for year, exc in errors.items():
            kept = "hasil sebelumnya dipertahankan" if saved_meta(out, year) else "belum ada hasil tahun ini"
            outcomes[year] = YearOutcome(year, "refused", f"{_short(exc)}; {kept}")
        for year, results in sorted(computed.items()):  # the year before is saved first
            results.fingerprint = prints[year] | {"results_before": _computed_at(out, year - 1)}
            folder = results.save(out / str(year) / "results")
            outcomes[year] = YearOutcome(year, "updated", f"{len(results.tables)} tabel di {folder}", results.warnings)
    for p in todo:
        if p.notes and outcomes[p.year].status == "updated":
            outcomes[p.year].message += "; spesifikasi berbeda dari hasil tersimpan: " + "; ".join(p.notes)
    return [outcomes[p.year] for p in plans]


def _by_settings(plans: list[YearPlan]) -> list[list[YearPlan]]:
    """Years that share analysis settings, computed together (each with its own specs)."""
    groups: dict[str, list[YearPlan]] = {}
    for p in plans:
        groups.setdefault(json.dumps(asdict(p.analyses)), []).append(p)
    return list(groups.values())


def _saved(out: Path, year: int) -> Results | None:
    folder = out / str(year) / "results"
    try:
        return load_results(year, folder) if (folder / "specs.json").exists() else None
    except (OSError, ValueError, SpecError):
        return None  # unreadable earlier results only cost the change tables


def _short(exc: Exception) -> str:
    if isinstance(exc, DataError):
        return f"input ditolak ({len(exc.problems)} masalah), yang pertama: {exc.problems[0]}"
    return str(exc)


def check_writable(path: Path) -> str | None:
    """Why ``path`` (a folder to write into) cannot be used, or None if it can."""
    if path.exists() and not path.is_dir():
        return f"{path} adalah berkas, bukan folder"
    existing = next((p for p in [path, *path.parents] if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return f"tidak dapat menulis ke {path}: {existing} tidak dapat ditulisi"
    return None
