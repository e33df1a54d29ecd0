"""Results fit to publish: small cells flagged when computed, suppressed in a public copy.

A value computed from very few respondents is both imprecise and close to telling what those
respondents answered. Every result row that carries ``n_respondents`` gets ``small_cell``
(fewer than :data:`MIN_CELL`). :func:`export` copies a year's results folder; with
``public=True`` the copy holds aggregates only (no table with a respondent id, no bootstrap
replicates), with the values of small cells, and of every row of a kab/kota whose index rests
on a small cell, blanked; ``specs.json`` keeps the specs and drops the input file list and the
warnings, which quote input rows, and gives spec files by name only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.spec import MIN_CELL
from bnn_lib.writing import atomic_folder, write_csv

# Columns that say which row it is or how the cell was made, and stay in a suppressed row.
KEEP = {"kabkota_code", "kabkota", "province_code", "region_code", "region", "level", "group", "indicator_id"}
KEEP |= {"variable_id", "spec_id", "spec_version", "year", "small_cell"}
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
    tables: dict[str, pd.DataFrame], min_cell: int | Mapping[str, int] = MIN_CELL
) -> tuple[dict[str, pd.DataFrame], int]:
    """The public tables and the number of rows whose values were blanked.

    A row is blanked when it is a small cell itself, or when it belongs to a kab/kota whose
    index (``<index>_kabkota``) is a small cell: every figure of that kab/kota and index derives
    from the same few respondents."""
    flagged = flag_small_cells(tables, min_cell)
    small_kabkota = {
        name.removesuffix("_kabkota"): set(frame.loc[frame["small_cell"], "kabkota_code"])
        for name, frame in flagged.items()
        if name.endswith("_kabkota") and "small_cell" in frame
    }
    public, blanked = {}, 0
    for name, frame in flagged.items():
        if "respondent_id" in frame or name.endswith(NOT_PUBLIC):
            continue
        hide = (
            frame["small_cell"].to_numpy(dtype=bool, copy=True) if "small_cell" in frame else np.zeros(len(frame), bool)
        )
        index = name.split("_", 1)[0]
        for column in ("kabkota_code", "region_code"):
            if column in frame and small_kabkota.get(index):
                hide |= frame[column].isin(small_kabkota[index]).to_numpy()
        if {"measure", "region_code"} <= set(frame.columns):  # the KPI table: a kab/kota's realisasi
            for measure, codes in small_kabkota.items():
                hide |= ((frame["measure"] == measure) & frame["region_code"].isin(codes)).to_numpy()
        public[name] = frame.assign(**{c: frame[c].mask(hide) for c in frame.columns if c not in KEEP})
        blanked += int(hide.sum())
    return public, blanked


def export(results: Path, to: Path, *, public: bool, min_cell: int | None = None) -> tuple[Path, int]:
    """Copy a results folder to ``to`` (replaced whole), public or not; returns the folder and
    the number of rows blanked. A cell is blanked below each index's own minimum (its spec's
    ``[reporting] min_cell``), or below ``min_cell`` where that is larger."""
    tables = {p.stem: pd.read_parquet(p) for p in sorted(results.glob("*.parquet"))}
    meta = json.loads((results / "specs.json").read_text(encoding="utf-8"))
    blanked = 0
    if public:
        smallest = {key: max(min_cell or 1, spec_min_cell(s)) for key, s in meta.get("specs", {}).items()}
        tables, blanked = suppress(tables, smallest)
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
