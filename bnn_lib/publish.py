"""Results fit to publish: small cells flagged when computed, suppressed in a public copy.

A value computed from very few respondents is both imprecise and close to telling what those
respondents answered. Every result row that carries ``n_respondents`` gets ``small_cell``
(fewer than :data:`MIN_CELL`). :func:`export` copies a year's results folder; with
``public=True`` the copy holds aggregates only (no table with a respondent id, no bootstrap
replicates), with the values of small cells blanked, and with them every figure from which a
blanked one could be worked out: the partners and totals that :mod:`bnn_lib.disclosure`
chooses (why that is enough is said there), found in each table by :func:`blanks`.
``specs.json`` keeps the specs and drops the input file list and the warnings, which quote
input rows, and gives spec files by name only.

Blanking keeps a row in place and the columns that say which row it is (:data:`KEEP`), so that
a reader sees what was suppressed; only a priority item on a blanked figure is left out of its
list (its reason alone would tell something of the figure).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib import disclosure, measures
from bnn_lib.disclosure import Plan
from bnn_lib.regions import NATIONAL
from bnn_lib.spec import MIN_CELL
from bnn_lib.writing import atomic_folder, write_csv

# Columns that say which row it is or how the cell was made, and stay in a suppressed row.
KEEP = {"kabkota_code", "kabkota", "province_code", "region_code", "region", "level", "group", "indicator_id"}
KEEP |= {"variable_id", "spec_id", "spec_version", "year", "small_cell"}
# … and in the KPI, band, sensitivity and audit tables, what a row is about.
KEEP |= {"measure", "label", "index", "input", "output", "kind", "a", "b", "variable", "basis"}
# Columns named n_… that count kab/kota or respondents, not kab/kota by band.
NOT_COUNTS = {"n_measured", "n_kabkota", "n_common", "n_now", "n_before", "n_respondents"}
# The respondents of a region, and the fewest and most of one of its kab/kota: blanked where a
# kab/kota of the region is (:func:`_columns`), not counts by band.
RESPONDENTS = ("n_respondents", "n_respondents_min", "n_respondents_max")
NOT_COUNTS |= set(RESPONDENTS)
NOT_COUNTS |= {"n_ranked_national", "n_ranked_province", "n_intervened", "n_comparison"}
NOT_PUBLIC = ("_bootstrap",)  # replicate-level tables: working data, not published figures
EXPORTED = "exported"  # marks the specs.json of a copy: only such a folder is replaced by a new one


def flag_small_cells(
    tables: dict[str, pd.DataFrame], min_cell: int | Mapping[str, int] = MIN_CELL
) -> dict[str, pd.DataFrame]:
    """The tables, each with ``small_cell`` beside ``n_respondents`` where it has one.
    ``min_cell`` is one number, or one per index (``{"ikp": 8}``: tables named ``ikp_…``)."""

    def smallest(name: str) -> int:
        if isinstance(min_cell, int):
            return min_cell
        return min_cell.get(name.split("_", 1)[0], MIN_CELL)

    return {
        name: frame.assign(small_cell=frame["n_respondents"] < smallest(name)) if "n_respondents" in frame else frame
        for name, frame in tables.items()
    }


def suppress(
    tables: dict[str, pd.DataFrame],
    min_cell: int | Mapping[str, int] = MIN_CELL,
    pooled: Collection[str] = (),
    earlier: dict[str, pd.DataFrame] | None = None,
) -> tuple[dict[str, pd.DataFrame], int]:
    """The public tables and the number of rows with a value blanked (or, in ``prioritas``, left
    out).

    Blanked: the small cells, and every figure from which one could be worked out
    (:mod:`bnn_lib.disclosure` decides which; :func:`blanks` finds them in each table).
    ``pooled``: the index keys whose spec pools respondents across groups; ``earlier``: the
    tables of the year before, whose public copy's blanks this year's changes must not undo."""
    before = disclosure.plans(flag_small_cells(earlier, min_cell), pooled) if earlier else None
    flagged = flag_small_cells(tables, min_cell)
    plans = disclosure.plans(flagged, pooled, before)
    public, blanked = {}, 0
    for name, frame in flagged.items():
        if "respondent_id" in frame or name.endswith(NOT_PUBLIC):
            continue
        if name == "prioritas":
            public[name] = _priorities(frame, plans)
            blanked += len(frame) - len(public[name])
            continue
        hide = blanks(name, frame, plans)
        public[name] = frame.mask(hide)
        blanked += int(hide.any(axis=1).sum())
    return public, blanked


def blanks(name: str, frame: pd.DataFrame, plans: dict[str, Plan]) -> pd.DataFrame:
    """The cells of table ``name`` to blank (True), never in a column that says which row it is."""
    hide = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    rows = frame["small_cell"].to_numpy(dtype=bool, copy=True) if "small_cell" in frame else np.zeros(len(frame), bool)
    key = name.split("_", 1)[0]
    plan = plans.get(f"{key}_backcast" if name.startswith(f"{key}_backcast") else key)
    if name == "kpi":
        rows |= _kpi_rows(frame, plans)
    elif name == "output_association":  # a regression over every kab/kota: solvable for one
        rows |= frame["index"].map(lambda i: i in plans and bool(plans[i].kabkota | plans[i].earlier)).to_numpy(bool)
    elif plan is not None:
        rows |= _rows(frame, plan)
        if name.endswith("_change"):
            rows |= frame["region_code"].isin(plan.earlier).to_numpy()
        if plan.kabkota and name.endswith(disclosure.WHOLE_SET):
            rows[:] = True
        for column, cells in _columns(name, frame, plan).items():
            hide[column] |= cells
    hide.loc[rows] = True
    return hide[[c for c in frame.columns if c not in KEEP]].reindex(columns=frame.columns, fill_value=False)


def _pairs(first: pd.Series, second: pd.Series) -> pd.Series:
    """(first, second) of each row, as one Series of tuples."""
    return pd.Series(list(zip(first, second, strict=True)), index=first.index, dtype=object)


def _rows(frame: pd.DataFrame, plan: Plan) -> np.ndarray:
    """The rows of a table of one survey index that hold a blanked figure whole: of a blanked
    kab/kota, group, province or nation, or a blanked group's mean over a region."""
    hide = pd.Series(False, index=frame.index)
    if "kabkota_code" in frame:
        hide |= frame["kabkota_code"].isin(plan.kabkota)
        if "group" in frame:
            hide |= _pairs(frame["kabkota_code"], frame["group"]).isin(plan.groups)
    if "region_code" in frame:
        hide |= frame["region_code"].isin(plan.kabkota | plan.regions)
        if "group" in frame:
            hide |= _pairs(frame["region_code"], frame["group"]).isin(plan.group_totals)
        if "variable_id" in frame:
            hide |= _pairs(frame["region_code"], frame["variable_id"]).isin(plan.variable_totals)
    return hide.to_numpy(dtype=bool)


def _columns(name: str, frame: pd.DataFrame, plan: Plan) -> dict[str, pd.Series]:
    """The blanked cells of single columns: band counts, ranks, national means, band edges."""
    out: dict[str, pd.Series] = {}
    every = pd.Series(True, index=frame.index)
    if "region_code" in frame and plan.counts:
        out |= {c: frame["region_code"].isin(plan.counts) for c in frame.columns if _is_count(c)}
    if plan.kabkota and "level" in frame:  # a region's respondents, less those published, give a blanked n
        holding = frame["region_code"].isin(plan.provinces | {NATIONAL}) & (frame["level"] != "kabkota")
        out |= {c: holding for c in RESPONDENTS if c in frame}
    if plan.kabkota and "rank_national" in frame:
        out["rank_national"] = every  # of a kab/kota, or of a province among the provinces
        if "rank_province" in frame:
            out["rank_province"] = frame["province_code"].isin(plan.provinces)
    national = [c for c in frame.columns if c == "national_100" or c.startswith("diff")]
    for column, totals in (("group", plan.group_totals), ("variable_id", plan.variable_totals)):
        if national and column in frame:
            gone = frame[column].map(lambda c, t=totals: NATIONAL in plan.regions or (NATIONAL, c) in t)
            out |= {c: gone for c in national}
    if name.endswith("_change") and plan.changes:  # over the kab/kota of both years
        over_common = [c for c in frame.columns if not c.endswith("_all") and c not in NOT_COUNTS]
        out |= {c: frame["region_code"].isin(plan.changes) for c in over_common}
    if plan.edges and name.endswith("_bands"):
        out |= {c: every for c in ("lower", "upper", "lower_scale", "upper_scale") if c in frame}
    return {c: cells.astype(bool) for c, cells in out.items() if c in frame}


def _is_count(column: str) -> bool:
    """Whether a region table's column counts kab/kota by band (``n_Tanggap``, ``n_success…``,
    ``pct_success``), not by being measured."""
    return column == "pct_success" or (column.startswith("n_") and column not in NOT_COUNTS)


def _kpi_rows(frame: pd.DataFrame, plans: dict[str, Plan]) -> np.ndarray:
    """The KPI rows that repeat a blanked figure: a survey index of a blanked kab/kota, province
    or nation, or a blanked band count."""
    hide = np.zeros(len(frame), bool)
    for m in measures.outcomes():
        plan = plans.get(m.index)
        if plan is not None:
            closed = plan.kabkota | plan.regions | (plan.counts if m.column == "n_success" else set())
            hide |= ((frame["measure"] == m.id) & frame["region_code"].isin(closed)).to_numpy()
    return hide


def _priorities(frame: pd.DataFrame, plans: dict[str, Plan]) -> pd.DataFrame:
    """The ``prioritas`` list without its items that state a blanked figure, and without the rank
    and flag count where an item was left out (a gap would tell that a blanked kab/kota was
    listed); the success band's edge, where the edges are blanked, goes from the rest."""
    drop = pd.Series(False, index=frame.index)
    edge = pd.Series(False, index=frame.index)
    for key, plan in plans.items():
        mine = frame["index"] == key
        drop |= mine & _stating_blanked(frame, plan)
        edge |= mine & plan.edges
    kept = frame[~drop].copy()
    kept["reference"] = kept["reference"].mask(edge[~drop])
    lists = set(_pairs(frame.loc[drop, "level"], frame.loc[drop, "code"]))
    kept["rank"] = kept["rank"].mask(_pairs(kept["level"], kept["code"]).isin(lists))
    kept["n_flagged"] = kept["n_flagged"].mask(kept["kabkota_code"].isin(set(frame.loc[drop, "kabkota_code"])))
    return kept.reset_index(drop=True)


def _stating_blanked(frame: pd.DataFrame, plan: Plan) -> pd.Series:
    """The priority items (of any index) on a figure ``plan`` blanks: a kab/kota, a group, a
    region, or a national mean that a weak group or variable is measured against."""
    nation, component = NATIONAL in plan.regions, frame["component"]
    own_group = _pairs(frame["kabkota_code"], component).isin(plan.groups)
    group_mean = component.map(lambda g: nation or (NATIONAL, g) in plan.group_totals)
    variable_mean = component.map(lambda v: nation or (NATIONAL, v) in plan.variable_totals)
    return (
        frame["kabkota_code"].isin(plan.kabkota)
        | ((frame["measure"] == "change") & frame["kabkota_code"].isin(plan.earlier))
        | ((frame["reason"] == "weak_group") & (own_group | group_mean))
        | ((frame["reason"] == "weak_variable") & variable_mean)
        | (frame["level"].ne("kabkota") & frame["code"].isin(plan.regions))
    ).astype(bool)


def export(results: Path, to: Path, *, public: bool, min_cell: int | None = None) -> tuple[Path, int]:
    """Copy a results folder to ``to`` (replaced whole), public or not; returns the folder and
    the number of rows blanked. A cell is blanked below each index's own minimum (its spec's
    ``[reporting] min_cell``), or below ``min_cell`` where that is larger."""
    tables = {p.stem: pd.read_parquet(p) for p in sorted(results.glob("*.parquet"))}
    meta = json.loads((results / "specs.json").read_text(encoding="utf-8"))
    blanked = 0
    if public:
        smallest = {key: max(min_cell or 1, spec_min_cell(s)) for key, s in meta.get("specs", {}).items()}
        pooled = [k for k, s in meta.get("specs", {}).items() if pools(s)]
        tables, blanked = suppress(tables, smallest, pooled, year_before(results, meta))
        meta = {k: v for k, v in meta.items() if k not in ("inputs", "warnings", "fingerprint")}
        # A spec file's folder names the machine and its user; its name is what a reader needs.
        meta["specs"] = {k: {**s, "path": Path(s["path"]).name} for k, s in meta.get("specs", {}).items()}
        meta["public"] = {"min_cell": smallest, "rows_blanked": blanked, "left_out": list(NOT_PUBLIC)}
    meta[EXPORTED] = True
    with atomic_folder(to) as staging:
        for name, frame in tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            write_csv(frame, staging / f"{name}.csv")
        (staging / "specs.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return to, blanked


def year_before(results: Path, meta: dict) -> dict[str, pd.DataFrame] | None:
    """The result tables of the year before ``results`` (a year's folder sits in
    ``<out>/<year>/results``; the replicates are not needed), or None where there are none."""
    folder = results.parent.parent / str(meta.get("year", 0) - 1) / results.name
    if not (folder / "specs.json").is_file():
        return None
    return {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet")) if not p.stem.endswith(NOT_PUBLIC)}


def pools(record: dict) -> bool:
    """Whether the spec ``specs.json`` records pools respondents across groups into one kab/kota
    mean (each group then weighs by its respondents)."""
    aggregation = record.get("spec", {}).get("aggregation") or {}
    return aggregation.get("unit_weighting") == "pooled" and not aggregation.get("by_group")


def spec_min_cell(record: dict) -> int:
    """The min cell of a spec as ``specs.json`` records it."""
    return int(record.get("spec", {}).get("reporting", {}).get("min_cell", MIN_CELL))


def target_problem(results: Path, to: Path) -> str | None:
    """Why ``to`` must not receive a copy of ``results`` (it is replaced whole), or None: it
    overlaps the results, or it is a folder that is neither empty nor an earlier export."""
    source, target = results.resolve(), to.resolve()
    if source == target or source.is_relative_to(target) or target.is_relative_to(source):
        return f"{to} overlaps the results folder {results}"
    if not to.exists() or (to.is_dir() and not any(to.iterdir())):
        return None
    try:
        earlier = json.loads((to / "specs.json").read_text(encoding="utf-8")).get(EXPORTED)
    except (OSError, ValueError, AttributeError):
        earlier = False
    return None if earlier else f"{to} exists and is not an earlier export; it would be replaced: choose a new folder"
