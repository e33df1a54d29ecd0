"""The effect of an intervention, beside its recovery rate (docs/methodology.md §12).

A recovery rate alone says nothing about the programme: kawasan rawan leave the rawan set without
it too, and a kawasan chosen because one noisy mapping found it rawan tends to look better at
the next measurement whatever is done (regression to the mean). The effect is therefore the
difference between intervened kawasan and comparable kawasan that were not intervened, both
measured the same way at both ends and selected the same way at the start, so that the same
regression affects both:

    effect = p₁ − p₀*,   p₀* = Σ_s a_s p₀ₛ,   a_s = n₁ₛ / n₁

p₁ is the share of the intervened kawasan that succeed (leave the rawan set; reach the recovery
threshold), p₀ₛ that of the comparison kawasan of stratum s (status at the start, province or
kab/kota), standardised to the intervened kawasan's strata. The 95 % interval combines Wilson
intervals by the MOVER method (Newcombe 1998, method 10, for one stratum; Zou & Donner 2008 for
the weighted sum), which stays honest for small strata and rates near 0 or 100 %. Where scores
are measured at both ends, the difference in their mean change (a difference in differences)
is estimated the same way, with a Welch t interval.

:func:`effect_table` gives one row per region (nation, province, kab/kota) from a table of
units; :func:`mapping_units` (IKKRN) and :func:`phase_units` (IKKTT) build the units.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from bnn_lib.kawasan import intervened_kawasan, is_recovered, kawasan_score, mapping_rows, status_bounds
from bnn_lib.regions import NATIONAL, province_codes
from bnn_lib.spec import IndexSpec
from bnn_lib.uncertainty import REPORTED, wilson


def share_difference(strata: pd.DataFrame) -> pd.DataFrame:
    """The standardised difference in the share of successes, intervened minus comparison, of
    every region.

    ``strata``: one row per (region, stratum) with the intervened kawasan decided at the end
    (``n1``) and their successes (``k1``), and the same of the comparison kawasan (``n0``,
    ``k0``). Intervened kawasan of a stratum with no comparison kawasan cannot be compared: they
    are left out and counted (``n_unmatched``). Returns, by region, ``rate_intervened``,
    ``rate_comparison`` (standardised to the intervened kawasan's strata), ``effect`` (points),
    ``ci_low``, ``ci_high``, ``n_intervened``, ``n_comparison``, ``n_pulih_intervened``,
    ``n_pulih_comparison``, ``n_unmatched``; in percent.
    """
    region = strata.index.get_level_values(0)
    matched = (strata["n1"] > 0) & (strata["n0"] > 0)
    used = strata[matched]
    by = used.index.get_level_values(0)
    n1, k1 = used["n1"].groupby(by).sum(), used["k1"].groupby(by).sum()
    out = pd.DataFrame(
        {
            "n_intervened": n1,
            "n_comparison": used["n0"].groupby(by).sum(),
            "n_pulih_intervened": k1,
            "n_pulih_comparison": used["k0"].groupby(by).sum(),
        }
    ).reindex(region.unique())
    out["n_unmatched"] = strata["n1"].where(~matched, 0).groupby(region).sum()
    p1 = k1 / n1
    l1, u1 = (pd.Series(x / 100, index=n1.index) for x in wilson(k1.to_numpy(), n1.to_numpy()))
    a = used["n1"] / used["n1"].groupby(by).transform("sum")  # a_s = n₁ₛ / n₁
    p0s = used["k0"] / used["n0"]
    l0s, u0s = (pd.Series(x / 100, index=used.index) for x in wilson(used["k0"].to_numpy(), used["n0"].to_numpy()))
    p0 = (a * p0s).groupby(by).sum()
    l0 = p0 - np.sqrt((a**2 * (p0s - l0s) ** 2).groupby(by).sum())
    u0 = p0 + np.sqrt((a**2 * (u0s - p0s) ** 2).groupby(by).sum())
    effect = p1 - p0
    out["rate_intervened"], out["rate_comparison"], out["effect"] = 100 * p1, 100 * p0, 100 * effect
    out["ci_low"] = 100 * (effect - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2))
    out["ci_high"] = 100 * (effect + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))
    return out


def mean_difference(strata: pd.DataFrame) -> pd.DataFrame:
    """The standardised difference in the mean change of a score, intervened minus comparison
    (a difference in differences), with a Welch t interval, of every region.

    ``strata``: one row per (region, stratum) with, for the intervened kawasan with a score at
    both ends, their number (``m1``), the sum of their changes (``s1``) and of their squares
    (``q1``), and the same of the comparison kawasan (``m0``, ``s0``, ``q0``). The comparison
    mean is standardised to the intervened kawasan's strata; its variance is pooled within
    strata. Returns, by region, ``change_intervened``, ``change_comparison``, ``did``,
    ``did_ci_low``, ``did_ci_high`` (NaN where a variance cannot be estimated: fewer than two
    intervened kawasan, or no stratum with two comparison kawasan), and the kawasan counted
    (``n_scored_intervened``, ``n_scored_comparison``)."""
    used = strata[(strata["m1"] > 0) & (strata["m0"] > 0)]
    by = used.index.get_level_values(0)
    m1, s1, q1 = (used[c].groupby(by).sum() for c in ("m1", "s1", "q1"))
    mean1 = s1 / m1
    v1 = (q1 - s1 * mean1) / (m1 - 1) / m1  # the variance of the intervened mean
    a = used["m1"] / used["m1"].groupby(by).transform("sum")
    mean0s = used["s0"] / used["m0"]
    dof0 = (used["m0"] - 1).groupby(by).sum()
    pooled = (used["q0"] - used["s0"] * mean0s).groupby(by).sum() / dof0.where(dof0 > 0)
    v0 = pooled * (a**2 / used["m0"]).groupby(by).sum()
    mean0 = (a * mean0s).groupby(by).sum()
    did = mean1 - mean0
    # Welch–Satterthwaite degrees of freedom of the two parts.
    dof = (v1 + v0) ** 2 / (v1**2 / (m1 - 1) + v0**2 / dof0)
    half = pd.Series(stats.t.ppf(1 - (1 - REPORTED) / 2, dof), index=did.index) * np.sqrt(v1 + v0)
    m0 = used["m0"].groupby(by).sum()
    enough = (m1 >= 2) & (dof0 > 0)  # both variances estimable
    out = pd.DataFrame(
        {
            "change_intervened": mean1,
            "change_comparison": mean0,
            "did": did,
            "did_ci_low": did - half,
            "did_ci_high": did + half,
        }
    ).where(enough)
    return out.assign(n_scored_intervened=m1, n_scored_comparison=m0)


LEVELS = ("nasional", "provinsi", "kabkota")
EFFECT_COLUMNS = [
    "rate_intervened",
    "rate_comparison",
    "effect",
    "ci_low",
    "ci_high",
    "n_intervened",
    "n_comparison",
    "n_pulih_intervened",
    "n_pulih_comparison",
    "n_unmatched",
    "change_intervened",
    "change_comparison",
    "did",
    "did_ci_low",
    "did_ci_high",
    "n_scored_intervened",
    "n_scored_comparison",
]


def effect_table(
    units: pd.DataFrame, strata: list[str], min_kawasan: int, levels: tuple[str, ...] = LEVELS
) -> pd.DataFrame:
    """The effect of the nation, of every province and of every kab/kota with intervened kawasan.

    ``units``: one row per kawasan in the comparison, with ``kabkota_code``, ``intervened``,
    ``status`` (at the start), ``success`` (boolean, NA where the end leaves it open) and
    ``change`` (score, NaN without scores). A region is compared within itself: the nation on
    the spec's ``strata`` (status at the start, province or kab/kota; a province or kab/kota
    stratum with fewer than ``min_kawasan`` comparison kawasan joins its status's national
    stratum), a province on status and kab/kota where ``strata`` asks for it, a kab/kota on
    status. ``few``: fewer than ``min_kawasan`` intervened or comparison kawasan decided; the
    effect and its interval are then blank (the counts remain). The nation always has a row;
    a province or kab/kota only where a kawasan was intervened (of the ``levels`` asked for).
    ``n_excluded``: intervened kawasan not compared (``compared`` False: not rawan or not known
    at the start, or not mapped at the end). Columns: level, code (the region), :data:`EFFECT_COLUMNS`,
    n_excluded, few, strata, method.
    """
    columns = ["level", "code", *EFFECT_COLUMNS, "n_excluded", "few", "strata", "method"]
    if units.empty:
        row = {"level": "nasional", "code": NATIONAL, "n_intervened": 0, "n_comparison": 0, "n_excluded": 0}
        return pd.DataFrame([row | {"few": True, "strata": "+".join(strata), "method": METHOD}], columns=columns)
    units = units.assign(province_code=province_codes(units["kabkota_code"]), national=NATIONAL)
    frames = []
    for level, key, within in (
        ("nasional", "national", strata),
        ("provinsi", "province_code", [s for s in strata if s != "province"]),
        ("kabkota", "kabkota_code", [s for s in strata if s == "status"]),
    ):
        if level not in levels:
            continue
        reached = units.groupby(key)["intervened"].transform("any")
        part = units[reached | (units[key] == NATIONAL)]
        compared = part[part["compared"]]
        cells = _cells(compared.assign(region=compared[key], stratum=_strata(compared, within, min_kawasan)))
        table = share_difference(cells).join(mean_difference(cells)).reindex(part[key].unique())
        table["n_excluded"] = (part["intervened"] & ~part["compared"]).groupby(part[key]).sum()
        frames.append(
            table.reindex(columns=[*EFFECT_COLUMNS, "n_excluded"]).assign(level=level, strata="+".join(within))
        )
    out = pd.concat(frames).rename_axis("code").reset_index()
    counts = [c for c in [*EFFECT_COLUMNS, "n_excluded"] if c.startswith("n_")]
    out[counts] = out[counts].fillna(0).round().astype(int)
    out["few"] = out[["n_intervened", "n_comparison"]].min(axis=1) < min_kawasan
    out.loc[out["few"], ["effect", "ci_low", "ci_high"]] = np.nan
    scored_few = out[["n_scored_intervened", "n_scored_comparison"]].min(axis=1) < min_kawasan
    out.loc[scored_few, ["did", "did_ci_low", "did_ci_high"]] = np.nan
    return out.assign(method=METHOD)[columns]


# How the effect was estimated, as the results record it (docs/methodology.md §12.3).
METHOD = "standardised difference of shares, MOVER-Wilson 95 %; difference in differences, Welch t 95 %"


def _cells(units: pd.DataFrame) -> pd.DataFrame:
    """The counts and sums of every (region, stratum) that the two estimators need."""
    decided = units["success"].notna()
    success = units["success"].fillna(False).astype(bool)
    scored = units["change"].notna()
    change = units["change"].fillna(0.0)
    treated = units["intervened"].astype(bool)
    parts = {}
    for side, mask in (("1", treated), ("0", ~treated)):
        parts |= {
            f"n{side}": decided & mask,
            f"k{side}": success & decided & mask,
            f"m{side}": scored & mask,
            f"s{side}": change.where(scored & mask, 0.0),
            f"q{side}": (change**2).where(scored & mask, 0.0),
        }
    return pd.DataFrame(parts).astype(float).groupby([units["region"], units["stratum"]]).sum()


def _strata(units: pd.DataFrame, within: list[str], min_kawasan: int) -> pd.Series:
    """Each unit's stratum: its status at the start (where asked) and its place (its kab/kota
    where asked, else its province where asked) where that place has at least ``min_kawasan``
    decided comparison kawasan of the status; the kawasan of thinner places pool by status ("*")."""
    status = units["status"].astype(str) if "status" in within else pd.Series("", index=units.index)
    place = next((c for s, c in (("kabkota", "kabkota_code"), ("province", "province_code")) if s in within), None)
    if place is None:
        return status
    cell = status + "|" + units[place]
    comparisons = cell[~units["intervened"].astype(bool) & units["success"].notna()].value_counts()
    return cell.where(cell.map(comparisons).fillna(0) >= min_kawasan, status + "|*")


class Window(NamedTuple):
    """The years an IKKRN effect spans: the intervention year (``cohort``), the mappings read at
    the ``start`` and ``end``, and those of them without data (``missing``)."""

    cohort: int
    start: int
    end: int
    missing: tuple[int, ...] = ()


UNIT_COLUMNS = ["kawasan_id", "kabkota_code", "intervened", "compared", "status", "success", "change"]


def mapping_units(history: dict[int, pd.DataFrame], spec: IndexSpec, year: int) -> tuple[pd.DataFrame, Window]:
    """The kawasan compared for IKKRN in the results of ``year``, and the years they span.

    The cohort is the kawasan intervened in ``year − end_year`` (those with ``before`` or
    ``after`` assessments that year). Every kawasan that the routine mapping of the start year
    (``cohort + start_year``) found rawan, with its status known there and a mapping row in the
    end year (``year``), is compared: intervened if in the cohort, else a comparison kawasan,
    unless the programme reached it the year before the cohort. An intervened kawasan that is
    not (not rawan or not known at the start, not mapped at the end) is a unit with ``compared``
    False, so that it is counted. ``status``: at the start; ``success``: recovered from the
    start to the end mapping by the spec's rule (:func:`bnn_lib.kawasan.is_recovered`, NA where
    blanks leave it open); ``change``: the score-based IKKRN (0–100) at the end minus at the
    start, where both mappings carry scores. ``history``: the assessments of each year.
    """
    design, rule = spec.effect, spec.status_rule
    cohort = year - design.end_year
    window = Window(cohort, cohort + design.start_year, year)
    missing = tuple(y for y in sorted({cohort, window.start, window.end}) if y not in history)
    if missing:
        return pd.DataFrame(columns=UNIT_COLUMNS), window._replace(missing=missing)
    start = mapping_rows(history[window.start], window.start)
    low, high = status_bounds(start, rule)
    rawan = low.eq(high) & low.isin(spec.recovery.rawan)
    start = start[rawan.to_numpy()].reset_index(drop=True)
    end = mapping_rows(history[window.end], window.end).set_index("kawasan_id").reindex(start["kawasan_id"])
    mapped = end["phase"].notna().to_numpy()
    start, end = start[mapped].reset_index(drop=True), end[mapped].reset_index()
    (low_s, high_s), (low_e, high_e) = (status_bounds(frame, rule) for frame in (start, end))
    success = is_recovered((low_s.cat.codes, high_s.cat.codes), (low_e.cat.codes, high_e.cat.codes), spec)
    intervened = intervened_kawasan(history[cohort], cohort)
    earlier = intervened_kawasan(history[cohort - 1], cohort - 1) if cohort - 1 in history else pd.Series(dtype=str)
    units = pd.DataFrame(
        {
            "kawasan_id": start["kawasan_id"],
            "kabkota_code": start["kabkota_code"],
            "intervened": start["kawasan_id"].isin(intervened.index),
            "compared": True,
            "status": low_s.astype(str).to_numpy(),
            "success": success.to_numpy(),
            "change": _change(start, end, spec),
        }
    )
    units = units[units["intervened"] | ~units["kawasan_id"].isin(earlier.index)]
    left_out = intervened[~intervened.index.isin(units["kawasan_id"])]
    apart = pd.DataFrame({"kawasan_id": left_out.index, "kabkota_code": left_out.to_numpy()})
    apart = apart.assign(intervened=True, compared=False, status=None, success=pd.NA, change=np.nan)
    return pd.concat([units, apart], ignore_index=True)[UNIT_COLUMNS], window


def _change(start: pd.DataFrame, end: pd.DataFrame, spec: IndexSpec) -> np.ndarray:
    """The score-based IKKRN at the end minus at the start, row by row (NaN without scores)."""
    before, after = kawasan_score(start, spec), kawasan_score(end, spec)
    if before is None or after is None:
        return np.full(len(start), np.nan)
    return after.to_numpy() - before.to_numpy()


def phase_units(per_kawasan: pd.DataFrame) -> pd.DataFrame:
    """The kawasan compared for IKKTT: every kawasan measured before and after in the year,
    intervened or not, that had not met the recovery rule before (``already`` False); ``success``
    is pulih and ``change`` the change of its score (:func:`bnn_lib.kawasan.area_recovery`)."""
    units = per_kawasan[per_kawasan["already"].eq(False).fillna(False).astype(bool)]
    return pd.DataFrame(
        {
            "kawasan_id": units["kawasan_id"],
            "kabkota_code": units["kabkota_code"],
            "intervened": units["intervened"].astype(bool),
            "compared": True,
            "status": "",
            "success": units["pulih"],
            "change": units["delta"],
        }
    ).reset_index(drop=True)
