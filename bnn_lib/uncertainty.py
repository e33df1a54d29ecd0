"""Sampling uncertainty: a stratified bootstrap of the survey indices and binomial intervals.

Bootstrap (IKOTAN, IKP). Within every stratum h = (kab/kota, respondent group) the n_h respondents
are resampled with replacement, B times. A replicate b gives each respondent a count c_{b,r}
(how often it was drawn), and the whole computation runs again with those counts as weights:

    S^b_{k,u,i} = Σ_{r∈(k,u)} c_{b,r} w_r s_{r,i} / Σ_{r∈(k,u)} c_{b,r} w_r 1[s_{r,i} present]

then S^b_{k,i}, V^b, I^b, I100^b exactly as the nominal pipeline (the same functions of
:mod:`bnn_lib.aggregate`). With every c = 1 this is the nominal value. The stratum sums of all
replicates come from one sparse product per chunk of replicates, so there is no Python loop
over replicates, respondents or kab/kota.

From the replicates: 90 % and 95 % percentile intervals, the probability of each band (share of
replicates in it, against the nominal band edges), and ``uncertain`` ("kategori belum pasti")
where the 95 % interval crosses a band edge. Province and national values are means of the
kab/kota replicates (kab/kota are resampled independently). A change between two years is the
difference of independent replicates.

Recovery rates (IKKRN, IKKTT) get Wilson score intervals for a binomial proportion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from bnn_lib.aggregate import index_tables, kabkota_mean, rescale
from bnn_lib.bands import band_position
from bnn_lib.rollup import region_means
from bnn_lib.scoring import entity_indicators, group_mask
from bnn_lib.spec import IndexSpec

# The interval the reports show, the "kategori belum pasti" flag and a "distinguishable" change use.
REPORTED = 0.95
CONFIDENCE_LEVELS = (0.90, REPORTED)  # the intervals computed


def bounds(level: float = REPORTED) -> tuple[str, str]:
    """The columns holding the ``level`` interval: ("lo95", "hi95") for 0.95."""
    pct = round(level * 100)
    return f"lo{pct}", f"hi{pct}"


@dataclass(frozen=True)
class Strata:
    """Respondents sorted by stratum, with what the bootstrap needs about them."""

    order: np.ndarray  # respondent positions, sorted by (kab/kota, group)
    start: np.ndarray  # per sorted respondent: first position of its stratum
    size: np.ndarray  # per sorted respondent: size of its stratum
    stratum: np.ndarray  # per sorted respondent: stratum number
    keys: pd.MultiIndex  # (kabkota_code, group) of each stratum


def strata(respondents: pd.DataFrame) -> Strata:
    """Group the respondents (rows in the order of the score matrix) into strata."""
    codes = respondents.groupby(["kabkota_code", "group"], sort=True, observed=True).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    stratum = codes[order]
    counts = np.bincount(stratum)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    keys = respondents.iloc[order].groupby(["kabkota_code", "group"], sort=True, observed=True).size().index
    return Strata(order, first[stratum], counts[stratum], stratum, keys)


def bootstrap_survey(
    scores: pd.DataFrame,
    respondents: pd.DataFrame,
    spec: IndexSpec,
    replicates: int = 1000,
    seed: int = 20241121,
    chunk: int = 100,
) -> pd.DataFrame:
    """I100 of every entity in every replicate: a (replicates × entities) table.

    ``scores`` is s_{r,i} (respondents × indicators, :func:`bnn_lib.scoring.respondent_scores`);
    ``respondents`` has the same rows with kabkota_code, group and optional weight. Entities are
    kab/kota (or kab/kota × group for a spec computed per group; the kab/kota value is then the
    mean of its groups, as in the pipeline). ``seed`` makes the draws repeatable.
    """
    st = strata(respondents)
    w = respondents["weight"].to_numpy(float) if "weight" in respondents else np.ones(len(respondents))
    x = scores.to_numpy(float)[st.order]
    present = ~np.isnan(x)
    w = w[st.order]
    n_strata, n_ind = len(st.keys), x.shape[1]
    # One sparse matrix per quantity: row r holds w_r s_{r,i} in the columns of r's stratum.
    columns = (st.stratum[:, None] * n_ind + np.arange(n_ind)[None, :]).ravel()
    rows = np.repeat(np.arange(len(x)), n_ind)
    shape = (len(x), n_strata * n_ind)
    value_matrix = sparse.csr_matrix(((np.nan_to_num(x) * w[:, None]).ravel(), (rows, columns)), shape=shape)
    weight_matrix = sparse.csr_matrix(((present * w[:, None]).ravel(), (rows, columns)), shape=shape)

    rng = np.random.default_rng(seed)
    out = []
    for first in range(0, replicates, chunk):
        c = min(chunk, replicates - first)
        draws = st.start[None, :] + np.floor(rng.random((c, len(x))) * st.size[None, :]).astype(np.int64)
        counts = np.bincount((draws + np.arange(c)[:, None] * len(x)).ravel(), minlength=c * len(x))
        counts = counts.reshape(c, len(x)).astype(float)
        sums = (value_matrix.T @ counts.T).T.reshape(c, n_strata, n_ind)
        weights = (weight_matrix.T @ counts.T).T.reshape(c, n_strata, n_ind)
        out.append(_replicate_index(sums, weights, st.keys, scores.columns, spec))
    return pd.concat(out, ignore_index=True)


def _replicate_index(
    sums: np.ndarray, weights: np.ndarray, keys: pd.MultiIndex, indicators: pd.Index, spec: IndexSpec
) -> pd.DataFrame:
    """From stratum sums of c replicates to I100 per entity (rows: replicates)."""
    c = sums.shape[0]
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(np.arange(c), len(keys)),
            np.tile(keys.get_level_values(0), c),
            np.tile(keys.get_level_values(1), c),
        ],
        names=["replicate", "kabkota_code", "group"],
    )
    allowed = np.tile(group_mask(spec, keys.get_level_values(1), indicators), (c, 1))
    sums_f = pd.DataFrame(sums.reshape(-1, len(indicators)), index=index, columns=indicators).where(allowed)
    weights_f = pd.DataFrame(weights.reshape(-1, len(indicators)), index=index, columns=indicators).where(allowed, 0.0)
    entity = entity_indicators(sums_f, weights_f, spec)
    value = rescale(index_tables(entity, spec)[1], spec.rescale)
    if spec.aggregation.by_group:
        value = kabkota_mean(value, keep=("replicate",))
    return value.unstack("kabkota_code")


def percentile_intervals(replicates: pd.DataFrame, levels: tuple[float, ...] = CONFIDENCE_LEVELS) -> pd.DataFrame:
    """Per column of ``replicates``: lo/hi of each percentile interval (lo90, hi90, lo95, hi95)."""
    out = {}
    for level in levels:
        tail = (1 - level) / 2 * 100
        lo, hi = bounds(level)
        out[lo] = np.nanpercentile(replicates.to_numpy(), tail, axis=0)
        out[hi] = np.nanpercentile(replicates.to_numpy(), 100 - tail, axis=0)
    return pd.DataFrame(out, index=replicates.columns)


def band_probabilities(replicates: pd.DataFrame, edges: pd.DataFrame, decimals: int | None = 2) -> pd.DataFrame:
    """Per column: the share of replicates falling in each band (columns ``p_<label>``)."""
    position = band_position(replicates.to_numpy(), edges["lower"].to_numpy(), decimals)
    valid = ~np.isnan(replicates.to_numpy())
    shares = {
        f"p_{label}": ((position == j) & valid).sum(axis=0) / np.maximum(valid.sum(axis=0), 1)
        for j, label in enumerate(edges["label"])
    }
    return pd.DataFrame(shares, index=replicates.columns)


def crosses_edge(lo: pd.Series, hi: pd.Series, edges: pd.DataFrame, decimals: int | None = 2) -> pd.Series:
    """True where [lo, hi] spans more than one band: "kategori belum pasti"."""
    lowers = edges["lower"].to_numpy()
    return pd.Series(
        band_position(lo.to_numpy(), lowers, decimals) != band_position(hi.to_numpy(), lowers, decimals),
        index=lo.index,
    )


def summarise(replicates: pd.DataFrame, nominal: pd.Series, edges: pd.DataFrame, decimals: int | None) -> pd.DataFrame:
    """Nominal value, intervals, band probabilities and the uncertain flag, one row per column."""
    out = percentile_intervals(replicates)
    out.insert(0, "value_100", nominal.reindex(out.index))
    out["se"] = replicates.std(axis=0, ddof=1)
    out = out.join(band_probabilities(replicates, edges, decimals))
    lo, hi = bounds()
    out["uncertain"] = crosses_edge(out[lo], out[hi], edges, decimals)
    return out


def region_replicates(replicates: pd.DataFrame) -> pd.DataFrame:
    """Province and national replicates: the mean of their kab/kota in each replicate."""
    return region_means(replicates.T).T


def change(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Change between two years from independent replicates of both (columns in common):
    the nominal difference of replicate means is not used; the interval is that of the
    replicate differences, and ``distinguishable`` says whether its :data:`REPORTED` interval
    excludes 0."""
    common = now.columns.intersection(before.columns)
    n = min(len(now), len(before))
    diff = now[common].iloc[:n].to_numpy() - before[common].iloc[:n].to_numpy()
    out = percentile_intervals(pd.DataFrame(diff, columns=common))
    lo, hi = bounds()
    out["distinguishable"] = (out[lo] > 0) | (out[hi] < 0)
    return out


def wilson(successes: pd.Series | np.ndarray, trials: pd.Series | np.ndarray, level: float = REPORTED) -> tuple:
    """Wilson score interval of a binomial proportion, in percent (lo, hi); NaN where n = 0.

    p̂ = k/n, z = Φ⁻¹(1 − α/2)
    centre = (p̂ + z²/2n) / (1 + z²/n),  half = z √(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)
    """
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    lo, hi = 100 * (centre - half), 100 * (centre + half)
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)
