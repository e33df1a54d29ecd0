"""The kawasan indices of a year (IKKRN, IKKTT): status counts, recovery and its rates, the
effect of the intervention beside them, and the relapses; with the earlier years' assessments
they read.

IKKRN reads more than its year: last year's mapping gives a kawasan without a before row its
status, and the effect and the relapses follow cohorts across the years before
(:func:`kawasan_history`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bnn_lib.bands import classify
from bnn_lib.effect import effect_table, mapping_units, phase_units
from bnn_lib.inputs import check_year
from bnn_lib.intake import Problem
from bnn_lib.kawasan import (
    area_recovery,
    area_scores,
    assessment_status,
    intervened_kawasan,
    mapping_rows,
    recovery,
    recovery_rates,
    status_counts,
    status_transitions,
)
from bnn_lib.spec import IndexSpec
from bnn_lib.tidy import tidy


def compute_ikkrn(history: dict[int, pd.DataFrame], spec: IndexSpec, year: int) -> dict[str, pd.DataFrame]:
    """Status counts from the mapping, recovery of intervened kawasan and recovery rates, and the
    effect of the intervention beside them (:mod:`bnn_lib.effect`). ``history``: the kawasan
    assessments of ``year`` and of the years before it that could be read; last year's gives a
    kawasan without a before row its status, where the spec says so."""
    assessments = history[year]
    counts = status_counts(assessments[assessments["year"] == year], spec.status_rule)
    reached = intervened_kawasan(assessments, year).value_counts()
    counts["n_intervened"] = counts["kabkota_code"].map(reached).fillna(0).astype(int)
    per_kawasan = recovery(assessments[assessments["year"] == year], spec, history.get(year - 1))
    tables = {
        "ikkrn_status": tidy(counts, spec),
        "ikkrn_recovery": tidy(per_kawasan, spec),
        "ikkrn_transitions": tidy(status_transitions(per_kawasan), spec),
        "ikkrn_regions": tidy(recovery_rates(per_kawasan, counts, spec.min_kawasan), spec),
        "ikkrn_relapse": tidy(relapses(history, spec, year), spec),
    }
    if spec.effect is not None:
        units, window = mapping_units(history, spec, year)
        table = effect_table(units, spec.effect.strata, spec.min_kawasan).assign(
            cohort=window.cohort,
            start_year=window.start,
            end_year=window.end,
            missing=", ".join(map(str, window.missing)),
        )
        tables["ikkrn_effect"] = tidy(table, spec)
    return tables


RELAPSE_YEARS = 2  # how far back a kawasan that recovered is followed for a relapse


def relapses(history: dict[int, pd.DataFrame], spec: IndexSpec, year: int) -> pd.DataFrame:
    """The kawasan that recovered after an intervention in the ``RELAPSE_YEARS`` years before
    ``year`` and that the mapping of ``year`` finds rawan again: kawasan_id, kabkota_code,
    cohort, status (now)."""
    mapping = mapping_rows(history[year], year)
    now = mapping.assign(status=assessment_status(mapping, spec.status_rule).astype(str))
    rawan = now[now["status"].isin(spec.recovery.rawan)]
    frames = []
    for cohort in range(year - RELAPSE_YEARS, year):
        if cohort not in history:
            continue
        rows = history[cohort][history[cohort]["year"] == cohort]
        recovered = recovery(rows, spec, history.get(cohort - 1)).query("pulih == True")
        again = rawan[rawan["kawasan_id"].isin(recovered["kawasan_id"])]
        frames.append(again[["kawasan_id", "kabkota_code", "status"]].assign(cohort=cohort))
    columns = ["kawasan_id", "kabkota_code", "cohort", "status"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def compute_ikktt(areas: pd.DataFrame, spec: IndexSpec, year: int) -> dict[str, pd.DataFrame]:
    """IKKTT scores per kawasan and phase, recovery per kawasan, its roll-up over the kawasan in
    the programme, and, where comparison kawasan were measured, the effect beside it."""
    scores = area_scores(areas[areas["year"] == year], spec)
    scores["band"] = classify(scores["value_100"], spec.bands)
    per_kawasan = area_recovery(scores, spec)
    intervened = per_kawasan[per_kawasan["intervened"]]
    tables = {
        "ikktt_scores": tidy(scores, spec),
        "ikktt_recovery": tidy(per_kawasan, spec),
        "ikktt_regions": tidy(recovery_rates(intervened, min_kawasan=spec.min_kawasan), spec),
    }
    if spec.effect is not None and (~per_kawasan["intervened"]).any():
        table = effect_table(phase_units(per_kawasan), spec.effect.strata, spec.min_kawasan)
        tables["ikktt_effect"] = tidy(table.assign(cohort=year, start_year=year, end_year=year, missing=""), spec)
    return tables


def kawasan_history(
    data: Path, year: int, specs: dict[str, IndexSpec], warnings: list[Problem]
) -> dict[int, pd.DataFrame]:
    """The kawasan assessments of the years before ``year`` that the IKKRN spec reads: the
    cohorts followed for a relapse (with the year before each, for a kawasan without a before
    row), and the mappings and cohorts of the effect's window
    (:func:`bnn_lib.effect.mapping_units`). A year without a folder is left out; one that cannot
    be read adds a warning, it never blocks."""
    spec = specs["ikkrn"]
    own_before = spec.recovery.missing_before == "previous_mapping"
    back = RELAPSE_YEARS + own_before  # a relapse: the cohorts before, and their before statuses
    if spec.effect is not None and spec.effect.design == "mapping":
        back = max(back, spec.effect.end_year - spec.effect.start_year, spec.effect.end_year + 1)
    history = {}
    for earlier in range(year - back, year):
        if not (data / str(earlier)).is_dir():
            continue
        loaded = check_year(data, earlier, specs, tables={"kawasan_assessments"})
        if loaded.problems:
            message = (
                f"pemetaan kawasan {earlier} tidak dapat dibaca ({len(loaded.problems)} masalah, pertama: "
                f"{loaded.problems[0]}); status sebelum intervensi dan efek intervensi yang memerlukannya tidak "
                "dihitung"
            )
            warnings.append(Problem(f"{earlier}/", None, None, None, message))
        elif "kawasan_assessments" in loaded.tables:
            history[earlier] = loaded.tables["kawasan_assessments"]
    return history


def without_before(
    assessments: pd.DataFrame, per_kawasan: pd.DataFrame, year: int, previous: pd.DataFrame | None
) -> list[Problem]:
    """A warning naming the kawasan assessed after their intervention whose before status was
    found nowhere (neither a before row nor, where used, last year's mapping)."""
    after = assessments[(assessments["year"] == year) & (assessments["phase"] == "after")]
    missing = sorted(set(after["kawasan_id"]) - set(per_kawasan["kawasan_id"]))
    if not missing:
        return []
    where = "penilaian sebelum intervensi" + ("" if previous is None else f" maupun pemetaan {year - 1}")
    shown = ", ".join(missing[:10]) + (f" dan {len(missing) - 10} lainnya" if len(missing) > 10 else "")
    message = f"{len(missing)} kawasan dinilai sesudah intervensi tanpa {where}: {shown}; pemulihannya tidak dihitung"
    return [Problem("kawasan_assessments", None, "phase", None, message)]


def kawasan_changes(now: dict[str, pd.DataFrame], before: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``ikkrn_change`` and ``ikktt_change`` (where both years have the index): each region's
    recovery rate less the year before's, blank where either year rests on too few decided
    kawasan to state a percent (``few``), and for IKKRN the mapping's rawan count less the year
    before's (``n_rawan_change``)."""
    out = {}
    for key in ("ikkrn", "ikktt"):
        name = f"{key}_regions"
        if name not in now or name not in before:
            continue
        this, last = (
            now[name].set_index("region_code"),
            before[name].set_index("region_code").reindex(now[name]["region_code"]),
        )
        table = pd.DataFrame({"recovery_rate_change": _stated_rate(this) - _stated_rate(last)})
        if "n_rawan" in this and "n_rawan" in last:
            table["n_rawan_change"] = this["n_rawan"] - last["n_rawan"]
        out[f"{key}_change"] = table.rename_axis("region_code").reset_index()
    return out


def _stated_rate(regions: pd.DataFrame) -> pd.Series:
    """The recovery rate of each region where it is stated as a percent (not ``few``)."""
    few = regions["few"].astype("boolean").fillna(False).astype(bool) if "few" in regions else False
    return regions["recovery_rate"].where(~few)
