"""The uncertainty, sensitivity and audit tables of a survey index, built with the results.

Called by :func:`bnn_lib.pipeline.compute_year` when ``analyses`` are asked for (``bnn compute``
and ``bnn reports`` do by default). Tables, for an index ``name``:

- ``<name>_bootstrap``: I100 of each kab/kota in each bootstrap replicate (kept so that next
  year's change can be computed against it);
- ``<name>_intervals``: kab/kota, province and national value with 90/95 % intervals, the
  probability of each band and ``uncertain`` ("kategori belum pasti");
- ``<name>_change`` (:func:`change_tables`, once both years are computed): the change since the
  previous year with its interval and whether it is distinguishable from zero, against the
  year before as computed or, across a change of spec, as back-cast (``basis``);
- ``<name>_rank_intervals``, ``<name>_sobol``, ``<name>_drop_one``: the sensitivity analysis
  of the kab/kota ranking;
- ``<name>_audit_variables``, ``_audit_correlations``, ``_audit_indicators``, ``_audit_kabkota``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from bnn_lib import audit, sensitivity, uncertainty
from bnn_lib.bands import band_edges
from bnn_lib.rollup import NATIONAL
from bnn_lib.spec import IndexSpec


@dataclass(frozen=True)
class Analyses:
    """How much analysis to run: bootstrap replicates and Monte Carlo samples."""

    replicates: int = 1000
    samples: int = 2000
    seed: int = 20241121


def survey_tables(
    name: str,
    spec: IndexSpec,
    options: Analyses,
    people: pd.DataFrame,
    answers: pd.DataFrame,
    scores: pd.DataFrame,
    group_stats: tuple[pd.DataFrame, pd.DataFrame],
    kabkota: pd.DataFrame,
    regions: pd.DataFrame,
    wide: tuple[pd.DataFrame, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """All analysis tables of one survey index (see the module docstring).

    ``people``: respondents indexed by id (rows of ``scores``); ``group_stats``: the group sums
    and weights; ``kabkota`` and ``regions``: the nominal kab/kota and province/national tables
    (value_100); ``wide``: the kab/kota × indicator and × variable tables.
    """
    tables: dict[str, pd.DataFrame] = {}
    nominal = kabkota.set_index("kabkota_code")["value_100"]
    edges = band_edges(spec.bands, nominal)
    decimals = spec.bands.decimals if spec.bands.mode == "fixed" else None
    if options.replicates:
        replicates = uncertainty.bootstrap_survey(scores, people.reset_index(), spec, options.replicates, options.seed)
        region_reps = uncertainty.region_replicates(replicates)
        nominal_regions = regions.set_index("region_code")["value_100"]
        parts = [
            uncertainty.summarise(replicates, nominal, edges, decimals).assign(level="kabkota"),
            uncertainty.summarise(region_reps, nominal_regions, edges, decimals).assign(
                level=["nasional" if c == NATIONAL else "provinsi" for c in region_reps.columns]
            ),
        ]
        tables[f"{name}_intervals"] = pd.concat(parts).rename_axis("region_code").reset_index()
        tables[f"{name}_bootstrap"] = replicates.rename_axis(columns=None)
    if options.samples:
        model = sensitivity.Model.from_group_sums(*group_stats, spec)
        result = sensitivity.run(model, options.samples, seed=options.seed)
        tables[f"{name}_rank_intervals"] = result.ranks
        tables[f"{name}_sobol"] = result.sobol.assign(runs=result.runs)
        tables[f"{name}_drop_one"] = result.drop_one
    indicators, variables = wide
    asked = audit.asked_matrix(spec, people["group"])
    items = audit.item_matrix(answers, people.index, spec)
    tables[f"{name}_audit_variables"] = audit.audit_variables(spec, items, indicators, scores, asked)
    index = kabkota.set_index("kabkota_code")["value"]
    tables[f"{name}_audit_correlations"] = audit.correlations(spec, indicators, variables, index)
    per_indicator, per_kabkota = audit.coverage(scores, asked, people["kabkota_code"])
    tables[f"{name}_audit_indicators"] = per_indicator
    tables[f"{name}_audit_kabkota"] = per_kabkota
    return tables


def change_tables(
    now: dict[str, pd.DataFrame],
    before: dict[str, pd.DataFrame],
    basis: str = "observed",
    skip: Collection[str] = (),
) -> dict[str, pd.DataFrame]:
    """``<name>_change`` for each survey index with bootstrap replicates in both years' tables,
    computed under the same spec in both: across specs a change would mix the change of the
    kab/kota with the change of the method (compare with a back-cast instead,
    docs/methodology.md §11.2).

    change = I100_now − I100_before (nominal), with the interval of the differences of
    independent replicates (:func:`bnn_lib.uncertainty.change`). ``basis`` says what ``before``
    is, and is a column of the table: "observed" (the year before as computed) or "backcast"
    (the year before recomputed under this year's spec). ``skip``: indices not to compare (their
    method changed under the same spec id: :func:`bnn_lib.series.method_breaks`).
    """
    out = {}
    for key in now:
        if not key.endswith("_bootstrap") or key not in before:
            continue
        name = key.removesuffix("_bootstrap")
        spec_columns = now[key][["spec_id", "spec_version"]].iloc[0]
        if before[key]["spec_id"].iloc[0] != spec_columns["spec_id"] or name in skip:
            continue
        codes = r"^\d{2}\.\d{2}$"  # the kab/kota columns, not the spec id
        reps_now, reps_before = now[key].filter(regex=codes), before[key].filter(regex=codes)
        all_now = pd.concat([reps_now, uncertainty.region_replicates(reps_now)], axis=1)
        all_before = pd.concat([reps_before, uncertainty.region_replicates(reps_before)], axis=1)
        table = uncertainty.change(all_now, all_before)
        nominal_now = now[f"{name}_intervals"].set_index("region_code")["value_100"]
        nominal_before = before[f"{name}_intervals"].set_index("region_code")["value_100"]
        table.insert(0, "change", (nominal_now - nominal_before).reindex(table.index))
        table = table.rename_axis("region_code").reset_index().assign(**spec_columns.to_dict(), basis=basis)
        out[f"{name}_change"] = table
    return out
