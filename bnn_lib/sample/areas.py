"""The synthetic kawasan of the sample: the routine mapping of every kawasan rawan, the kawasan
intervened each year, and the gampong of cannabis cultivation in Aceh with comparison gampong
outside the programme. Used by :func:`bnn_lib.sample.write_sample`.

The IKKRN series plants a known effect and the regression to the mean that selection on a noisy
mapping brings (docs/methodology.md §12.3): each kawasan has a latent risk that drifts from year
to year, each mapping draws its indicators afresh from it, and the kawasan intervened in a year
are picked among those the mapping of the year before found rawan. The intervention lowers an
intervened kawasan's risk by a known amount, so the probability that it leaves the rawan set by
the next mapping, with and without the intervention, is known (:class:`KawasanSample`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bnn_lib.effect import effect_table, mapping_units
from bnn_lib.kawasan import recovery, status_from_counts
from bnn_lib.spec import IndexSpec, StatusRule

KAWASAN_PER_KABKOTA = 15
# The planted effect: an intervention lowers a kawasan's latent risk by U(0.8, 2.4), lasting.
KAWASAN_EFFECT = (0.8, 2.4)
# Kawasan mapped bahaya are twice as likely as waspada ones to be picked for an intervention: a
# raw comparison with all kawasan rawan would then be unfair, one within status is not.
BAHAYA_PRIORITY = 2.0
# An indicator is present with probability logistic(risk + offset): pokok ones rarer.
POKOK_OFFSET, PENDUKUNG_OFFSET = -0.4, 0.6
RISK_DRIFT = (0.05, 0.25)  # a kawasan's risk from one year to the next: some relapse, some drift
# The IKKTT programme's planted gain in progress (0 to 1) in a year, and every gampong's own.
PROGRAMME_GAIN = (0.0, 0.2)
PERSISTS = 0.5  # the share of a year's gain still there the next year
NATURAL_PROGRESS = (0.0, 0.04)
IKKTT_REGENCIES = [
    "11.06",
    "11.01",
    "11.13",
    "11.08",
    "11.11",
]  # Aceh Besar, Selatan, Gayo Lues, Utara, Bireuen


@dataclass
class KawasanSample:
    """The kawasan assessments of every year (``rows``) and what only a simulation knows
    (``truth``): for each kawasan intervened in ``cohort``, the probability that the mapping of
    the year after finds it outside the rawan set, as it was intervened (``p_pulih``) and had it
    not been (``p_pulih_without``), from its latent risk that year."""

    rows: pd.DataFrame
    truth: pd.DataFrame


def kawasan(
    rng: np.random.Generator,
    spec: IndexSpec,
    kabkota: pd.DataFrame,
    responsiveness: pd.Series,
    years: tuple[int, ...],
) -> KawasanSample:
    """Routine mapping of every kawasan for every year, and before/after rows of the intervened.

    Each kawasan has a latent risk (lower in a more responsive kab/kota: ``responsiveness`` by
    code) that drifts by N(RISK_DRIFT) a year; each year's mapping draws its indicators from it.
    The 60–80 kawasan intervened in a year are picked among those the mapping of the year before
    found rawan (bahaya first, :data:`BAHAYA_PRIORITY`; not those intervened the year before);
    their ``before`` row is that mapping, the measurement that picked them, and their ``after``
    row a fresh one at the end of the year, after the intervention lowered their risk by
    U(:data:`KAWASAN_EFFECT`) for good. Mapping, before and after rows carry supply and demand
    scores that fall with risk.
    """
    rule = spec.status_rule
    codes = np.repeat(kabkota["code"].to_numpy(), KAWASAN_PER_KABKOTA)
    ids = np.array([f"KWS-{c}-{j:02d}" for c in kabkota["code"] for j in range(1, KAWASAN_PER_KABKOTA + 1)])
    above = (responsiveness - responsiveness.mean()).reindex(codes).to_numpy()
    risk = rng.normal(-0.6 - 2.5 * above, 1.1)
    last_mapping = _assessed(rng, risk, rule)  # the mapping of the year before the first: not written
    last_cohort = np.array([], dtype=int)
    rows, truth, pending = [], [], None
    for year in years:
        risk = risk + rng.normal(*RISK_DRIFT, len(risk))
        if pending is not None:  # last year's cohort, read at this year's mapping
            cohort, chosen, effect = pending
            truth.append(
                pd.DataFrame(
                    {
                        "cohort": cohort,
                        "kawasan_id": ids[chosen],
                        "p_pulih": 1 - p_rawan(risk[chosen], rule),
                        "p_pulih_without": 1 - p_rawan(risk[chosen] + effect, rule),
                    }
                )
            )
        mapping = _assessed(rng, risk, rule)
        rows.append(_rows(ids, codes, year, "mapping", mapping))
        chosen = _cohort(rng, last_mapping, last_cohort, rule)
        effect = rng.uniform(*KAWASAN_EFFECT, len(chosen))
        risk[chosen] -= effect
        rows.append(_rows(ids[chosen], codes[chosen], year, "before", last_mapping.iloc[chosen]))
        rows.append(_rows(ids[chosen], codes[chosen], year, "after", _assessed(rng, risk[chosen], rule)))
        pending, last_mapping, last_cohort = (year, chosen, effect), mapping, chosen
    return KawasanSample(pd.concat(rows, ignore_index=True), pd.concat(truth, ignore_index=True))


def _cohort(rng: np.random.Generator, mapping: pd.DataFrame, last: np.ndarray, rule: StatusRule) -> np.ndarray:
    """60–80 kawasan (positions) picked among those ``mapping`` found rawan, bahaya with
    :data:`BAHAYA_PRIORITY`, none of the ``last`` cohort."""
    status = status_from_counts(mapping[rule.pokok].sum(axis=1), mapping[rule.pendukung].sum(axis=1), rule)
    eligible = np.flatnonzero(status.isin(["waspada", "bahaya"]).to_numpy() & ~np.isin(np.arange(len(status)), last))
    weight = np.where(status.iloc[eligible] == "bahaya", BAHAYA_PRIORITY, 1.0)
    n = min(int(rng.integers(60, 81)), len(eligible))
    return np.sort(rng.choice(eligible, n, replace=False, p=weight / weight.sum()))


def p_rawan(risk: np.ndarray, rule: StatusRule) -> np.ndarray:
    """The probability that a mapping finds a kawasan of latent ``risk`` rawan (waspada or
    bahaya): at least ``waspada_min_pokok`` of its pokok indicators present (bahaya asks more of
    them, so it lies inside), each present with probability logistic(risk + POKOK_OFFSET)."""
    present = 1 / (1 + np.exp(-(np.asarray(risk) + POKOK_OFFSET)))
    return stats.binom.sf(rule.waspada_min_pokok - 1, len(rule.pokok), present)


def _assessed(rng: np.random.Generator, risk: np.ndarray, rule: StatusRule) -> pd.DataFrame:
    """One assessment per kawasan of latent ``risk``: its 0/1 indicators, present with
    probability logistic(risk + offset), pokok rarer than pendukung, and its supply and demand
    scores (1–4), which fall with risk."""
    names = rule.pokok + rule.pendukung
    offset = np.array([POKOK_OFFSET] * len(rule.pokok) + [PENDUKUNG_OFFSET] * len(rule.pendukung))
    prob = 1 / (1 + np.exp(-(risk[:, None] + offset[None, :])))
    out = pd.DataFrame((rng.random(prob.shape) < prob).astype(int), columns=names)
    out["score_supply"] = np.clip(2.6 - 0.45 * risk + rng.normal(0, 0.2, len(risk)), 1, 4).round(3)
    out["score_demand"] = np.clip(2.7 - 0.40 * risk + rng.normal(0, 0.2, len(risk)), 1, 4).round(3)
    return out


def _rows(ids: np.ndarray, codes: np.ndarray, year: int, phase: str, assessed: pd.DataFrame) -> pd.DataFrame:
    keys = pd.DataFrame({"kawasan_id": ids, "kabkota_code": codes, "year": year, "phase": phase})
    return keys.join(assessed.reset_index(drop=True))


def ikktt(rng: np.random.Generator, spec: IndexSpec, years: tuple[int, ...]) -> pd.DataFrame:
    """IKKTT area data: per cannabis regency 6–9 gampong in the programme and 3–5 comparison
    gampong outside it (``intervened`` = tidak), every one measured before and after in every
    year. Each gampong's progress (0 to 1) rises by U(NATURAL_PROGRESS) a year by itself; the
    programme adds U(PROGRAMME_GAIN) in each year, measured after, of which PERSISTS is kept."""
    rows = []
    for code in IKKTT_REGENCIES:
        n_programme, n_comparison = int(rng.integers(6, 10)), int(rng.integers(3, 6))
        n = n_programme + n_comparison
        intervened = np.arange(n) < n_programme
        names = [f"GDAD-{code}-{j:02d}" for j in range(1, n_programme + 1)]
        names += [f"BDG-{code}-{j:02d}" for j in range(1, n_comparison + 1)]
        progress = rng.uniform(0.0, 0.3, n)
        for year in years:
            gain = np.where(intervened, rng.uniform(*PROGRAMME_GAIN, n), 0.0)
            for phase, x in (("before", progress), ("after", progress + gain)):
                frame = _area(rng, np.clip(x + rng.normal(0, 0.05, n), 0, 1))
                frame.insert(0, "intervened", np.where(intervened, "ya", "tidak"))
                keys = {"kawasan_id": names, "kabkota_code": code, "year": year, "phase": phase}
                rows.append(pd.DataFrame(keys).join(frame))
            progress = np.clip(progress + PERSISTS * gain + rng.uniform(*NATURAL_PROGRESS, n), 0, 1)
    return pd.concat(rows, ignore_index=True)


def _area(rng: np.random.Generator, x: np.ndarray) -> pd.DataFrame:
    """The IKKTT indicators of gampong whose progress is ``x`` (0 to 1), with noise."""
    n = len(x)
    return pd.DataFrame(
        {
            "ladang_ganja_ha": active_ha(rng, x),
            "titik_ganja": np.rint(np.clip(30 * (0.7 - x) + rng.normal(0, 2, n), 0, None)),
            "lahan_legal_ha": np.round(100 * x * rng.uniform(0.6, 1.1, n), 1),
            "eks_petani_ganja_pct": np.round(np.clip(100 * x + rng.normal(0, 8, n), 0, 100), 1),
            "persepsi": np.round(np.clip(1 + 3 * x + rng.normal(0, 0.2, n), 1, 4), 2),
            "partisipasi_kelompok_pct": np.round(np.clip(90 * x + rng.normal(0, 8, n), 0, 100), 1),
            "program_pemangku": np.rint(np.clip(10 * x + rng.normal(0, 1, n), 0, None)),
            "akses_pasar": np.round(np.clip(1 + 3 * x + rng.normal(0, 0.3, n), 1, 4), 2),
        }
    )


def active_ha(rng: np.random.Generator, progress: np.ndarray) -> np.ndarray:
    """Hectares of active cannabis: none past 0.55 progress, otherwise shrinking with it."""
    hectares = np.round(20 * (0.6 - progress) * rng.uniform(0.5, 1.5, len(progress)), 1)
    return np.where(progress > 0.55, 0.0, hectares)


def effect_trials(spec: IndexSpec, seeds: range, years: tuple[int, ...], kabkota: pd.DataFrame) -> pd.DataFrame:
    """The IKKRN effect estimated from many simulated kawasan series, beside the planted truth.

    For each seed, a kawasan series (:func:`kawasan`, every kab/kota equally responsive) and,
    for each year whose cohort's start and end mappings it holds, the national effect and its
    interval (:func:`bnn_lib.effect.mapping_units`, :func:`bnn_lib.effect.effect_table`), the
    true effect on the same intervened kawasan (the mean of their ``p_pulih − p_pulih_without``
    in points) and the documented recovery rate of the cohort, from its before and after rows.
    Columns: seed, year, effect, ci_low, ci_high, truth, raw_rate."""
    rows = []
    flat = pd.Series(0.0, index=kabkota["code"])
    for seed in seeds:
        sample = kawasan(np.random.default_rng(seed), spec, kabkota, flat, years)
        history = {year: frame for year, frame in sample.rows.groupby("year")}
        for year in years:
            units, window = mapping_units(history, spec, year)
            if window.missing:
                continue
            national = effect_table(units, spec.effect.strata, spec.min_kawasan, ("nasional",)).iloc[0]
            truth = sample.truth[sample.truth["cohort"] == window.cohort].set_index("kawasan_id")
            compared = truth.reindex(units.loc[units["intervened"] & units["success"].notna(), "kawasan_id"])
            cohort = history[window.cohort]
            raw = recovery(cohort[cohort["phase"] != "mapping"], spec)["pulih"]
            rows.append(
                {
                    "seed": seed,
                    "year": year,
                    "effect": national["effect"],
                    "ci_low": national["ci_low"],
                    "ci_high": national["ci_high"],
                    "truth": 100 * float((compared["p_pulih"] - compared["p_pulih_without"]).mean()),
                    "raw_rate": 100 * float(raw.mean()),
                }
            )
    return pd.DataFrame(rows)
