"""The uncertainty, sensitivity and audit tables of a survey index, built with the results.

Called by :func:`bnn_lib.pipeline.compute_year` when ``analyses`` are asked for (``bnn compute``
and ``bnn reports`` do by default). Tables, for an index ``name``:

- ``<name>_bootstrap``: I100 of each kab/kota in each bootstrap replicate (kept so that next
  year's change can be computed against it);
- ``<name>_intervals``: kab/kota, province and national value with 90/95 % intervals, the
  probability of each band and ``uncertain`` ("kategori belum pasti");
- ``<name>_change``: the change since the previous year with its interval and whether it is
  distinguishable from zero (when the previous year's replicates exist);
- ``<name>_rank_intervals``, ``<name>_sobol``, ``<name>_drop_one``: the sensitivity analysis
  (indices computed per kab/kota only, not per environment);
- ``<name>_audit_variables``, ``_audit_correlations``, ``_audit_indicators``, ``_audit_kabkota``.
"""

from __future__ import annotations

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
    wide: tuple[pd.DataFrame, pd.DataFrame],
    previous: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """All analysis tables of one survey index (see the module docstring).

    ``people``: respondents indexed by id (rows of ``scores``); ``group_stats``: the group sums
    and weights; ``kabkota``: the nominal kab/kota table (value_100, band); ``wide``: the
    kab/kota × indicator and × variable tables.
    """
    tables: dict[str, pd.DataFrame] = {}
    nominal = kabkota.set_index("kabkota_code")["value_100"]
    edges = band_edges(spec.bands, nominal)
    decimals = spec.bands.decimals if spec.bands.mode == "fixed" else None
    if options.replicates:
        replicates = uncertainty.bootstrap_survey(scores, people.reset_index(), spec, options.replicates, options.seed)
        regions = uncertainty.region_replicates(replicates)
        nominal_regions = nominal.groupby(nominal.index.str.slice(0, 2)).mean()
        nominal_regions[NATIONAL] = nominal.mean()
        parts = [
            uncertainty.summarise(replicates, nominal, edges, decimals).assign(level="kabkota"),
            uncertainty.summarise(regions, nominal_regions, edges, decimals).assign(
                level=["nasional" if c == NATIONAL else "provinsi" for c in regions.columns]
            ),
        ]
        tables[f"{name}_intervals"] = pd.concat(parts).rename_axis("region_code").reset_index()
        tables[f"{name}_bootstrap"] = replicates.rename_axis(columns=None)
        before = (previous or {}).get(f"{name}_bootstrap")
        before_values = (previous or {}).get(f"{name}_intervals")
        if before is not None and before_values is not None:
            before = before.filter(regex=r"^\d{2}\.\d{2}$")  # the kab/kota columns, not the spec id
            now_all = pd.concat([replicates, regions], axis=1)
            before_all = pd.concat([before, uncertainty.region_replicates(before)], axis=1)
            change = uncertainty.change(now_all, before_all)
            now_nominal = pd.concat([nominal, nominal_regions])
            change.insert(0, "change", now_nominal - before_values.set_index("region_code")["value_100"])
            tables[f"{name}_change"] = change.rename_axis("region_code").reset_index()
    if options.samples and not spec.aggregation.by_group:
        model = sensitivity.Model.from_group_sums(*group_stats, spec)
        result = sensitivity.run(model, options.samples, seed=1)
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
