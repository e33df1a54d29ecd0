"""Kawasan rules: status from indicator counts, recovery of intervened kawasan, IKKTT area scores.

Status (methodology §7), p = number of pokok indicators present (of 8), s = pendukung (of 5):

    bahaya  ⇔ p ≥ 5 and s ≥ 4          (documented)
    waspada ⇔ not bahaya and p ≥ 3      (assumed)
    siaga   ⇔ 1 ≤ p < 3                 (assumed)
    aman    ⇔ p = 0                     (assumed)

Recovery of an intervened kawasan (§4.3): pulih ⇔ before ∈ {bahaya, waspada} and after ∈
{siaga, aman} (rule ``strict``), or code_after < code_before (``any_improvement``); the recovery
rate of a region is 100 × #pulih / #intervened and measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.aggregate import combine, indicator_weights, rescale, top_level
from bnn_lib.spec import IndexSpec, StatusRule

STATUSES = ["aman", "siaga", "waspada", "bahaya"]
STATUS_DTYPE = pd.CategoricalDtype(STATUSES, ordered=True)


def status_from_counts(pokok: pd.Series, pendukung: pd.Series, rule: StatusRule) -> pd.Series:
    """The status of each kawasan from its counts p and s, as an ordered categorical."""
    p, s = pokok.to_numpy(dtype=float), pendukung.to_numpy(dtype=float)
    status = np.select(
        [
            (p >= rule.bahaya_min_pokok) & (s >= rule.bahaya_min_pendukung),
            p >= rule.waspada_min_pokok,
            p >= rule.siaga_min_pokok,
            p >= 0,
        ],
        ["bahaya", "waspada", "siaga", "aman"],
        default=None,
    )
    return pd.Series(status, index=pokok.index, name="status").astype(STATUS_DTYPE)


def assessment_status(assessments: pd.DataFrame, rule: StatusRule) -> pd.Series:
    """The status of each assessment row: from the indicator columns where all are present
    (1 = present, 0 = absent), else from the ``status`` column as recorded."""
    columns = rule.pokok + rule.pendukung
    recorded = (
        assessments["status"].astype(STATUS_DTYPE)
        if "status" in assessments
        else pd.Series(pd.NA, index=assessments.index, dtype=STATUS_DTYPE)
    )
    if not set(columns) <= set(assessments.columns):
        return recorded.rename("status")
    complete = assessments[columns].notna().all(axis=1)
    derived = status_from_counts(assessments[rule.pokok].sum(axis=1), assessments[rule.pendukung].sum(axis=1), rule)
    return derived.where(complete, recorded).astype(STATUS_DTYPE).rename("status")


def recovery(assessments: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """One row per intervened kawasan with both a ``before`` and an ``after`` assessment.

    Columns: kawasan_id, kabkota_code, year, status_before, status_after, pulih, and where
    supply/demand scores exist, ikkrn_before, ikkrn_after, delta (0–100, score-based IKKRN).
    """
    frame = assessments.assign(status=assessment_status(assessments, spec.status_rule))
    frame = frame[frame["phase"].isin(["before", "after"])]
    keys = ["kawasan_id", "kabkota_code", "year"]
    wide = frame.pivot_table(index=keys, columns="phase", values="status", aggfunc="last", observed=True)
    wide = wide.reindex(columns=["before", "after"]).dropna().astype(STATUS_DTYPE)
    out = pd.DataFrame({"status_before": wide["before"], "status_after": wide["after"]}, index=wide.index)
    out["pulih"] = is_recovered(out["status_before"], out["status_after"], spec)
    dims = [v.id for v in spec.variables]
    score_columns = [f"score_{d}" for d in dims]
    if set(score_columns) <= set(frame.columns) and frame[score_columns].notna().any().any():
        scores = frame.set_index([*keys, "phase"])[score_columns].set_axis(dims, axis=1)
        value = rescale(top_level(spec, scores), spec.rescale).unstack("phase")
        out["ikkrn_before"] = value.get("before")
        out["ikkrn_after"] = value.get("after")
        out["delta"] = out["ikkrn_after"] - out["ikkrn_before"]
    return out.reset_index()


def is_recovered(before: pd.Series, after: pd.Series, spec: IndexSpec) -> pd.Series:
    """pulih for each kawasan under the spec's recovery rule."""
    rule = spec.recovery
    if rule.rule == "any_improvement":
        return pd.Series(after.cat.codes < before.cat.codes, index=before.index)
    return before.isin(rule.rawan) & ~after.isin(rule.rawan)


def status_counts(assessments: pd.DataFrame, rule: StatusRule, phase: str = "mapping") -> pd.DataFrame:
    """Counts of kawasan per kab/kota, year and status from the routine mapping.

    Columns: kabkota_code, year, aman, siaga, waspada, bahaya, n_kawasan, n_rawan (bahaya + waspada).
    """
    frame = assessments[assessments["phase"] == phase]
    status = assessment_status(frame, rule)
    counts = pd.crosstab([frame["kabkota_code"], frame["year"]], status, dropna=False).reindex(
        columns=STATUSES, fill_value=0
    )
    counts.columns = list(counts.columns.astype(str))
    counts["n_kawasan"] = counts[STATUSES].sum(axis=1)
    counts["n_rawan"] = counts["bahaya"] + counts["waspada"]
    return counts.reset_index()


def area_scores(areas: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """IKKTT per kawasan and phase: normalised indicators, variable scores, index 0–100.

    Normalisation between goalposts [a, b] of each indicator, clipped to [0, 1]:
        x' = (x − a)/(b − a)            (direction +1, higher is better)
        x' = 1 − (x − a)/(b − a)        (direction −1, e.g. hectares of cannabis)
    V_v = weighted mean of x' over v's indicators; I = weighted mean of V_v; I100 = 100 · I.
    """
    keys = ["kawasan_id", "kabkota_code", "year", "phase"]
    frame = areas.set_index(keys)
    normalised = pd.DataFrame(index=frame.index)
    for ind in spec.indicators:
        a, b = ind.goalposts
        x = ((frame[ind.id].astype(float) - a) / (b - a)).clip(0, 1)
        normalised[ind.id] = x if ind.direction == 1 else 1 - x
    variables = combine(normalised, indicator_weights(spec))
    out = variables.add_prefix("var_")
    out["value"] = top_level(spec, variables)
    out["value_100"] = rescale(out["value"], spec.rescale)
    if spec.recovery and spec.recovery.no_active_indicator:
        out["active_cultivation"] = frame[spec.recovery.no_active_indicator].astype(float) > 0
    return out.reset_index()


def area_recovery(scores: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """One row per kawasan measured before and after: values, delta and pulih.

    pulih ⇔ I100_after ≥ min_score (after rounding to the band decimals) and no active
    cultivation after.
    """
    keys = ["kawasan_id", "kabkota_code", "year"]
    wide = scores.pivot_table(index=keys, columns="phase", values="value_100", aggfunc="last")
    wide = wide.reindex(columns=["before", "after"]).dropna()
    out = pd.DataFrame({"value_before": wide["before"], "value_after": wide["after"]})
    out["delta"] = out["value_after"] - out["value_before"]
    decimals = spec.bands.decimals if spec.bands else 2
    passed = out["value_after"].round(decimals) >= spec.recovery.min_score
    if "active_cultivation" in scores:
        after = scores[scores["phase"] == "after"].set_index(keys)["active_cultivation"]
        passed &= ~after.reindex(out.index).fillna(True).astype(bool)
    out["pulih"] = passed
    return out.reset_index()
