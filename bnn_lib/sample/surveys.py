"""The synthetic surveys of the sample (IKOTAN, IKP): kab/kota that keep their standing from
year to year, respondents of every observation unit, and the 2022 round calibrated to the
published one (docs/methodology.md §11.3). Used by :func:`bnn_lib.sample.write_sample`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bnn_lib.aggregate import index_tables
from bnn_lib.bands import equal_interval_lowers
from bnn_lib.lookup import positions
from bnn_lib.regions import regions
from bnn_lib.spec import IndexSpec
from bnn_lib.survey import survey_stages

# The published 2022 round (docs/methodology.md §2.1): the lowest and highest kab/kota on the
# 1–4 scale, and how many fall into each equal-interval class, low to high.
CALIBRATED_YEAR = 2022
PUBLISHED_RANGE = (2.6, 4.0)
PUBLISHED_COUNTS = (25, 160, 22)
NOT_MEASURED = {2022: 3}  # 210 kab/kota sampled; 207 measured in 2022, as published
TREND = 0.04  # the mean yearly rise of a kab/kota's latent level
ANSWER_SD = 0.7  # an answer's noise around its mean, before rounding to the scale
PERSON_SD = 0.25  # a respondent's own lean, shared by all their answers
# The spread of an answer around its kab/kota's level (answer noise, person, group, variable and
# indicator effects together): the calibration's first guess and step use it.
SPREAD = 0.8
# A latent level at which every answer is the top of the scale (all effects included): the
# published 2022 maximum is 4.000, a kab/kota whose respondents all answered 4.
TOP_LEVEL = 8.0
CALIBRATION_STEPS = 5
# On the 1–4 scale. The index moves in steps: one answer in a small group moves its kab/kota by
# about 0.0006, and a small change of level may change a few answers at once.
TOLERANCE = 0.002
IKOTAN_QUOTA = {  # 180 respondents per kab/kota (Donggala 2023), split by assumption
    "keluarga": 60,
    "masyarakat": 40,
    "pendidikan": 20,
    "dunia_usaha": 15,
    "pemda": 15,
    "polres": 8,
    "kodim": 8,
    "kejaksaan": 7,
    "pengadilan": 7,
}
IKP_PER_ENVIRONMENT = 12
PREFIX = {"ikotan": "R", "ikp": "P"}  # of the respondent ids of each survey index


def choose_kabkota(rng: np.random.Generator, share: float = 0.41) -> pd.DataFrame:
    """About 41 % of the kab/kota of every province (≈ 210 of 514), at least one per province."""
    table = regions().kabkota_table
    picks = []
    for _, group in table.groupby("province_code"):
        n = max(1, round(share * len(group)))
        picks.append(group.iloc[np.sort(rng.choice(len(group), n, replace=False))])
    return pd.concat(picks, ignore_index=True)[["code", "province_code"]]


def standings(rng: np.random.Generator, kabkota: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """Each kab/kota's lasting standing, year by year (kab/kota code × year, latent units).

    standing = province effect (sd 0.22) + own effect (sd 0.2); from one year to the next it
    moves by its province's trend (mean TREND, sd 0.03) and a drift of its own (sd 0.04).
    """
    provinces = kabkota["province_code"].unique()
    effect = dict(zip(provinces, rng.normal(0, 0.22, len(provinces)), strict=True))
    trend = dict(zip(provinces, rng.normal(TREND, 0.03, len(provinces)), strict=True))
    base = kabkota["province_code"].map(effect).to_numpy() + rng.normal(0, 0.2, len(kabkota))
    steps = kabkota["province_code"].map(trend).to_numpy()[:, None] + rng.normal(0, 0.04, (len(kabkota), len(years)))
    steps[:, 0] = 0.0  # the first year is the standing itself
    return pd.DataFrame(base[:, None] + steps.cumsum(axis=1), index=kabkota["code"].to_numpy(), columns=years)


def measured_sets(rng: np.random.Generator, standing: pd.Series, years: tuple[int, ...]) -> dict[int, pd.Index]:
    """The kab/kota surveyed each year: all, except in a year of ``NOT_MEASURED`` a few drawn
    among those neither lowest nor highest (the published range stays the measured one's)."""
    order = standing.sort_values().index
    sets = {}
    for year in years:
        left_out = rng.choice(order[1:-1], NOT_MEASURED.get(year, 0), replace=False)
        sets[year] = standing.index.drop(left_out)
    return sets


def published_targets(standing: pd.Series, measured: pd.Index) -> pd.Series:
    """The calibrated year's IKOTAN (1–4) of every kab/kota, by rank of its standing among the
    measured: the lowest and highest at the ends of ``PUBLISHED_RANGE``, the others on normal
    scores (Blom) scaled so that the equal-interval edges over that range fall midway between the
    ranks that give ``PUBLISHED_COUNTS``. A kab/kota not measured takes the value of its standing
    among the measured ones."""
    lo, hi = PUBLISHED_RANGE
    n, k = len(measured), len(PUBLISHED_COUNTS)
    edges = equal_interval_lowers(lo, hi, k)[1:]  # the inner edges
    z = stats.norm.ppf((np.arange(n) + 1 - 0.375) / (n + 0.25))
    below = np.cumsum(PUBLISHED_COUNTS)[:-1]  # ranks under each edge
    z_edge = (z[below - 1] + z[below]) / 2
    sd = (edges[-1] - edges[0]) / (z_edge[-1] - z_edge[0])
    values = edges[0] + sd * (z - z_edge[0])
    values[0], values[-1] = lo, hi
    ranked = standing[measured].sort_values()
    return pd.Series(np.interp(standing, ranked, values), index=standing.index)


def likert(
    level: np.ndarray | float, lo: float = 1, hi: float = 4, sd: float = SPREAD
) -> tuple[np.ndarray, np.ndarray]:
    """The expected answer on lo..hi, rounded and clipped, for a normal answer around ``level``:
    lo + Σ_t Φ((level − t)/sd) over the midpoints t between scale points; and its derivative."""
    t = np.arange(lo + 0.5, hi)
    z = (np.asarray(level, dtype=float)[..., None] - t) / sd
    return lo + stats.norm.cdf(z).sum(axis=-1), stats.norm.pdf(z).sum(axis=-1) / sd


def latent_for(value: np.ndarray, lo: float = 1, hi: float = 4) -> np.ndarray:
    """The level whose expected answer (:func:`likert`) is ``value`` (bisection); the top of
    the scale takes ``TOP_LEVEL``."""
    low, high = np.full(len(value), lo - 2.0), np.full(len(value), TOP_LEVEL)
    for _ in range(40):
        mid = (low + high) / 2
        below = likert(mid, lo, hi)[0] < value
        low, high = np.where(below, mid, low), np.where(below, high, mid)
    return np.where(value >= hi, TOP_LEVEL, (low + high) / 2)


def profile(rng: np.random.Generator, spec: IndexSpec, n_kabkota: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lasting effects, drawn once and kept across years: each respondent group's (sd 0.12), and
    each kab/kota's strengths and weaknesses per variable (sd 0.2, around a common variable
    effect of sd 0.15) and per indicator (sd 0.12)."""
    n_var, n_ind = len(spec.variables), len(spec.indicators)
    return (
        rng.normal(0, 0.12, len(spec.groups)),
        rng.normal(0, 0.15, n_var)[None, :] + rng.normal(0, 0.2, (n_kabkota, n_var)),
        rng.normal(0, 0.12, (n_kabkota, n_ind)),
    )


@dataclass
class Draws:
    """The random part of one survey year: the respondents and, per answer (respondent-major),
    its respondent, item, kab/kota (position in ``codes``), its offset from the kab/kota level
    (group, person, variable and indicator effects and answer noise), whether the item is
    reversed, and a uniform number that makes it missing. :func:`answers_at` turns levels into
    answers, so that a level can be changed without drawing again (the calibration). ``effects``:
    the year's lasting part of the offsets (each group's, and each kab/kota's per variable and
    indicator), from which :func:`true_index` knows the value no sample gives exactly."""

    codes: pd.Index
    people: pd.DataFrame
    respondent: np.ndarray
    item: np.ndarray
    kabkota: np.ndarray
    offset: np.ndarray
    reverse: np.ndarray
    chance: np.ndarray
    effects: tuple[dict[str, float], np.ndarray, np.ndarray]


def draw_survey(
    rng: np.random.Generator,
    spec: IndexSpec,
    codes: pd.Index,
    quota: dict[str, int],
    year: int,
    prefix: str,
    effects: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> Draws:
    """The respondents of every kab/kota in ``codes`` and the random part of their answers.

    An answer's mean is the kab/kota level + the group, variable and indicator ``effects``
    (:func:`profile`, rows in ``codes`` order, with a little yearly noise on the last two) + a
    person effect (sd 0.25), so profiles differ and indicators are correlated but not
    interchangeable; the answer adds noise of sd ``ANSWER_SD`` before rounding.
    """
    group_effect = dict(zip(spec.groups, effects[0], strict=True))
    var_effect = effects[1] + rng.normal(0, 0.05, effects[1].shape)
    ind_effect = effects[2] + rng.normal(0, 0.04, effects[2].shape)
    item_position = {item: j for j, item in enumerate(spec.item_ids)}
    indicator_position = {ind.id: j for j, ind in enumerate(spec.indicators)}
    people, parts = [], []
    for group, n in quota.items():
        items = [
            (it, v, indicator_position[ind.id])
            for v, var in enumerate(spec.variables)
            for ind in var.indicators
            if group in ind.groups
            for it in ind.items
        ]
        kab_index = np.repeat(np.arange(len(codes)), n)
        heads = np.array([f"{prefix}{year}-{c}-{group}-" for c in codes])
        ids = np.strings.add(np.repeat(heads, n), np.tile([f"{j:03d}" for j in range(1, n + 1)], len(codes)))
        person = rng.normal(0, PERSON_SD, len(ids))
        item_var = [v for _, v, _ in items]
        item_ind = [i for _, _, i in items]
        offset = (
            (group_effect[group] + person)[:, None]
            + var_effect[kab_index][:, item_var]
            + ind_effect[kab_index][:, item_ind]
            + rng.normal(0, ANSWER_SD, (len(ids), len(items)))
        )
        first = sum(len(p) for p in people)
        people.append(pd.DataFrame({"respondent_id": ids, "kabkota_code": codes[kab_index], "group": group}))
        parts.append(
            (
                np.repeat(np.arange(first, first + len(ids)), len(items)),
                np.tile([item_position[it.id] for it, _, _ in items], len(ids)),
                np.repeat(kab_index, len(items)),
                offset.ravel(),
                np.tile([it.reverse for it, _, _ in items], len(ids)),
                rng.random(offset.size),
            )
        )
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    return Draws(codes, pd.concat(people, ignore_index=True), *columns, (group_effect, var_effect, ind_effect))


def true_index(draws: Draws, level: pd.Series, spec: IndexSpec) -> pd.Series:
    """The index (score scale) each kab/kota of ``draws`` would have with every possible
    respondent: the value a sample estimates. An answer is its mean (the kab/kota ``level`` plus
    the lasting group, variable and indicator effects) plus normal person and answer noise,
    rounded and clipped to the scale, so its expectation is :func:`likert` of the mean with the
    spread of that noise; blanks and "tidak tahu" fall at random, so the group mean of an
    indicator converges to it, and the rest of the tree is means (docs/methodology.md §2.3)."""
    group_effect, var_effect, ind_effect = draws.effects
    spread = float(np.hypot(PERSON_SD, ANSWER_SD))
    base = level.reindex(draws.codes).to_numpy()
    indicator_variable = [v for v, var in enumerate(spec.variables) for _ in var.indicators]
    scores = np.column_stack(
        [
            np.mean(
                [
                    likert(
                        base + group_effect[g] + var_effect[:, indicator_variable[i]] + ind_effect[:, i],
                        spec.scale.min,
                        spec.scale.max,
                        spread,
                    )[0]
                    for g in ind.groups
                ],
                axis=0,
            )
            for i, ind in enumerate(spec.indicators)
        ]
    )
    return index_tables(pd.DataFrame(scores, index=draws.codes, columns=[i.id for i in spec.indicators]), spec)[1]


def answers_at(draws: Draws, level: pd.Series, spec: IndexSpec) -> pd.DataFrame:
    """The answers (respondent_id, item_id, value) at the kab/kota ``level``: the mean plus the
    drawn offset, rounded and clipped to the scale; reverse items answered mirrored, so that
    after reverse coding they agree with the others; 3 % "tidak tahu", 1 % blank."""
    scale = spec.scale
    mean = level.reindex(draws.codes).to_numpy()[draws.kabkota] + draws.offset
    value = np.clip(np.rint(mean), scale.min, scale.max)
    value = np.where(draws.reverse, scale.min + scale.max - value, value)
    value[draws.chance < 0.03] = scale.missing_codes[0] if scale.missing_codes else np.nan
    value[(draws.chance >= 0.03) & (draws.chance < 0.04)] = np.nan
    # Categorical ids are stored dictionary-encoded in Parquet: smaller and faster to read.
    return pd.DataFrame(
        {
            "respondent_id": pd.Categorical.from_codes(draws.respondent, draws.people["respondent_id"]),
            "item_id": pd.Categorical.from_codes(draws.item, spec.item_ids),
            "value": value,
        }
    )


def calibrate(draws: Draws, target: pd.Series, spec: IndexSpec) -> pd.Series:
    """The level of each kab/kota of ``draws`` at which its index, computed from the answers
    by the pipeline's own stages, is ``target`` (1–4), the random part held fixed: from
    :func:`latent_for`, a Newton step with the slope of :func:`likert`, then secant steps (the
    slope each kab/kota showed), until every kab/kota is within ``TOLERANCE``; each kab/kota
    keeps the level that came closest."""
    target = target[draws.codes]
    level = pd.Series(latent_for(target.to_numpy()), index=draws.codes)
    free = level < TOP_LEVEL  # a kab/kota at the top of the scale is there already
    people = draws.people.set_index("respondent_id")
    best, closest = level.copy(), pd.Series(np.inf, index=draws.codes)
    before: tuple[pd.Series, pd.Series] | None = None
    for _ in range(CALIBRATION_STEPS):
        value = survey_stages(people, answers_at(draws, level, spec), spec)[-1].reindex(draws.codes)
        miss = (target - value).where(free, 0.0)
        better = miss.abs() < closest
        best[better], closest[better] = level[better], miss.abs()[better]
        if (closest < TOLERANCE).all():
            break
        slope = pd.Series(likert(level.to_numpy())[1], index=draws.codes)
        if before is not None:
            # A flat secant (no answer changed) or a steep one would stall or overshoot.
            secant = (value - before[1]) / (level - before[0])
            slope = secant.where(secant.between(slope / 3, slope * 3), slope)
        before = (level.copy(), value)
        level = level + (miss / slope).where(free, 0.0)
    return best


def ikotan_levels(draws: Draws, standing: pd.DataFrame, target: pd.Series, spec: IndexSpec) -> pd.DataFrame:
    """The latent IKOTAN level of every kab/kota and year: calibrated in ``CALIBRATED_YEAR`` (a
    kab/kota not measured then takes the level of its target), and moving with its standing."""
    base = pd.Series(latent_for(target.to_numpy()), index=target.index)
    base[draws.codes] = calibrate(draws, target, spec)
    return standing.sub(standing[CALIBRATED_YEAR], axis=0).add(base, axis=0)


def wide_survey(people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The survey as form tools export it: one row per respondent (its columns first), one column
    per item of the spec in spec order; a blank where the respondent gave or was asked no answer."""
    items = spec.item_ids
    row = positions(answers["respondent_id"], pd.Index(people["respondent_id"]))
    column = positions(answers["item_id"], pd.Index(items))
    grid = np.full((len(people), len(items)), np.nan)
    grid[row, column] = answers["value"].to_numpy(dtype=float)
    return pd.concat([people.reset_index(drop=True), pd.DataFrame(grid, columns=items)], axis=1)
