"""Sensitivity of a survey index to its assumptions (the JRC / COINr practice).

The elements of a spec that no source states (inferred or assumed) become uncertain inputs of
a Monte Carlo run:

| input group            | when varied                          | values                                |
|------------------------|--------------------------------------|---------------------------------------|
| ``variable_weights``   | ``[weighting]`` is not documented    | each W_v × U(1 − δ, 1 + δ), δ = 25 %  |
| ``indicator_weights``  | ``[weighting]`` is not documented    | each w_i × U(1 − δ, 1 + δ)            |
| ``aggregation``        | ``[aggregation]`` is not documented  | arithmetic or geometric               |
| ``unit_weighting``     | ``[aggregation]`` is not documented  | equal weight per unit, or pooled      |
|                        | (not for an index computed per group)|                                       |
| ``bands``              | the spec states both band schemes    | fixed or equal-interval               |
|                        | (fixed bands and equal-interval      |                                       |
|                        | labels), whatever its provenance     |                                       |

The other elements no source states cannot be varied from the group sums, or change no value;
:func:`inputs_table` says which, and why, for the reports.

Each run recomputes every kab/kota's index from the saved group sums (vectorised over runs) and
ranks them. Outputs: each kab/kota's nominal rank, median rank and 5–95 % rank interval; for
each input group, Sobol first-order and total indices (SALib: Saltelli's sampling and Jansen /
Sobol estimators, with groups) of two outputs — the mean absolute rank shift from the nominal
ranking and the share of kab/kota whose band changes; and a drop-one-indicator table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from bnn_lib.aggregate import index_arrays, kabkota_mean, rescale, variable_weights
from bnn_lib.bands import band_decimals, band_position, lowers_by_row
from bnn_lib.ranking import ranks
from bnn_lib.scoring import entity_indicators
from bnn_lib.spec import Bands, IndexSpec
from bnn_lib.uncertainty import REPORTED

DELTA = 0.25
OTHER = {
    "arithmetic": "geometric",
    "geometric": "arithmetic",
    "equal_unit": "pooled",
    "pooled": "equal_unit",
    "fixed": "equal_interval",
    "equal_interval": "fixed",
}


@dataclass
class Model:
    """Everything a run needs, precomputed once: S_{e,i} under both unit weightings.

    Entities e are kab/kota, or (kab/kota, group) for an index computed per group (IKP), whose
    kab/kota value is then the mean of its groups (``groups``: the (kab/kota, group) of each entity).
    """

    spec: IndexSpec
    kabkota: pd.Index
    indicators: list[str]
    equal_unit: np.ndarray  # E × I
    pooled: np.ndarray  # E × I
    groups: pd.MultiIndex | None = None

    @classmethod
    def from_group_sums(cls, sums: pd.DataFrame, weights: pd.DataFrame, spec: IndexSpec) -> Model:
        """From :func:`bnn_lib.scoring.group_sums` (rows: kab/kota × group; groups not asked
        an indicator already blanked)."""

        def under(weighting: str) -> pd.DataFrame:
            aggregation = spec.aggregation.model_copy(update={"unit_weighting": weighting})
            return entity_indicators(sums, weights, spec.model_copy(update={"aggregation": aggregation}))

        equal_unit, pooled = under("equal_unit"), under("pooled")
        indicators = [i.id for i in spec.indicators]
        kabkota, groups = equal_unit.index, None
        if spec.aggregation.by_group:
            groups = equal_unit.index
            kabkota = pd.Index(groups.get_level_values("kabkota_code").unique(), name="kabkota_code")
        return cls(
            spec,
            kabkota,
            indicators,
            equal_unit[indicators].to_numpy(),
            pooled.reindex(equal_unit.index)[indicators].to_numpy(),
            groups,
        )

    def inputs(self) -> dict[str, int]:
        """The varied input groups and how many sample columns each takes."""
        return varied(self.spec, len(self.indicators))

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, list[str | None]]:
        """I100 (runs × K) and the band mode of each run, for sample rows ``x`` in [0, 1]."""
        spec, columns, runs = self.spec, self._columns(), len(x)
        w_ind = np.array([i.weight for i in spec.indicators], float)[None, :].repeat(runs, 0)
        w_var = np.array(list(variable_weights(spec).values()), float)[None, :].repeat(runs, 0)
        if "indicator_weights" in columns:
            w_ind = w_ind * (1 - DELTA + 2 * DELTA * x[:, columns["indicator_weights"]])
            w_var = w_var * (1 - DELTA + 2 * DELTA * x[:, columns["variable_weights"]])
        method = np.full(runs, spec.aggregation.method, dtype=object)
        pooling = np.full(runs, spec.aggregation.unit_weighting, dtype=object)
        mode = np.full(runs, spec.bands.mode, dtype=object)
        for name, current, target in (
            ("aggregation", method, spec.aggregation.method),
            ("unit_weighting", pooling, spec.aggregation.unit_weighting),
            ("bands", mode, spec.bands.mode),
        ):
            if name in columns:
                current[x[:, columns[name]][:, 0] >= 0.5] = OTHER[target]
        s = np.where((pooling == "pooled")[:, None, None], self.pooled[None], self.equal_unit[None])  # R × K × I
        _, index = index_arrays(s, spec, w_ind, w_var, geometric=method == "geometric")
        if self.groups is not None:
            index = kabkota_mean(pd.DataFrame(index.T, index=self.groups)).reindex(self.kabkota).to_numpy().T
        return rescale(index, spec.rescale), list(mode)

    def bands(self, values: np.ndarray, modes: list[str]) -> np.ndarray:
        """Band label of each kab/kota in each run (runs × K), under each run's band mode."""
        bands = self.spec.bands
        out = np.empty(values.shape, dtype=object)
        for mode, labels in (("fixed", [b.label for b in bands.fixed]), ("equal_interval", bands.labels)):
            runs = np.array([m == mode for m in modes])
            if runs.any():
                lowers = lowers_by_row(values[runs], bands, mode)
                position = band_position(values[runs], lowers, band_decimals(bands, mode))
                out[runs] = np.array(labels, dtype=object)[position]
        return out

    def _columns(self) -> dict[str, np.ndarray]:
        columns, start = {}, 0
        for name, width in self.inputs().items():
            columns[name] = np.arange(start, start + width)
            start += width
        return columns


def varied(spec: IndexSpec, n_indicators: int | None = None) -> dict[str, int]:
    """The input groups the Monte Carlo varies for ``spec`` (module docstring) and how many sample
    columns each takes."""
    groups = {}
    if spec.weighting is not None and not spec.weighting.documented:
        groups["variable_weights"] = len(spec.variables)
        groups["indicator_weights"] = len(spec.indicators) if n_indicators is None else n_indicators
    if spec.aggregation is not None and not spec.aggregation.documented:
        groups["aggregation"] = 1
        if not spec.aggregation.by_group:  # one group per entity: nothing to pool
            groups["unit_weighting"] = 1
    if spec.bands is not None and both_schemes(spec.bands):
        groups["bands"] = 1
    return groups


def both_schemes(bands: Bands) -> bool:
    """Whether the spec states fixed bands and equal-interval labels, so that the band rule not
    in force can be tried: BNN itself has used both (docs/methodology.md §2.2 item 3)."""
    return bool(bands.fixed) and len(bands.labels) >= 2


# Why an element that no source states is not among the inputs varied, in the reports' words.
NOT_VARIED = {
    "scale": "skala jawaban dan aturan butir kosong menentukan skor tiap responden; analisis ini bekerja dari "
    "skor kelompok yang sudah dihitung",
    "rescale": "konversi linear tidak mengubah peringkat; alternatif I4/4 × 100 bertentangan dengan kategori 2021 "
    "yang dipublikasikan",
    "bands": "spesifikasi tidak memuat skema kategori alternatif",
    "indicators": "kelompok responden yang menjawab tiap indikator ditentukan oleh kuesioner; data hanya memuat "
    "jawaban kelompok yang ditanya",
    "reporting": "hanya mengatur apa yang ditampilkan, tidak mengubah nilai",
    "variables": "struktur variabel; tidak ada struktur alternatif untuk dibandingkan",
    "groups": "kelompok responden; tidak ada pengelompokan alternatif",
}
# The spec section each input group varies.
VARIES = {
    "variable_weights": "weighting",
    "indicator_weights": "weighting",
    "aggregation": "aggregation",
    "unit_weighting": "aggregation",
    "bands": "bands",
}


def inputs_table(spec: IndexSpec) -> pd.DataFrame:
    """Each kind of element of ``spec`` that no source states (inferred or assumed, questionnaire
    items apart): ``element`` (a spec section, or ``indicators``/``variables``/``groups``),
    ``provenance`` (the weakest of its elements), ``count``, ``varied`` (the input groups that
    vary it, "; "-joined, or "") and ``reason`` (why not varied)."""
    kinds: dict[str, list[str]] = {}
    for path, element in spec.elements():
        if element.documented or ".items[" in path:
            continue
        kind = path.split("[")[0].split(".")[0]
        kind = "indicators" if ".indicators[" in path else kind
        kinds.setdefault(kind, []).append(element.provenance)
    inputs = varied(spec)
    rows = []
    for kind, provenances in kinds.items():
        groups = [name for name in inputs if VARIES[name] == kind]
        rows.append(
            {
                "element": kind,
                "provenance": "assumed" if "assumed" in provenances else "inferred",
                "count": len(provenances),
                "varied": "; ".join(groups),
                "reason": "" if groups else NOT_VARIED.get(kind, ""),
            }
        )
    return pd.DataFrame(rows, columns=["element", "provenance", "count", "varied", "reason"])


def problem(model: Model) -> dict:
    """The SALib problem: one [0, 1] variable per sample column, grouped by input group."""
    names, groups = [], []
    for name, width in model.inputs().items():
        names += [f"{name}[{j}]" for j in range(width)]
        groups += [name] * width
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names), "groups": groups}


def sobol(func: Callable[[np.ndarray], np.ndarray], salib_problem: dict, base: int, seed: int = 1) -> pd.DataFrame:
    """Sobol first-order (S1) and total (ST) indices of ``func`` with SALib, per input (group).

    ``func`` maps sample rows to one output per row. ``base`` (a power of two) is N; the design
    has N·(G + 2) rows for G inputs (no second-order terms).
    """
    x = sobol_sample.sample(salib_problem, base, calc_second_order=False, seed=seed)
    y = func(x)
    result = sobol_analyze.analyze(salib_problem, y, calc_second_order=False, conf_level=REPORTED, seed=seed)
    names = list(dict.fromkeys(salib_problem.get("groups") or salib_problem["names"]))
    return pd.DataFrame(
        {
            "input": names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )


# The rank interval: the 5th and 95th percentiles of a kab/kota's rank over the runs.
RANK_PERCENTILES = (5, 95)


def rank_columns() -> tuple[str, str]:
    """The columns of the rank interval: ("p05_rank", "p95_rank")."""
    return tuple(f"p{p:02d}_rank" for p in RANK_PERCENTILES)


@dataclass
class Sensitivity:
    """The outputs of :func:`run`."""

    ranks: pd.DataFrame  # per kab/kota: nominal, median, p05, p95 rank, share of runs with another band
    sobol: pd.DataFrame  # per input group and output: S1, ST with confidence
    drop_one: pd.DataFrame  # per indicator: mean and max |rank shift|, band changes when it is dropped
    runs: int


# The Saltelli design's base N (a power of two, two at least: the Sobol estimators compare pairs
# of rows); the design has N·(G + 2) runs for G input groups, so with every group varied (VARIES)
# the smallest design is MIN_SAMPLES runs: fewer asked would still run that many.
MIN_BASE = 2
MIN_SAMPLES = MIN_BASE * (len(VARIES) + 2)


def run(model: Model, samples: int = 2000, seed: int = 1) -> Sensitivity:
    """The Monte Carlo of the module docstring with about ``samples`` runs (Saltelli design)."""
    salib_problem = problem(model)
    n_inputs = len(model.inputs())
    base = 2 ** max(int(np.log2(MIN_BASE)), int(np.round(np.log2(samples / (n_inputs + 2)))))
    nominal_values, nominal_modes = model.evaluate(np.zeros((1, salib_problem["num_vars"])))
    nominal_rank = ranks(nominal_values)[0]
    nominal_band = model.bands(nominal_values, nominal_modes)[0]
    low, high = rank_columns()
    if n_inputs == 0:  # every element documented: nothing to vary, every interval is the nominal rank
        table = pd.DataFrame(
            {
                "nominal_rank": nominal_rank,
                "median_rank": nominal_rank,
                low: nominal_rank,
                high: nominal_rank,
                "share_other_band": 0.0,
            },
            index=model.kabkota,
        )
        return Sensitivity(
            table.reset_index(), pd.DataFrame(columns=["input", "S1", "ST", "output"]), drop_one(model), 1
        )
    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def outputs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = x.tobytes()
        if key not in cache:
            values, modes = model.evaluate(x)
            cache[key] = (ranks(values), model.bands(values, modes))
        return cache[key]

    def rank_shift(x: np.ndarray) -> np.ndarray:
        return np.nanmean(np.abs(outputs(x)[0] - nominal_rank), axis=1)

    def band_change(x: np.ndarray) -> np.ndarray:
        return (outputs(x)[1] != nominal_band).mean(axis=1)

    tables = [
        sobol(f, salib_problem, base, seed).assign(output=name)
        for name, f in (("mean_abs_rank_shift", rank_shift), ("share_band_changed", band_change))
    ]
    design = sobol_sample.sample(salib_problem, base, calc_second_order=False, seed=seed)
    all_ranks, all_bands = outputs(design)
    table = pd.DataFrame(
        {
            "nominal_rank": nominal_rank,
            "median_rank": np.nanmedian(all_ranks, axis=0),
            low: np.nanpercentile(all_ranks, RANK_PERCENTILES[0], axis=0),
            high: np.nanpercentile(all_ranks, RANK_PERCENTILES[1], axis=0),
            "share_other_band": (all_bands != nominal_band).mean(axis=0),
        },
        index=model.kabkota,
    )
    return Sensitivity(table.reset_index(), pd.concat(tables, ignore_index=True), drop_one(model), len(design))


def drop_one(model: Model) -> pd.DataFrame:
    """Each indicator left out in turn (weight 0): how far the ranking and the bands move."""
    spec = model.spec
    x0 = np.zeros((1, problem(model)["num_vars"]))
    base_values, base_modes = model.evaluate(x0)
    base_rank, base_band = ranks(base_values)[0], model.bands(base_values, base_modes)[0]
    rows = []
    for position, indicator in enumerate(model.indicators):
        weights = [i.weight if j != position else 0.0 for j, i in enumerate(spec.indicators)]
        reduced = replace(model, spec=spec.model_copy(update={"variables": _with_indicator_weights(spec, weights)}))
        values, modes = reduced.evaluate(x0)
        shift = np.abs(ranks(values)[0] - base_rank)
        rows.append(
            {
                "indicator_id": indicator,
                "mean_abs_rank_shift": float(np.nanmean(shift)),
                "max_abs_rank_shift": float(np.nanmax(shift)),
                "n_band_changed": int((reduced.bands(values, modes)[0] != base_band).sum()),
            }
        )
    return pd.DataFrame(rows)


def _with_indicator_weights(spec: IndexSpec, weights: list[float]) -> list:
    it = iter(weights)
    return [
        v.model_copy(update={"indicators": [i.model_copy(update={"weight": next(it)}) for i in v.indicators]})
        for v in spec.variables
    ]
