"""Banding: turn 0–100 values into labelled categories.

Two schemes (``[bands]`` in a spec):

- ``fixed``: the published bands. A value is rounded to ``decimals`` and belongs to the band with
  lower ≤ value ≤ upper; the bands are written with two decimals (0.00–25.00, 25.01–50.00, …), so
  rounding first is what makes them lower-inclusive at the published edges. Rounding is half
  away from zero on the decimal the value prints as (:func:`bnn_lib.rounding.round_half_up`), as Excel's ROUND,
  where such tables are worked: 75.005 is 75.01, Sangat Tanggap.
- ``equal_interval``: k = len(labels) classes of equal width over the observed range of the set,
  edges e_j = min + j·(max − min)/k, a value in [e_j, e_{j+1}) belongs to class j (the last class
  includes the maximum). This reproduces the 2022/23 IKOTAN classes (2.600 / 3.065 / 3.533 / 4.000).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.aggregate import unscale
from bnn_lib.rounding import round_half_up
from bnn_lib.spec import Bands, IndexSpec


def band_edges(bands: Bands, observed: pd.Series | None = None) -> pd.DataFrame:
    """The band table in force: columns ``label, lower, upper``, low to high.

    For ``equal_interval`` the edges come from ``observed`` (the values of the whole set, e.g.
    every measured kab/kota of a year); for ``fixed`` they come from the spec.
    """
    if bands.mode == "fixed":
        return fixed_edges(bands)
    if observed is None or observed.dropna().empty:
        raise ValueError("equal-interval bands need the observed values of the set")
    lo, hi = float(observed.min()), float(observed.max())
    lowers = equal_interval_lowers(lo, hi, len(bands.labels))
    return pd.DataFrame({"label": bands.labels, "lower": lowers, "upper": np.append(lowers[1:], hi)})


def fixed_edges(bands: Bands) -> pd.DataFrame:
    """The spec's fixed band table (``label, lower, upper``), whatever mode is in force: the
    Monte Carlo uses it for runs that switch an equal-interval spec to its fixed alternative."""
    return pd.DataFrame([b.model_dump() for b in bands.fixed])


def edges_table(edges: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The band edges in force (:func:`band_edges`) on the reported scale and, as
    ``lower_scale``/``upper_scale``, on the score scale, with the band mode."""
    return edges.assign(
        lower_scale=unscale(edges["lower"], spec.rescale),
        upper_scale=unscale(edges["upper"], spec.rescale),
        mode=spec.bands.mode,
    )


def equal_interval_lowers(lo: float | np.ndarray, hi: float | np.ndarray, k: int) -> np.ndarray:
    """Lower edges of k equal classes over [lo, hi]: e_j = lo + j·(hi − lo)/k, j = 0 … k − 1.

    With arrays of lo and hi (one range per Monte Carlo run) the result has one row per run.
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    return lo[..., None] + (hi - lo)[..., None] * np.arange(k) / k


def lowers_by_row(values: np.ndarray, bands: Bands, mode: str | None = None) -> np.ndarray:
    """The lower band edges for each row of ``values`` (runs × kab/kota; a bootstrap replicate or
    a Monte Carlo run each): the spec's fixed lowers, or, under equal intervals, the lowers over
    that row's own range, re-estimated as the nominal edges are from the year's set (rows × bands).
    ``mode`` overrides the spec's (a Monte Carlo run that switches the band rule)."""
    values = np.asarray(values, dtype=float)
    if (mode or bands.mode) == "fixed":
        lowers = fixed_edges(bands)["lower"].to_numpy(dtype=float)
        return np.broadcast_to(lowers, (len(values), len(lowers)))
    return equal_interval_lowers(np.nanmin(values, axis=1), np.nanmax(values, axis=1), len(bands.labels))


def band_decimals(bands: Bands, mode: str | None = None) -> int | None:
    """The decimals a value is rounded to before it is banded: fixed bands round (their published
    edges have two decimals), equal-interval classes do not."""
    return bands.decimals if (mode or bands.mode) == "fixed" else None


def classify(values: pd.Series, bands: Bands, edges: pd.DataFrame | None = None) -> pd.Series:
    """The band label of each value, as an ordered categorical (low to high); NaN stays NaN.

    ``edges`` defaults to :func:`band_edges` over ``values`` themselves. Pass the edges of the
    whole set when classifying a subset or an aggregate (a province mean) under equal intervals.
    """
    edges = band_edges(bands, values) if edges is None else edges
    x = values.to_numpy(dtype=float)
    position = band_position(x, edges["lower"].to_numpy(), band_decimals(bands))
    labels = edges["label"].to_numpy(dtype=object)[position]
    labels[np.isnan(x)] = None
    dtype = pd.CategoricalDtype(list(edges["label"]), ordered=True)
    return pd.Series(labels, index=values.index, name="band").astype(dtype)


def band_position(values: np.ndarray, lowers: np.ndarray, decimals: int | None) -> np.ndarray:
    """The 0-based band of each value (any shape) given the lower edges, low to high.

    With ``decimals`` (fixed bands) values are rounded first; edges are lower-inclusive.
    ``lowers`` may carry leading axes (one set of edges per Monte Carlo run) that broadcast
    against ``values``' leading axes; the band axis is last.
    """
    x = round_half_up(values, decimals) if decimals is not None else np.asarray(values, dtype=float)
    lowers = np.asarray(lowers, dtype=float)
    if lowers.ndim == 1:
        position = np.searchsorted(lowers, x, side="right") - 1
    else:
        position = (x[..., None] >= lowers[..., None, :]).sum(axis=-1) - 1
    return np.clip(position, 0, lowers.shape[-1] - 1)


def at_or_above(labels: pd.Series, bands: Bands) -> pd.Series:
    """True where the band is ``success_from`` or higher ("Tanggap or above")."""
    if bands.success_from is None:
        raise ValueError("the spec's [bands] sets no success_from")
    order = bands.all_labels
    return labels.isin(order[order.index(bands.success_from) :])
