"""Aggregation stages: weighted means up the index tree, and the rescale to 0–100.

Every stage takes a wide table (one row per entity — a kab/kota, an environment, a kawasan — and
one column per component) and returns a wide table one level up.
"""

from __future__ import annotations

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


def combine(table: pd.DataFrame, children: dict[str, dict[str, float]], method: str = "arithmetic") -> pd.DataFrame:
    """One level up the tree: ``children`` maps each parent to {child column: weight}."""
    return pd.DataFrame(
        {
            parent: weighted_mean(table.reindex(columns=list(kids)), pd.Series(kids), method)
            for parent, kids in children.items()
        },
        index=table.index,
    )


def indicator_weights(spec: IndexSpec) -> dict[str, dict[str, float]]:
    """{variable: {indicator: w_i}} from the spec."""
    return {v.id: {i.id: i.weight for i in v.indicators} for v in spec.variables}


def variable_weights(spec: IndexSpec) -> dict[str, float]:
    """W_v for each variable: its ``weight``, or its indicator count (Indeks P4GN)."""
    by_count = spec.weighting is not None and spec.weighting.variables == "n_indicators"
    return {v.id: float(v.size) if by_count else v.weight for v in spec.variables}


def top_level(spec: IndexSpec, variables: pd.DataFrame) -> pd.Series:
    """The index on the score scale from the variable table.

    Without dimensions:   I = M_W(V_v)  over the variables, weights W_v.
    With dimensions:      D_d = M_W(V_v, v ∈ d);  I = M_U(D_d), U_d = ``weight`` or the
                          number of variables in d (Indeks P4GN: 3 supply, 4 demand).
    M is the spec's aggregation method (arithmetic or geometric).
    """
    method = spec.aggregation.method if spec.aggregation else "arithmetic"
    w_var = variable_weights(spec)
    if not spec.dimensions:
        return weighted_mean(variables, pd.Series(w_var), method)
    dims = dimension_values(spec, variables)
    by_count = spec.weighting is not None and spec.weighting.dimensions == "n_variables"
    u = {d.id: float(len(d.variables)) if by_count else d.weight for d in spec.dimensions}
    return weighted_mean(dims, pd.Series(u), method)


def dimension_values(spec: IndexSpec, variables: pd.DataFrame) -> pd.DataFrame:
    """D_d for each dimension of the spec (empty when it has none)."""
    method = spec.aggregation.method if spec.aggregation else "arithmetic"
    w_var = variable_weights(spec)
    children = {d.id: {v: w_var[v] for v in d.variables} for d in spec.dimensions}
    return combine(variables, children, method)


def rescale(values: pd.Series | pd.DataFrame | float, rule: Rescale | None):
    """Linear map to the reporting scale: y = (x − lo)/(hi − lo) · (b − a) + a.

    IKOTAN: (x − 1)/3 × 100, so 3.1 → 70.0. Without a rule the values are returned unchanged.
    """
    if rule is None:
        return values
    lo, hi = rule.from_range
    a, b = rule.to_range
    return (values - lo) / (hi - lo) * (b - a) + a
