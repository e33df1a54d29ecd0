"""Sampling uncertainty: a stratified bootstrap of the survey indices and binomial intervals.

Bootstrap (IKOTAN, IKP). Within every stratum h = (kab/kota, respondent group) the n_h respondents
are resampled with replacement, B times. A replicate b gives each respondent a count c_{b,r}
(how often it was drawn), and the whole computation runs again with those counts as weights:

    S^b_{k,u,i} = Σ_{r∈(k,u)} c_{b,r} w_r s_{r,i} / Σ_{r∈(k,u)} c_{b,r} w_r 1[s_{r,i} present]

then S^b_{k,i}, V^b, I^b, I100^b exactly as the nominal pipeline (the same functions of
:mod:`bnn_lib.aggregate`). With every c = 1 this is the nominal value. The stratum sums of all
replicates come from one sparse product per chunk of replicates, so there is no Python loop
over replicates, respondents or kab/kota.

Each replicate draws n_h − 1 of the n_h respondents of a stratum (Rao–Wu), and re-estimates
equal-interval band edges from its own lowest and highest kab/kota. From the replicates: 90 %
and 95 % percentile intervals, the probability of each band (share of replicates in it, under
each replicate's edges), ``uncertain`` ("kategori belum pasti") where the reported band holds
less than 95 % of them, and the KPI count of every region. Province and national values are
means of the kab/kota replicates (kab/kota are resampled independently). A change between two
years is the difference of independent replicates.

Recovery rates (IKKRN, IKKTT) get Wilson score intervals for a binomial proportion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from bnn_lib.aggregate import index_tables, kabkota_mean, rescale
from bnn_lib.bands import band_position
from bnn_lib.regions import NATIONAL
from bnn_lib.rollup import region_means, region_sums
from bnn_lib.scoring import entity_indicators, group_index, group_mask
from bnn_lib.spec import IndexSpec

# The interval the reports show, the "kategori belum pasti" flag and a "distinguishable" change use.
REPORTED = 0.95
CONFIDENCE_LEVELS = (0.90, REPORTED)  # the intervals computed
# The fewest replicates that put one beyond each end of the widest interval (2.5 % either side of
# the 95 % one: 40); with fewer, an end is only the most extreme replicate or drawn between two.
MIN_REPLICATES = round(2 / (1 - max(CONFIDENCE_LEVELS)))


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


@dataclass(frozen=True)
class Replicates:
    """The bootstrap replicates of a survey index, on the reported scale (rows: replicates):
    ``kabkota``, the index of each kab/kota; ``variables``, each variable's score of each
    kab/kota (by variable id); ``groups``, the index each respondent group's own answers give in
    each kab/kota (columns: kab/kota code, group)."""

    kabkota: pd.DataFrame
    variables: dict[str, pd.DataFrame]
    groups: pd.DataFrame


def bootstrap_survey(
    scores: pd.DataFrame,
    respondents: pd.DataFrame,
    spec: IndexSpec,
    replicates: int = 1000,
    seed: int = 20241121,
    chunk: int = 100,
) -> Replicates:
    """I100 of every entity in every replicate (:class:`Replicates`).

    ``scores`` is s_{r,i} (respondents × indicators, :func:`bnn_lib.scoring.respondent_scores`);
    ``respondents`` has the same rows with kabkota_code, group and optional weight. Entities are
    kab/kota (or kab/kota × group for a spec computed per group; the kab/kota value is then the
    mean of its groups, as in the pipeline). ``seed`` makes the draws repeatable.

    Each replicate draws n_h − 1 of the n_h respondents of a stratum (one where n_h = 1): the
    Rao–Wu bootstrap, whose variance of a stratum mean is s²_h/n_h, unbiased, where drawing n_h
    gives (n_h − 1)/n_h of it. The strata of an observation unit are small (7 or 8 respondents
    in the sample), and they weigh as much as the large ones, so the difference shows.
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
    # The first position of every stratum of two or more draws nothing: n_h − 1 draws.
    drawing = ~((np.arange(len(x)) == st.start) & (st.size > 1))

    rng = np.random.default_rng(seed)
    parts = []
    for first in range(0, replicates, chunk):
        c = min(chunk, replicates - first)
        draws = st.start[None, :] + np.floor(rng.random((c, len(x))) * st.size[None, :]).astype(np.int64)
        draws = (draws + np.arange(c)[:, None] * len(x))[:, drawing]
        counts = np.bincount(draws.ravel(), minlength=c * len(x)).reshape(c, len(x)).astype(float)
        sums = (value_matrix.T @ counts.T).T.reshape(c, n_strata, n_ind)
        weights = (weight_matrix.T @ counts.T).T.reshape(c, n_strata, n_ind)
        parts.append(_replicate_values(sums, weights, st.keys, scores.columns, spec))
    kabkota, variables, groups = (pd.concat(p, ignore_index=True) for p in zip(*parts, strict=True))
    return Replicates(
        kabkota,
        {v: variables.xs(v, axis=1, level="variable_id") for v in variables.columns.unique("variable_id")},
        groups,
    )


def _replicate_values(
    sums: np.ndarray, weights: np.ndarray, keys: pd.MultiIndex, indicators: pd.Index, spec: IndexSpec
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """From stratum sums of c replicates to I100 per entity, per variable and entity, and per
    (kab/kota, group), each with one row per replicate."""
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
    variables, value = index_tables(entity_indicators(sums_f, weights_f, spec), spec)
    value, variables = rescale(value, spec.rescale), rescale(variables, spec.rescale)
    if spec.aggregation.by_group:
        value = kabkota_mean(value, keep=("replicate",))
        variables = kabkota_mean(variables, keep=("replicate",))
    groups = rescale(group_index(sums_f, weights_f, spec), spec.rescale)
    variables = variables.rename_axis(columns="variable_id").stack().unstack(["variable_id", "kabkota_code"])
    return value.unstack("kabkota_code"), variables, groups.unstack(["kabkota_code", "group"])


def percentile_intervals(
    replicates: pd.DataFrame, levels: tuple[float, ...] = CONFIDENCE_LEVELS, whole: bool = False
) -> pd.DataFrame:
    """Per column of ``replicates``: lo/hi of each percentile interval (lo90, hi90, lo95, hi95);
    ``whole``: of a count, widened to whole numbers (lo down, hi up)."""
    out = {}
    for level in levels:
        tail = (1 - level) / 2 * 100
        lo, hi = bounds(level)
        out[lo] = np.nanpercentile(replicates.to_numpy(), tail, axis=0)
        out[hi] = np.nanpercentile(replicates.to_numpy(), 100 - tail, axis=0)
        if whole:
            out[lo], out[hi] = np.floor(out[lo]), np.ceil(out[hi])
    return pd.DataFrame(out, index=replicates.columns)


def band_probabilities(
    replicates: pd.DataFrame, labels: list[str], lowers: np.ndarray, decimals: int | None
) -> pd.DataFrame:
    """Per column: the share of replicates falling in each band (columns ``p_<label>``).

    ``lowers``: the lower edges, one set (bands,) or one per replicate (replicates × bands, the
    equal-interval edges re-estimated in each: :func:`bnn_lib.bands.lowers_by_row`)."""
    position = band_position(replicates.to_numpy(), lowers, decimals)
    valid = ~np.isnan(replicates.to_numpy())
    shares = {
        f"p_{label}": ((position == j) & valid).sum(axis=0) / np.maximum(valid.sum(axis=0), 1)
        for j, label in enumerate(labels)
    }
    return pd.DataFrame(shares, index=replicates.columns)


def summarise(
    replicates: pd.DataFrame, nominal: pd.Series, edges: pd.DataFrame, lowers: np.ndarray, decimals: int | None
) -> pd.DataFrame:
    """Nominal value, intervals, standard error, band probabilities and ``uncertain``, one row per
    column of ``replicates``.

    ``edges``: the nominal band table (label, lower); ``lowers``: the edges of each replicate.
    ``uncertain`` ("kategori belum pasti"): the nominal band holds less than :data:`REPORTED` of
    the replicates.
    """
    out = percentile_intervals(replicates)
    out.insert(0, "value_100", nominal.reindex(out.index))
    out["se"] = replicates.std(axis=0, ddof=1)
    labels = list(edges["label"])
    out = out.join(band_probabilities(replicates, labels, lowers, decimals))
    band = band_position(out["value_100"].to_numpy(), edges["lower"].to_numpy(), decimals)
    in_band = out[[f"p_{label}" for label in labels]].to_numpy()[np.arange(len(out)), band]
    out["p_band"] = np.where(out["value_100"].isna(), np.nan, in_band)
    out["uncertain"] = out["p_band"] < REPORTED
    return out


def success_counts(
    replicates: pd.DataFrame, labels: list[str], success_from: str, lowers: np.ndarray, decimals: int | None
) -> pd.DataFrame:
    """In each replicate, how many kab/kota of each province and of the nation ("00") reach the
    band ``success_from`` or above (the KPI), under that replicate's ``lowers``: replicates ×
    regions."""
    position = band_position(replicates.to_numpy(), lowers, decimals)
    reached = pd.DataFrame(
        (position >= labels.index(success_from)) & ~np.isnan(replicates.to_numpy()),
        columns=replicates.columns,
        dtype=float,
    )
    return region_sums(reached.T).T


def against_national(replicates: pd.DataFrame, nominal: pd.Series) -> pd.DataFrame:
    """One component of the index (a variable, a respondent group's own index), per kab/kota
    (columns of ``replicates``): the nominal ``score_100``, its intervals, the national mean of the
    component (``national_100``: over the kab/kota that have it) and the kab/kota's difference
    from it (``diff``) with its intervals (``diff_lo95`` …), from the same replicates."""
    national = region_replicates(replicates)[NATIONAL]
    out = percentile_intervals(replicates)
    out.insert(0, "score_100", nominal.reindex(out.index))
    out["national_100"] = float(region_means(nominal.to_frame("v"))["v"].get(NATIONAL, np.nan))
    out["diff"] = out["score_100"] - out["national_100"]
    return out.join(percentile_intervals(replicates.sub(national, axis=0)).add_prefix("diff_"))


def region_replicates(replicates: pd.DataFrame) -> pd.DataFrame:
    """Province and national replicates: the mean of their kab/kota in each replicate."""
    return region_means(replicates.T).T


def change(now: pd.DataFrame, before: pd.DataFrame, whole: bool = False) -> pd.DataFrame:
    """Change between two years from independent replicates of both (columns in common):
    the nominal difference of replicate means is not used; the interval is that of the
    replicate differences (``whole``: of counts), and ``distinguishable`` says whether its
    :data:`REPORTED` interval excludes 0."""
    common = now.columns.intersection(before.columns)
    n = min(len(now), len(before))
    diff = now[common].iloc[:n].to_numpy() - before[common].iloc[:n].to_numpy()
    out = percentile_intervals(pd.DataFrame(diff, columns=common), whole=whole)
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
