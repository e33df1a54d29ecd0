"""Kawasan rules: status from indicator counts, recovery of intervened kawasan, IKKTT area scores.

Status (docs/methodology.md §7), p = number of pokok indicators present (of 8), s = pendukung (of 5):

    bahaya  ⇔ p ≥ 5 and s ≥ 4          (documented)
    waspada ⇔ not bahaya and p ≥ 3      (assumed)
    siaga   ⇔ 1 ≤ p < 3                 (assumed)
    aman    ⇔ p = 0                     (assumed)

Recovery of an intervened kawasan (§4.3): pulih ⇔ before ∈ {bahaya, waspada} and after ∈
{siaga, aman} (rule ``strict``), or code_after < code_before (``any_improvement``); the recovery
rate of a region is 100 × #pulih / #decided, the intervened kawasan whose recovery is known.

A blank is unknown, never a zero: a status, and a decision that a kawasan recovered, stand only
if they hold whatever the blank cells would have been. Since the status rule and the IKKTT score
only grow with the indicators, it suffices to work each out with every blank at its lowest and
at its highest; where the two disagree the status (or pulih) is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.aggregate import index_tables, rescale, top_level
from bnn_lib.regions import NATIONAL, with_province
from bnn_lib.rollup import region_sums
from bnn_lib.rounding import round_half_up
from bnn_lib.spec import MIN_KAWASAN, STATUSES, IndexSpec, StatusRule
from bnn_lib.uncertainty import bounds, wilson

STATUS_DTYPE = pd.CategoricalDtype(STATUSES, ordered=True)
UNKNOWN = "tidak_diketahui"  # a status that blank indicators leave open


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


def indicator_bounds(assessments: pd.DataFrame, rule: StatusRule) -> tuple[pd.Series, pd.Series]:
    """The lowest and highest status the indicator columns allow (1 = present, 0 = absent, a
    blank counted absent for the lowest and present for the highest), as ordered categoricals;
    aman to bahaya where the table has no indicator columns."""
    columns = rule.pokok + rule.pendukung
    if not set(columns) <= set(assessments.columns):
        lowest = pd.Series(STATUSES[0], index=assessments.index, dtype=STATUS_DTYPE)
        return lowest, pd.Series(STATUSES[-1], index=assessments.index, dtype=STATUS_DTYPE)
    flags = assessments[columns].astype(float)
    low, high = flags.fillna(0), flags.fillna(1)
    lowest = status_from_counts(low[rule.pokok].sum(axis=1), low[rule.pendukung].sum(axis=1), rule)
    highest = status_from_counts(high[rule.pokok].sum(axis=1), high[rule.pendukung].sum(axis=1), rule)
    return lowest, highest


def recorded_status(assessments: pd.DataFrame, rule: StatusRule) -> tuple[pd.Series, pd.Series]:
    """The ``status`` column as recorded, and whether it agrees with the indicators (lies
    between the lowest and highest status they allow)."""
    lowest, highest = indicator_bounds(assessments, rule)
    if "status" not in assessments:
        recorded = pd.Series(pd.NA, index=assessments.index, dtype=STATUS_DTYPE)
    else:
        recorded = assessments["status"].astype(STATUS_DTYPE)
    agrees = recorded.notna() & (recorded >= lowest) & (recorded <= highest)
    return recorded, agrees


def status_bounds(assessments: pd.DataFrame, rule: StatusRule) -> tuple[pd.Series, pd.Series]:
    """The lowest and highest status each assessment row can have: the indicators' range, or the
    recorded ``status`` where it lies in that range (it settles what blanks leave open; a
    recorded status the indicators contradict is not used, and the intake warns of it)."""
    lowest, highest = indicator_bounds(assessments, rule)
    recorded, agrees = recorded_status(assessments, rule)
    lowest = lowest.where(~agrees, recorded).astype(STATUS_DTYPE)
    highest = highest.where(~agrees, recorded).astype(STATUS_DTYPE)
    return lowest.rename("status"), highest.rename("status")


def assessment_status(assessments: pd.DataFrame, rule: StatusRule) -> pd.Series:
    """The status of each assessment row where it is known (see :func:`status_bounds`), else NaN."""
    lowest, highest = status_bounds(assessments, rule)
    return lowest.where(lowest == highest)


def mapping_rows(assessments: pd.DataFrame, year: int) -> pd.DataFrame:
    """The routine mapping rows of ``year``, one per kawasan (the last)."""
    rows = assessments[(assessments["year"] == year) & (assessments["phase"] == "mapping")]
    return rows.drop_duplicates("kawasan_id", keep="last").reset_index(drop=True)


def intervened_kawasan(assessments: pd.DataFrame, year: int) -> pd.Series:
    """The kawasan intervened in ``year`` (a before or an after assessment, measured at both
    ends or not): their kab/kota, by kawasan id."""
    rows = assessments[(assessments["year"] == year) & assessments["phase"].isin(["before", "after"])]
    return rows.drop_duplicates("kawasan_id").set_index("kawasan_id")["kabkota_code"]


def recovery(assessments: pd.DataFrame, spec: IndexSpec, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per intervened kawasan with both a ``before`` and an ``after`` assessment.

    ``previous``: the routine mapping rows of the year before; a kawasan assessed after its
    intervention with no ``before`` row takes its before status from there (the spec's
    ``recovery.missing_before``). Columns: kawasan_id, kabkota_code, year, before_from
    ("before" or "previous_mapping"), status_before, status_after (blank where unknown), pulih
    (True, False, or NA where blanks leave it open), and where supply/demand scores exist,
    ikkrn_before, ikkrn_after, delta (0–100, score-based IKKRN).
    """
    frame = assessments[assessments["phase"].isin(["before", "after"])].assign(before_from="before")
    if previous is not None and spec.recovery.missing_before == "previous_mapping":
        frame = pd.concat([frame, before_from_mapping(frame, previous)], ignore_index=True)
    lowest, highest = status_bounds(frame, spec.status_rule)
    keys = ["kawasan_id", "kabkota_code", "year"]
    codes = frame[keys].assign(phase=frame["phase"], low=lowest.cat.codes, high=highest.cat.codes)
    wide = codes.pivot_table(index=keys, columns="phase", values=["low", "high"], aggfunc="last", observed=True)
    both = pd.MultiIndex.from_product([["low", "high"], ["before", "after"]])
    wide = wide.reindex(columns=both).dropna()  # measured before and after (none: mapping rows only)
    low_b, high_b = wide[("low", "before")].astype(int), wide[("high", "before")].astype(int)
    low_a, high_a = wide[("low", "after")].astype(int), wide[("high", "after")].astype(int)
    out = pd.DataFrame(
        {"status_before": _known(low_b, high_b), "status_after": _known(low_a, high_a)},
        index=wide.index if len(wide) else pd.MultiIndex.from_arrays([[], [], []], names=keys),
    )
    out["pulih"] = is_recovered((low_b, high_b), (low_a, high_a), spec)
    source = frame[frame["phase"] == "before"].set_index(keys)["before_from"]
    out.insert(0, "before_from", source[~source.index.duplicated(keep="last")].reindex(out.index))
    value = kawasan_score(frame.set_index([*keys, "phase"]), spec)
    if value is not None:
        value = value.unstack("phase")
        out["ikkrn_before"] = value.get("before")
        out["ikkrn_after"] = value.get("after")
        out["delta"] = out["ikkrn_after"] - out["ikkrn_before"]
    return out.reset_index()


def kawasan_score(rows: pd.DataFrame, spec: IndexSpec) -> pd.Series | None:
    """The score-based IKKRN (0–100) of each assessment row from its dimension scores
    ``score_<variable>`` (docs/methodology.md §4.3), indexed as ``rows``; None where the rows
    carry no scores."""
    dims = [v.id for v in spec.variables]
    columns = [f"score_{d}" for d in dims]
    if not set(columns) <= set(rows.columns) or not rows[columns].notna().any().any():
        return None
    return rescale(top_level(spec, rows[columns].set_axis(dims, axis=1)), spec.rescale)


def before_from_mapping(frame: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """``before`` rows, made from the previous year's mapping, for the kawasan of ``frame``
    assessed after an intervention with no before assessment of their own."""
    keys = ["kawasan_id", "kabkota_code"]
    phases = frame.groupby(keys)["phase"].agg(set)
    wanting = phases[phases.map(lambda p: "after" in p and "before" not in p)].index
    if wanting.empty:  # nothing to fill (a year of mapping rows only, say)
        return frame.iloc[:0]
    mapping = previous[previous["phase"] == "mapping"].drop_duplicates(keys, keep="last").set_index(keys)
    found = mapping.reindex(wanting.intersection(mapping.index)).reset_index()
    return found.assign(phase="before", year=frame["year"].iloc[0], before_from="previous_mapping")


def _known(lowest: pd.Series, highest: pd.Series) -> pd.Categorical:
    """The status where its lowest and highest codes agree, else NaN."""
    return pd.Categorical.from_codes(np.where(lowest == highest, lowest, -1), dtype=STATUS_DTYPE)


def is_recovered(before: tuple[pd.Series, pd.Series], after: tuple[pd.Series, pd.Series], spec: IndexSpec) -> pd.Series:
    """pulih for each kawasan under the spec's recovery rule, from the range of status codes
    (0 = aman … 3 = bahaya) each could have before and after: True or False where every status
    in those ranges gives the same answer, NA where they disagree."""
    rule = spec.recovery
    rawan = [STATUSES.index(s) for s in rule.rawan]

    def recovered(b: int, a: int) -> bool:
        return a < b if rule.rule == "any_improvement" else b in rawan and a not in rawan

    (low_b, high_b), (low_a, high_a) = before, after
    some_yes = np.zeros(len(low_b), dtype=bool)
    some_no = np.zeros(len(low_b), dtype=bool)
    for b in range(len(STATUSES)):
        for a in range(len(STATUSES)):
            possible = ((low_b <= b) & (b <= high_b) & (low_a <= a) & (a <= high_a)).to_numpy()
            (some_yes if recovered(b, a) else some_no)[possible] = True
    return pd.Series(pd.array(np.where(some_yes & some_no, None, some_yes), dtype="boolean"), index=low_b.index)


def status_transitions(recovered: pd.DataFrame) -> pd.DataFrame:
    """How many intervened kawasan of ``recovered`` (rows of :func:`recovery`, with
    ``kabkota_code``) were in each status before and after, for each kab/kota, province and the
    nation: columns region_code, status (aman … bahaya, every one), before, after. A kawasan whose
    status blanks leave open at one end is not counted at that end."""
    ends = {
        end: pd.crosstab(recovered["kabkota_code"], recovered[f"status_{end}"].astype(STATUS_DTYPE), dropna=False)
        .reindex(columns=STATUSES, fill_value=0)
        .rename_axis(index=None, columns=None)
        for end in ("before", "after")
    }
    long = {end: pd.concat([t, region_sums(t)]).stack().rename(end) for end, t in ends.items()}
    table = pd.concat(long.values(), axis=1).fillna(0).astype(int)
    return table.rename_axis(["region_code", "status"]).reset_index()


def status_counts(assessments: pd.DataFrame, rule: StatusRule, phase: str = "mapping") -> pd.DataFrame:
    """Counts of kawasan per kab/kota, year and status from the routine mapping.

    Columns: kabkota_code, year, aman, siaga, waspada, bahaya, tidak_diketahui (blanks leave
    the status open), n_kawasan (all), n_rawan (bahaya + waspada).
    """
    frame = assessments[assessments["phase"] == phase]
    status = assessment_status(frame, rule).cat.add_categories([UNKNOWN]).fillna(UNKNOWN)
    counts = pd.crosstab([frame["kabkota_code"], frame["year"]], status, dropna=False).reindex(
        columns=[*STATUSES, UNKNOWN], fill_value=0
    )
    counts.columns = list(counts.columns.astype(str))
    counts["n_kawasan"] = counts[[*STATUSES, UNKNOWN]].sum(axis=1)
    counts["n_rawan"] = counts["bahaya"] + counts["waspada"]
    return counts.reset_index()


def area_scores(areas: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """IKKTT per kawasan and phase: normalised indicators, variable scores, index 0–100.

    Normalisation between goalposts [a, b] of each indicator, clipped to [0, 1]:
        x' = (x − a)/(b − a)            (direction +1, higher is better)
        x' = 1 − (x − a)/(b − a)        (direction −1, e.g. hectares of cannabis)
    V_v = weighted mean of x' over v's indicators; I = weighted mean of V_v; I100 = 100 · I.
    A blank indicator is left out of ``value_100`` (weights renormalised); ``value_100_low`` and
    ``value_100_high`` are the index with every blank at its worst (x' = 0) and its best (x' = 1).
    ``intervened``: whether the kawasan is in the programme (a comparison kawasan is not; blank
    or no column: in the programme).
    """
    keys = ["kawasan_id", "kabkota_code", "year", "phase"]
    frame = areas.set_index(keys)
    normalised = pd.DataFrame(index=frame.index)
    for ind in spec.indicators:
        a, b = ind.goalposts
        x = ((frame[ind.id].astype(float) - a) / (b - a)).clip(0, 1)
        normalised[ind.id] = x if ind.direction == 1 else 1 - x
    variables, value = index_tables(normalised, spec)
    out = variables.add_prefix("var_")
    out["value"] = value
    out["value_100"] = rescale(out["value"], spec.rescale)
    for column, blank in (("value_100_low", 0.0), ("value_100_high", 1.0)):
        out[column] = rescale(index_tables(normalised.fillna(blank), spec)[1], spec.rescale)
    if spec.recovery and spec.recovery.no_active_indicator:
        active = frame[spec.recovery.no_active_indicator].astype(float)
        out["active_cultivation"] = pd.array(np.where(active.isna(), None, active > 0), dtype="boolean")
    out["intervened"] = frame["intervened"].ne("tidak").to_numpy() if "intervened" in frame else True
    return out.reset_index()


def area_recovery(scores: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """One row per kawasan measured before and after: values, delta, ``already`` and pulih.

    A kawasan recovers when it did not meet the recovery rule before the intervention and meets
    it after (:func:`meets_recovery`); one that met it before already is counted apart
    (``already``, pulih blank), so that the rate counts only kawasan that had something to
    recover from. Blanks leave ``already`` or pulih open (NA) unless every value they could take
    gives the same answer. ``intervened`` is carried from the assessments.
    """
    keys = ["kawasan_id", "kabkota_code", "year"]
    # Measured before and after: value_100_low is never blank for a row that exists.
    both = scores.pivot_table(index=keys, columns="phase", values="value_100_low", aggfunc="last")
    measured = both.reindex(columns=["before", "after"]).dropna().index
    wide = scores.pivot_table(index=keys, columns="phase", values="value_100", aggfunc="last", dropna=False)
    wide = wide.reindex(index=measured, columns=["before", "after"])
    before, after = (scores[scores["phase"] == p].set_index(keys).reindex(measured) for p in ("before", "after"))
    out = pd.DataFrame({"value_before": wide["before"], "value_after": wide["after"]})
    out["delta"] = out["value_after"] - out["value_before"]
    already, reached = meets_recovery(before, spec), meets_recovery(after, spec)
    # Decided only for a kawasan that surely had not met the rule before: one whose start is open
    # could have been one to count apart.
    was_not = already.eq(False).fillna(False).to_numpy(bool)
    meets, fails = (reached.eq(value).fillna(False).to_numpy(bool) for value in (True, False))
    pulih = np.where(was_not & fails, False, np.where(was_not & meets, True, None))
    out["already"] = already.to_numpy()
    out["pulih"] = pd.array(pulih, dtype="boolean")
    out["intervened"] = before["intervened"].astype(bool).to_numpy() if "intervened" in before else True
    return out.reset_index()


def meets_recovery(rows: pd.DataFrame, spec: IndexSpec) -> pd.Series:
    """Whether each assessment row meets the recovery rule of an area index: I100 ≥ min_score
    (rounded to the band decimals) and no active cultivation. True only if the score at its
    worst (every blank at its worst) passes and cultivation is known to be absent; False if the
    score at its best still fails or cultivation is known to be active; NA otherwise."""
    decimals = spec.bands.decimals if spec.bands else 2
    surely = round_half_up(rows["value_100_low"], decimals) >= spec.recovery.min_score
    possibly = round_half_up(rows["value_100_high"], decimals) >= spec.recovery.min_score
    if "active_cultivation" in rows:
        active = rows["active_cultivation"].astype("boolean")
        surely &= active.eq(False).fillna(False).astype(bool)
        possibly &= ~active.eq(True).fillna(False).astype(bool)
    return pd.Series(
        pd.array(np.where(surely, True, np.where(possibly, None, False)), dtype="boolean"), index=rows.index
    )


def recovery_rates(
    per_kawasan: pd.DataFrame, counts: pd.DataFrame | None = None, min_kawasan: int = MIN_KAWASAN
) -> pd.DataFrame:
    """Recovery per kab/kota, province and nation: n_intervened, n_pulih, n_already (had met the
    rule before: counted apart), n_unknown (blanks leave pulih open), n_decided = n_intervened −
    n_already − n_unknown, recovery_rate (%) = 100 · n_pulih / n_decided with its Wilson
    interval, ``few`` (fewer than ``min_kawasan`` decided: shown as counts, not as a percent),
    mean delta where scores exist, and the mapping counts (n_kawasan, n_rawan, statuses) where
    given."""
    table = with_province(per_kawasan)
    already = table["already"].eq(True).astype(bool) if "already" in table else pd.Series(False, index=table.index)
    frames = []
    for level, key in (("kabkota", "kabkota_code"), ("provinsi", "province_code"), ("nasional", None)):
        by = table[key] if key else pd.Series(NATIONAL, index=table.index)
        out = pd.DataFrame(
            {
                "n_intervened": table.groupby(by).size(),
                "n_pulih": table["pulih"].fillna(False).astype(bool).groupby(by).sum(),
                "n_already": already.groupby(by).sum(),
                "n_unknown": (table["pulih"].isna() & ~already).astype(bool).groupby(by).sum(),
            }
        )
        if "delta" in table:
            out["mean_delta"] = table["delta"].groupby(by).mean()
        for column in ("value_before", "value_after"):
            if column in table:
                out[f"mean_{column.removeprefix('value_')}"] = table[column].groupby(by).mean()
        if counts is not None:
            mapped = with_province(counts)
            mby = mapped[key] if key else pd.Series(NATIONAL, index=mapped.index)
            out = out.join(
                mapped.groupby(mby)[["n_kawasan", "n_rawan", "bahaya", "waspada", UNKNOWN]].sum(), how="outer"
            )
        out["n_decided"] = out["n_intervened"] - out["n_already"] - out["n_unknown"]
        out["few"] = out["n_decided"].fillna(0) < min_kawasan
        out["recovery_rate"] = 100.0 * out["n_pulih"] / out["n_decided"].where(out["n_decided"] > 0)
        lo, hi = bounds()
        out[lo], out[hi] = wilson(out["n_pulih"], out["n_decided"])
        frames.append(out.rename_axis("region_code").reset_index().assign(level=level))
    return pd.concat(frames, ignore_index=True)
