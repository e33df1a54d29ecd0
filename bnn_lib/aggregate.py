"""Aggregation: weighted means up the index tree, and the rescale to 0–100.

The tree is computed once, over arrays (:func:`index_arrays`: indicators → variables →
dimensions → index), for the pipeline, the bootstrap and the Monte Carlo alike;
:func:`index_tables` and :func:`top_level` are its table forms (one row per entity — a kab/kota,
an environment, a kawasan — and one column per component).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from bnn_lib.spec import IndexSpec, Rescale


def weighted_mean(table: pd.DataFrame, weights: pd.Series, method: str = "arithmetic") -> pd.Series:
    """Weighted mean across columns, row by row, skipping missing values.

    arithmetic:  M = Σ_j w_j x_j / Σ_j w_j
    geometric:   M = exp(Σ_j w_j ln x_j / Σ_j w_j)

    The sums run over the columns present in a row (weights renormalised over the available
    components), so one missing indicator does not void a variable. A row with nothing present
    gives NaN. ``weights`` is indexed by column name.
    """
    w = weights.reindex(table.columns).to_numpy(dtype=float)
    return pd.Series(weighted_mean_array(table.to_numpy(dtype=float), w, method), index=table.index)


def weighted_mean_array(x: np.ndarray, w: np.ndarray, method: str = "arithmetic") -> np.ndarray:
    """:func:`weighted_mean` over the last axis of arrays that broadcast together.

    The uncertainty and sensitivity analyses call it with a leading axis of replicates or
    Monte Carlo runs (x: runs × entities × components, w: runs × 1 × components).
    """
    x, w = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(w, dtype=float))
    present = ~np.isnan(x)
    w_sum = np.where(present, w, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "geometric":
            terms = np.where(present, w * np.log(np.where(present, x, 1.0)), 0.0)
            out = np.exp(terms.sum(axis=-1) / w_sum)
        elif method == "arithmetic":
            out = np.where(present, w * x, 0.0).sum(axis=-1) / w_sum
        else:
            raise ValueError(f"unknown aggregation method {method!r}")
    return np.where(w_sum == 0, np.nan, out)


def variable_weights(spec: IndexSpec) -> dict[str, float]:
    """W_v for each variable: its ``weight``, or its indicator count (Indeks P4GN)."""
    by_count = spec.weighting is not None and spec.weighting.variables == "n_indicators"
    return {v.id: float(v.size) if by_count else v.weight for v in spec.variables}


def index_arrays(
    s: np.ndarray,
    spec: IndexSpec,
    w_ind: np.ndarray | None = None,
    w_var: np.ndarray | None = None,
    geometric: np.ndarray | bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The index tree over arrays: variables V (…, E, V) and index I (…, E) on the score scale
    from indicator scores S (…, E, I), indicators and variables in spec order.

        V_v = Σ_{i∈v} w_i S_i / Σ_{i∈v} w_i          (over the indicators present)
        I   = M_W(V_v)                              without dimensions
        D_d = M_W(V_v, v ∈ d);  I = M_U(D_d)        with dimensions

    M is the spec's aggregation method. The pipeline, the bootstrap (through
    :func:`index_tables`) and the Monte Carlo all compute the index here. The Monte Carlo passes
    a leading axis of runs: ``w_ind`` (runs × I) and ``w_var`` (runs × V) instead of the spec's
    weights, and ``geometric`` (runs,) instead of its method.
    """
    s = np.asarray(s, dtype=float)
    membership = [[i.id in {x.id for x in v.indicators} for i in spec.indicators] for v in spec.variables]
    spec_w_var, spec_geometric = _spec_weights(spec)
    w_i = np.array([i.weight for i in spec.indicators], float) if w_ind is None else np.asarray(w_ind, float)
    w_v = spec_w_var if w_var is None else np.asarray(w_var, float)
    lead = w_i.ndim - 1  # a leading runs axis of the weights meets the entity axis of S
    w_i, w_v = np.expand_dims(w_i, axis=-2) if lead else w_i, np.expand_dims(w_v, axis=-2) if lead else w_v
    variables = np.stack([weighted_mean_array(s[..., m], w_i[..., m]) for m in np.array(membership)], axis=-1)
    geometric = spec_geometric if geometric is None else np.asarray(geometric)
    return variables, _top(variables, spec, w_v, geometric.reshape(geometric.shape + (1,) * (geometric.ndim > 0)))


def _top(variables: np.ndarray, spec: IndexSpec, w_var: np.ndarray, geometric: np.ndarray) -> np.ndarray:
    """I from V (last axis): M_W over the variables, or M_U over the dimensions."""
    if not spec.dimensions:
        return _mean(variables, w_var, geometric)
    by_count = spec.weighting is not None and spec.weighting.dimensions == "n_variables"
    u = np.array([float(len(d.variables)) if by_count else d.weight for d in spec.dimensions])
    return _mean(_dimensions(variables, spec, w_var, geometric), u, geometric)


def _dimensions(variables: np.ndarray, spec: IndexSpec, w_var: np.ndarray, geometric: np.ndarray) -> np.ndarray:
    """D_d = M_W(V_v, v ∈ d) for each dimension (last axis)."""
    ids = np.array([v.id for v in spec.variables])
    masks = [np.isin(ids, d.variables) for d in spec.dimensions]
    return np.stack([_mean(variables[..., m], w_var[..., m], geometric) for m in masks], axis=-1)


def _mean(x: np.ndarray, w: np.ndarray, geometric: np.ndarray) -> np.ndarray:
    """The weighted mean of the spec's method, or of each run's (``geometric`` per run)."""
    arithmetic = weighted_mean_array(x, w, "arithmetic")
    if not geometric.any():
        return arithmetic
    return np.where(geometric, weighted_mean_array(x, w, "geometric"), arithmetic)


def _spec_weights(spec: IndexSpec) -> tuple[np.ndarray, np.ndarray]:
    """The variable weights W_v and whether the spec aggregates geometrically."""
    geometric = spec.aggregation is not None and spec.aggregation.method == "geometric"
    return np.array(list(variable_weights(spec).values()), float), np.asarray(geometric)


def index_tables(indicators: pd.DataFrame, spec: IndexSpec) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`index_arrays` over a table of entities × indicators: the variable table and the
    index (score scale), indexed as ``indicators``."""
    ids = [i.id for i in spec.indicators]
    variables, value = index_arrays(indicators.reindex(columns=ids).to_numpy(dtype=float), spec)
    columns = pd.Index([v.id for v in spec.variables], name=indicators.columns.name)
    return pd.DataFrame(variables, index=indicators.index, columns=columns), pd.Series(value, index=indicators.index)


def top_level(spec: IndexSpec, variables: pd.DataFrame) -> pd.Series:
    """The index on the score scale from a table of variable values (:func:`index_arrays`'
    upper half, for kawasan indices whose variables are measured directly)."""
    ids = [v.id for v in spec.variables]
    value = _top(variables.reindex(columns=ids).to_numpy(dtype=float), spec, *_spec_weights(spec))
    return pd.Series(value, index=variables.index)


def dimension_values(spec: IndexSpec, variables: pd.DataFrame) -> pd.DataFrame:
    """D_d for each dimension of the spec, from a table of variable values."""
    ids = [v.id for v in spec.variables]
    values = _dimensions(variables.reindex(columns=ids).to_numpy(dtype=float), spec, *_spec_weights(spec))
    return pd.DataFrame(values, index=variables.index, columns=[d.id for d in spec.dimensions])


def rescale(values: pd.Series | pd.DataFrame | float, rule: Rescale | None):
    """Linear map to the reporting scale: y = (x − lo)/(hi − lo) · (b − a) + a.

    IKOTAN: (x − 1)/3 × 100, so 3.1 → 70.0. Without a rule the values are returned unchanged.
    """
    if rule is None:
        return values
    lo, hi = rule.from_range
    a, b = rule.to_range
    return (values - lo) / (hi - lo) * (b - a) + a


def unscale(values: pd.Series | pd.DataFrame | float, rule: Rescale | None):
    """The inverse of :func:`rescale`, back to the score scale: x = (y − a)/(b − a) · (hi − lo) + lo.

    IKOTAN: 70.0 → 3.1. Without a rule the values are returned unchanged.
    """
    if rule is None:
        return values
    lo, hi = rule.from_range
    a, b = rule.to_range
    return (values - a) / (b - a) * (hi - lo) + lo


def unscale_difference(values: pd.Series | pd.DataFrame | float, rule: Rescale | None):
    """A difference (a change, an interval's half-width, a standard error) on the reporting scale
    taken back to the score scale: Δx = Δy · (hi − lo)/(b − a).

    IKOTAN: a change of +3.0 on 0–100 is +0.09 on 1–4. Without a rule the values are returned
    unchanged.
    """
    if rule is None:
        return values
    lo, hi = rule.from_range
    a, b = rule.to_range
    return values * (hi - lo) / (b - a)


def on_score_scale(
    table: pd.DataFrame, rule: Rescale | None, levels: Sequence[str] = (), differences: Sequence[str] = ()
) -> pd.DataFrame:
    """``table`` with ``<column>_score`` beside each of its ``levels`` (values, interval bounds:
    :func:`unscale`) and ``differences`` (changes and their bounds: :func:`unscale_difference`),
    so that a report can show the index on either scale without computing."""
    added = {f"{c}_score": unscale(table[c], rule) for c in levels if c in table}
    added |= {f"{c}_score": unscale_difference(table[c], rule) for c in differences if c in table}
    return table.assign(**added)


def kabkota_mean(values: pd.Series | pd.DataFrame, keep: tuple[str, ...] = ()) -> pd.Series | pd.DataFrame:
    """A kab/kota value is the mean of its groups present (an index computed per group, IKP;
    docs/methodology.md §3.3):

        I_k = Σ_{u∈k, I_{k,u} present} I_{k,u} / #{u ∈ k : I_{k,u} present}

    ``values`` has one row per (kab/kota, group), indexed with a ``kabkota_code`` level; the
    result has one row per kab/kota (and per value of the ``keep`` levels, e.g. the bootstrap
    replicate). The pipeline, the bootstrap and the Monte Carlo all average groups here.
    """
    return values.groupby(level=[*keep, "kabkota_code"]).mean()
