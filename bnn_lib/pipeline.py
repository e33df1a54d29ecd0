"""One call computes every index for a year: load → validate → score → aggregate → band → roll up.

    results = compute_year(2024)                      # the workspace's data (bnn.toml)
    results.table("ikotan_kabkota", province="Aceh")  # IKOTAN of every kab/kota of Aceh, banded

The results are tidy tables (see ``data/README.md``) that carry the spec id and version. They are
computed once per build and saved with :meth:`Results.save`; notebooks read them back with
:func:`load_results` and only draw.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from bnn_lib import measures
from bnn_lib.aggregate import kabkota_mean, rescale
from bnn_lib.analyses import Analyses, change_tables, survey_tables
from bnn_lib.association import output_association
from bnn_lib.bands import edges_table
from bnn_lib.inputs import load_inputs, outside_years
from bnn_lib.intake import DataError, Problem
from bnn_lib.kawasan_year import compute_ikkrn, compute_ikktt, kawasan_changes, kawasan_history, without_before
from bnn_lib.priorities import load_rules, priority_table
from bnn_lib.processes import die_with_parent
from bnn_lib.publish import flag_small_cells
from bnn_lib.ranking import with_province_ranks
from bnn_lib.regions import NATIONAL
from bnn_lib.results import Results
from bnn_lib.rollup import kpi_table, rollup
from bnn_lib.scoring import group_means
from bnn_lib.series import backcast_tables, breaks_table, method_breaks
from bnn_lib.spec import SURVEY_INDICES, IndexSpec, choose_specs
from bnn_lib.survey import banded_kabkota, entity_table, kabkota_table, survey_stages
from bnn_lib.tidy import tidy, with_region_names
from bnn_lib.workspace import data_folder

# -- survey indices (IKOTAN, IKP) -------------------------------------------------------------


def compute_survey(
    respondents: pd.DataFrame,
    answers: pd.DataFrame,
    spec: IndexSpec,
    name: str,
    analyses: Analyses | None = None,
    scores: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """IKOTAN-style tables from validated respondents and answers (see :mod:`bnn_lib.scoring`).

    Returns ``<name>_kabkota``, ``_variables``, ``_indicators``, ``_groups``, ``_regions``,
    ``_bands`` and, for an index computed per group (IKP), ``_environments``. With
    ``analyses``, also the uncertainty, sensitivity and audit tables of
    :mod:`bnn_lib.analyses`. ``scores``: the respondent scores, where the checks of the
    inputs computed them already (:mod:`bnn_lib.inputs`), one row per respondent in order.
    """
    people = respondents.set_index("respondent_id")
    scores, (sums, weights, heads), indicators, variables, value = survey_stages(people, answers, spec, scores)
    entity = entity_table(indicators, value, heads, spec)
    tables = {f"{name}_groups": group_means(sums, weights, heads)}
    if spec.aggregation.by_group:
        tables[f"{name}_environments"] = tidy(entity.reset_index(), spec)
        environments = entity.reset_index().rename(columns={"value": "score", "value_100": "score_100"})
        tables[f"{name}_environment_regions"] = tidy(_component_rollup(environments, "group"), spec)
        indicators, variables = kabkota_mean(indicators), kabkota_mean(variables)
    kabkota, edges = banded_kabkota(entity, spec)
    tables[f"{name}_kabkota"] = kabkota_table(kabkota, spec)
    tables[f"{name}_variables"] = tidy(_long(variables, "variable_id", spec), spec)
    tables[f"{name}_indicators"] = tidy(_long(indicators, "indicator_id", spec), spec)
    tables[f"{name}_regions"] = with_province_ranks(tidy(rollup(kabkota, spec.bands, edges), spec))
    tables[f"{name}_variable_regions"] = tidy(_component_rollup(tables[f"{name}_variables"], "variable_id"), spec)
    tables[f"{name}_bands"] = tidy(edges_table(edges, spec), spec)
    if analyses is not None:
        extra = survey_tables(
            name,
            spec,
            analyses,
            people,
            answers,
            scores,
            (sums, weights, heads),
            kabkota,
            tables[f"{name}_regions"],
            (indicators, variables),
        )
        tables |= {key: table.assign(spec_id=spec.id, spec_version=spec.version) for key, table in extra.items()}
    return tables


def _component_rollup(long: pd.DataFrame, component: str) -> pd.DataFrame:
    """Province and national means of each component (variable, environment) of a long table."""
    return rollup(long, None, None, values=("score", "score_100"), by=component)


def _long(wide: pd.DataFrame, column: str, spec: IndexSpec) -> pd.DataFrame:
    """A kab/kota × component table in long form, with the score on both scales."""
    long = wide.rename_axis(columns=column).stack(future_stack=True).rename("score").reset_index()
    return long.assign(score_100=rescale(long["score"], spec.rescale))


# -- a whole year ------------------------------------------------------------------------------


def compute_year(
    year: int,
    data: str | Path | None = None,
    specs: dict[str, str | Path | IndexSpec] | None = None,
    analyses: Analyses | None = None,
    indices: Collection[str] | None = None,
) -> Results:
    """Every index for one year from ``data/<year>/`` (default: the workspace's data), or only
    ``indices`` (keys such as "ikotan"; their input tables only are read).

    Each index is computed with the shipped spec in force in ``year``
    (:func:`bnn_lib.spec.default_spec`) unless ``specs`` gives another by key (``{"ikotan":
    "my-copy.toml"}``). ``analyses`` adds the bootstrap intervals, the sensitivity analysis and
    the audit (:mod:`bnn_lib.analyses`); :func:`compute_years` adds the year-on-year changes.
    """
    loaded = {key: spec for key, spec in choose_specs(specs, year).items() if indices is None or key in indices}
    read = load_inputs(data_folder(data), year, loaded)
    if indices is None:  # a back-cast (some indices) applies a later spec to its year on purpose
        read.warnings += outside_years(loaded, year)
    inputs = read.tables
    tables: dict[str, pd.DataFrame] = {}
    for key in SURVEY_INDICES:
        if f"{key}_answers" in inputs:
            tables |= compute_survey(
                inputs[f"{key}_respondents"],
                inputs[f"{key}_answers"],
                loaded[key],
                key,
                analyses,
                read.scores.get(key),
            )
    if "kawasan_assessments" in inputs:
        history = kawasan_history(data_folder(data), year, loaded, read.warnings)
        history[year] = inputs["kawasan_assessments"]
        tables |= compute_ikkrn(history, loaded["ikkrn"], year)
        previous = history.get(year - 1) if loaded["ikkrn"].recovery.missing_before == "previous_mapping" else None
        read.warnings += without_before(inputs["kawasan_assessments"], tables["ikkrn_recovery"], year, previous)
    if "ikktt_areas" in inputs:
        tables |= compute_ikktt(inputs["ikktt_areas"], loaded["ikktt"], year)
    outputs = inputs.get("program_outputs")
    if outputs is not None:
        tables["outputs"] = with_region_names(outputs[outputs["year"] == year].reset_index(drop=True))
    tables["kpi"] = kpi_table(realised_measures(tables), inputs.get("targets", _no_targets()), year)
    tables["assumptions"] = pd.DataFrame(
        [
            {"index": key, "spec_id": s.id, "spec_version": s.version, **a}
            for key, s in loaded.items()
            for a in s.assumptions()
        ]
    )
    used = {k: s for k, s in loaded.items() if any(t.startswith(k) for t in tables)}
    tables = flag_small_cells(tables, {key: spec.min_cell for key, spec in loaded.items()})
    tables["prioritas"] = priority_table(tables, used, load_rules())  # without last year: compute_years adds it
    return Results(year, tables, used, read.warnings, read.files, analyses=analyses)


def compute_years(
    years: list[int],
    data: str | Path | None = None,
    specs: dict[str, str | Path | IndexSpec] | Callable[[int], dict[str, IndexSpec]] | None = None,
    analyses: Analyses | None = None,
    earlier: dict[int, Results] | None = None,
    jobs: int | None = None,
    start_method: str = "auto",
    progress: bool = False,
) -> tuple[dict[int, Results], dict[int, Exception]]:
    """Several years at once, then the year-on-year changes between consecutive years.

    Each index is computed with the spec in force in each year unless ``specs`` says otherwise:
    a dict of overrides (``{"ikotan": "my-copy.toml"}``) holds for every year; a function gives
    the specs of a year. ``earlier`` (saved results by year) gives a year whose previous year is
    not computed here its change too.

    Where the spec of a survey index changes from one year to the next, the earlier year is
    back-cast: recomputed from its own data under the later year's spec, with the bootstrap but
    no sensitivity run. The later year then gets ``method_breaks``, ``<index>_backcast`` and its
    change against the back-cast instead of the year as computed (:mod:`bnn_lib.series`,
    docs/methodology.md §11.2).

    The years and back-casts run in worker processes (up to ``jobs`` at a time, default: the
    number of cores), forked from this one where that is safe, started afresh (``spawn``, the
    only way on Windows) otherwise or when ``start_method`` says so; with ``progress``, a bar
    counts the years and back-casts done. Returns the results and, separately, the error of each
    year that failed.
    """
    years, earlier = sorted(years), earlier or {}
    # Loaded once, here: a spawned worker then needs no spec files.
    chosen = {y: specs(y) if callable(specs) else choose_specs(specs, y) for y in years}
    before = {y: r.specs for y, r in earlier.items()} | chosen
    tasks = {("year", y): Task(y, chosen[y], analyses) for y in years}
    reduced = replace(analyses, samples=0) if analyses else None  # a back-cast needs no sensitivity run
    for y in years:
        keys = tuple(k for k in method_breaks(before.get(y - 1, {}), chosen[y]) if k in SURVEY_INDICES)
        if keys:  # the indices with a change table whose spec changes
            tasks[("backcast", y - 1)] = Task(y - 1, {k: chosen[y][k] for k in keys}, reduced, keys)
    with tqdm(total=len(tasks), desc="hitung", unit="tahun", disable=not progress) as bar:
        outcomes = run_tasks(tasks, data, jobs, start_method, bar.update)
    results = {y: o for (kind, y), o in outcomes.items() if kind == "year" and isinstance(o, Results)}
    errors = {y: o for (kind, y), o in outcomes.items() if kind == "year" and not isinstance(o, Results)}
    for year, now in results.items():
        prev = results.get(year - 1) or earlier.get(year - 1)
        if prev is not None:
            now.tables |= series_tables(now, prev, outcomes.get(("backcast", year - 1)))
    return results, errors


@dataclass(frozen=True)
class Task:
    """One :func:`compute_year` call: a year, its specs, its analyses and the indices computed."""

    year: int
    specs: dict[str, IndexSpec]
    analyses: Analyses | None
    indices: tuple[str, ...] | None = None

    def __call__(self, data: str | Path | None) -> Results:
        return compute_year(self.year, data, self.specs, self.analyses, self.indices)


def run_tasks(
    tasks: dict[tuple[str, int], Task],
    data: str | Path | None,
    jobs: int | None,
    start_method: str,
    done: Callable[[], object] = lambda: None,
) -> dict[tuple[str, int], Results | Exception]:
    """Every task's results, or the error that stopped it (unreadable input: :class:`DataError`,
    a missing folder), up to ``jobs`` at a time, calling ``done`` as each ends. With more than
    one, each task runs in a worker process that takes the next task as soon as it is free, so
    that years of unequal length (and the lighter back-casts) keep every core busy."""
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers == 1:
        return {key: _attempt(task, data, done) for key, task in tasks.items()}
    context = mp.get_context(start_method_for(start_method))
    # The workers die with this process: killed outright, it leaves none waiting for work.
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))
    with pool:
        futures = {key: pool.submit(_attempt, task, data) for key, task in tasks.items()}
        for _ in as_completed(futures.values()):
            done()
    return {key: f.result() for key, f in futures.items()}


def _attempt(task: Task, data: str | Path | None, done: Callable[[], object] = lambda: None) -> Results | Exception:
    """The task's results, or the input error that refused it; any other error (a fault of the
    suite) is raised, here or from the worker, and stops the command."""
    try:
        return task(data)
    except (DataError, FileNotFoundError) as exc:
        return exc
    finally:
        done()


def series_tables(now: Results, prev: Results, cast: Results | Exception | None) -> dict[str, pd.DataFrame]:
    """The tables of ``now`` that compare it with the year before (``prev``): the changes of the
    indices whose spec is the same in both and, where a spec changed, ``method_breaks``, the
    back-cast ``cast`` (``prev``'s year under ``now``'s spec) and the change against it. A
    back-cast that could not be computed leaves its index without a change, and says why."""
    breaks = method_breaks(prev.specs, now.specs)
    tables = change_tables(now.tables, prev.tables, now.specs, skip=breaks)
    if breaks:
        tables |= _across_break(now, prev, cast, breaks)
    tables |= kawasan_changes(now.tables, prev.tables)
    return tables | follow_up_tables(now.tables | tables, now.specs, prev.tables)


def follow_up_tables(
    tables: dict[str, pd.DataFrame], specs: dict[str, IndexSpec], previous: dict[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """The tables of a year that read its changes: ``prioritas`` with last year's tables (a
    decline two years running) and ``output_association`` (the programme outputs beside the
    change of each outcome index)."""
    out = {"prioritas": priority_table(tables, specs, load_rules(), previous)}
    changes = {key: tables[f"{key}_change"] for key in SURVEY_INDICES if f"{key}_change" in tables}
    if "outputs" in tables and changes:
        out["output_association"] = output_association(tables["outputs"], changes, specs)
    return out


def _across_break(now: Results, prev: Results, cast: Results | Exception | None, breaks: list[str]) -> dict:
    """``method_breaks``, the back-cast tables and the change against the back-cast, where the
    spec of an index changed between ``prev`` and ``now``."""
    tables: dict[str, pd.DataFrame] = {}
    if isinstance(cast, Exception):
        compared = ", ".join(k for k in breaks if k in SURVEY_INDICES)
        message = f"proyeksi balik {prev.year} tidak dapat dihitung ({cast}); perubahan {compared} tidak dihitung"
        now.warnings.append(Problem(f"{prev.year}/", None, None, None, message))
    cast_tables = cast.tables if isinstance(cast, Results) else {}
    cast_keys = {key for key in breaks if f"{key}_kabkota" in cast_tables}
    tables["method_breaks"] = breaks_table(now.year, prev.specs, now.specs, cast_keys)
    for key in cast_keys:
        min_cells = {k: spec.min_cell for k, spec in now.specs.items()}
        tables |= flag_small_cells(backcast_tables(key, cast_tables, prev.tables, prev.year), min_cells)
    return tables | change_tables(now.tables, cast_tables, now.specs, basis="backcast")


START_METHODS = ("auto", "fork", "spawn")  # forkserver would serve no report better than spawn


def start_method_for(asked: str) -> str:
    """The multiprocessing start method for ``asked`` ("auto", "fork" or "spawn"): "auto" forks
    on Linux, where it is safe and fast, and spawns elsewhere (Windows has nothing else; macOS
    system libraries may crash in a forked child)."""
    if asked not in START_METHODS:
        raise ValueError(f"start method {asked!r}: choose one of {', '.join(START_METHODS)}")
    if asked == "auto":
        return "fork" if sys.platform.startswith("linux") else "spawn"
    if asked not in mp.get_all_start_methods():
        raise ValueError(f"start method {asked!r} is not available here; use one of {mp.get_all_start_methods()}")
    return asked


def _no_targets() -> pd.DataFrame:
    """An empty targets table, typed as a read one is (so that it merges with the realisasi)."""
    return pd.DataFrame(
        {"measure": pd.Series(dtype="str"), "region_code": pd.Series(dtype="str"), "year": [], "target": []}
    ).astype({"year": int, "target": float})


def realised_measures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Realisasi of each KPI measure for the nation ("00"), each province and each kab/kota.

    Measures: those of :func:`bnn_lib.measures.measures`: the outcomes read off their result
    table and column (an index's kab/kota values from its kab/kota table; a count of kab/kota
    has none), the outputs summed from the outputs table.
    """
    rows = []

    def add(frame: pd.DataFrame, codes: str, column: str, measure: str) -> None:
        rows.append(pd.DataFrame({"region_code": frame[codes], "measure": measure, "realisasi": frame[column]}))

    for m in measures.outcomes():
        if m.table in tables and m.column in tables[m.table]:
            add(tables[m.table], "region_code", m.column, m.id)
        # IKOTAN and IKP keep their kab/kota values in their own table.
        kabkota = tables.get(m.table.replace("_regions", "_kabkota"))
        if kabkota is not None and m.column in kabkota and m.id in SURVEY_INDICES:
            add(kabkota, "kabkota_code", m.column, m.id)
    if "outputs" in tables:
        counted = tables["outputs"]
        for measure in (m.id for m in measures.outputs()):
            by_province = counted.groupby("province_code")[measure].sum()
            national = pd.Series({NATIONAL: counted[measure].sum()})
            by_kabkota = counted.groupby("kabkota_code")[measure].sum()
            series = pd.concat([by_kabkota, by_province, national])
            rows.append(pd.DataFrame({"region_code": series.index, "measure": measure, "realisasi": series.to_numpy()}))
    if not rows:
        return pd.DataFrame(columns=["region_code", "measure", "realisasi"])
    return pd.concat(rows, ignore_index=True).dropna(subset=["realisasi"])
