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
  of the kab/kota ranking; ``<name>_sensitivity_inputs``: which elements no source states were
  varied, and why the others were not;
- ``<name>_audit_variables``, ``_audit_correlations``, ``_audit_indicators``, ``_audit_kabkota``,
  ``_audit_summary`` (the counts and medians the audit section states).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from bnn_lib import audit, sensitivity, uncertainty
from bnn_lib.aggregate import on_score_scale, rescale
from bnn_lib.bands import at_or_above, band_decimals, band_edges, lowers_by_row
from bnn_lib.regions import NATIONAL
from bnn_lib.rollup import region_means, region_sums
from bnn_lib.scoring import group_index
from bnn_lib.spec import Bands, IndexSpec
from bnn_lib.uncertainty import CONFIDENCE_LEVELS, bounds

# The interval columns (lo90 … hi95) a report may show on the score scale beside the 0–100 ones.
INTERVAL = [c for level in CONFIDENCE_LEVELS for c in bounds(level)]


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
    group_stats: tuple[pd.DataFrame, pd.DataFrame, pd.Series],
    kabkota: pd.DataFrame,
    regions: pd.DataFrame,
    wide: tuple[pd.DataFrame, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """All analysis tables of one survey index (see the module docstring).

    ``people``: respondents indexed by id (rows of ``scores``); ``group_stats``: the group sums,
    weights and head counts; ``kabkota`` and ``regions``: the nominal kab/kota and province/national tables
    (value_100); ``wide``: the kab/kota × indicator and × variable tables.
    """
    tables: dict[str, pd.DataFrame] = {}
    if options.replicates:
        replicates = uncertainty.bootstrap_survey(scores, people.reset_index(), spec, options.replicates, options.seed)
        tables |= interval_tables(name, spec, replicates, kabkota, regions, wide[1], group_stats)
    if options.samples:
        model = sensitivity.Model.from_group_sums(*group_stats[:2], spec)
        result = sensitivity.run(model, options.samples, seed=options.seed)
        tables[f"{name}_rank_intervals"] = result.ranks
        tables[f"{name}_sobol"] = result.sobol.assign(runs=result.runs)
        tables[f"{name}_drop_one"] = result.drop_one
        tables[f"{name}_sensitivity_inputs"] = sensitivity.inputs_table(spec)
    indicators, variables = wide
    asked = audit.asked_matrix(spec, people["group"])
    items = audit.item_matrix(answers, people.index, spec)
    index = kabkota.set_index("kabkota_code")["value"]
    pairs = audit.correlations(spec, indicators, variables, index)
    tables[f"{name}_audit_correlations"] = pairs
    tables[f"{name}_audit_variables"] = audit.flagged(
        audit.audit_variables(spec, items, indicators, scores, asked), pairs
    )
    ranks = tables.get(f"{name}_rank_intervals")
    tables[f"{name}_audit_summary"] = audit.summary(pairs, ranks, *sensitivity.rank_columns())
    per_indicator, per_kabkota = audit.coverage(scores, asked, people["kabkota_code"])
    tables[f"{name}_audit_indicators"] = per_indicator
    tables[f"{name}_audit_kabkota"] = per_kabkota
    return tables


def interval_tables(
    name: str,
    spec: IndexSpec,
    replicates: uncertainty.Replicates,
    kabkota: pd.DataFrame,
    regions: pd.DataFrame,
    variables: pd.DataFrame,
    group_stats: tuple[pd.DataFrame, pd.DataFrame, pd.Series],
) -> dict[str, pd.DataFrame]:
    """The bootstrap's tables of one survey index: ``<name>_intervals`` (every kab/kota,
    province and the nation: intervals, band probabilities under the edges re-estimated in each
    replicate, "kategori belum pasti" and, for regions, the interval of the KPI count),
    ``<name>_bootstrap`` (the kab/kota replicates, for next year's change),
    ``<name>_variable_intervals`` and ``<name>_group_intervals`` (each variable's and each
    respondent group's score of each kab/kota against the nation's)."""
    nominal = kabkota.set_index("kabkota_code")["value_100"]
    edges = band_edges(spec.bands, nominal)
    decimals = band_decimals(spec.bands)
    lowers = lowers_by_row(replicates.kabkota.to_numpy(), spec.bands)
    region_reps = uncertainty.region_replicates(replicates.kabkota)
    by_region = regions.set_index("region_code")
    region_rows = uncertainty.summarise(region_reps, by_region["value_100"], edges, lowers, decimals).assign(
        level=["nasional" if c == NATIONAL else "provinsi" for c in region_reps.columns]
    )
    if spec.bands.success_from:
        counts = uncertainty.success_counts(
            replicates.kabkota, list(edges["label"]), spec.bands.success_from, lowers, decimals
        )
        spread = uncertainty.percentile_intervals(counts, whole=True)
        region_rows = region_rows.join(spread.add_prefix("n_success_"))
        region_rows.insert(region_rows.columns.get_loc("n_success_lo90"), "n_success", by_region["n_success"])
    parts = [
        uncertainty.summarise(replicates.kabkota, nominal, edges, lowers, decimals).assign(level="kabkota"),
        region_rows,
    ]
    own = rescale(variables, spec.rescale)  # kab/kota × variable
    sums, weights, heads = group_stats
    groups = rescale(group_index(sums, weights, spec), spec.rescale)
    return {
        f"{name}_intervals": on_score_scale(
            pd.concat(parts).rename_axis("region_code").reset_index(), spec.rescale, INTERVAL, ["se"]
        ),
        f"{name}_bootstrap": replicates.kabkota.rename_axis(columns=None),
        f"{name}_variable_intervals": pd.concat(
            {v: uncertainty.against_national(reps, own[v]) for v, reps in replicates.variables.items()},
            names=["variable_id", "kabkota_code"],
        ).reset_index(),
        f"{name}_group_intervals": pd.concat(
            {
                g: uncertainty.against_national(
                    replicates.groups.xs(g, axis=1, level="group"), groups.xs(g, level="group")
                )
                for g in replicates.groups.columns.unique("group")
            },
            names=["group", "kabkota_code"],
        )
        .reset_index()
        .merge(heads.reset_index(), on=["kabkota_code", "group"], how="left"),
    }


def change_tables(
    now: dict[str, pd.DataFrame],
    before: dict[str, pd.DataFrame],
    specs: dict[str, IndexSpec],
    basis: str = "observed",
    skip: Collection[str] = (),
) -> dict[str, pd.DataFrame]:
    """``<name>_change`` for each survey index of both years' tables, computed under the same
    spec in both: across specs a change would mix the change of the
    kab/kota with the change of the method (compare with a back-cast instead,
    docs/methodology.md §11.2). ``specs``: the specs of ``now``.

    A region's change is computed over the kab/kota measured in both years (``n_common``), so
    that a kab/kota measured in one year only does not move it: ``change`` = mean over the common
    kab/kota now − their mean before (I100), with the interval of the differences of independent
    replicates (:func:`bnn_lib.uncertainty.change`; blank, as ``distinguishable``, where a year
    was computed without the bootstrap); ``change_all`` beside it is the difference of
    the published means over every kab/kota of each year (``n_now``, ``n_before``);
    ``change_score`` and ``change_all_score`` are the same on the score scale (1–4), computed
    from the score-scale values, and ``lo95_score`` … the interval mapped there
    (:func:`~bnn_lib.aggregate.on_score_scale`). The KPI count
    (kab/kota at the success band or above) changes the same way: ``n_success_change`` over the
    common kab/kota, each year under its own band edges (re-estimated in each replicate), with
    its interval, and ``n_success_change_all``.

    ``basis`` says what ``before`` is, and is a column of the table: "observed" (the year before
    as computed) or "backcast" (the year before recomputed under this year's spec). ``skip``:
    indices not to compare (their method changed under the same spec id:
    :func:`bnn_lib.series.method_breaks`).
    """
    out = {}
    for name in specs:  # the survey indices: those with a kab/kota table in both years
        key = f"{name}_kabkota"
        if key not in now or key not in before:
            continue
        spec_columns = now[key][["spec_id", "spec_version"]].iloc[0]
        if before[key]["spec_id"].iloc[0] != spec_columns["spec_id"] or name in skip:
            continue
        nominal_now, nominal_before = _nominal(now[key]), _nominal(before[key])
        common = nominal_now.index.intersection(nominal_before.index)
        change = _regions_of(nominal_now[common]) - _regions_of(nominal_before[common])
        table = change.to_frame("change").join(_change_interval(name, now, before, common))
        table["change_all"] = (_regions_of(nominal_now) - _regions_of(nominal_before)).reindex(table.index)
        score_now, score_before = _nominal(now[key], "value"), _nominal(before[key], "value")
        table["change_score"] = (_regions_of(score_now[common]) - _regions_of(score_before[common])).reindex(
            table.index
        )
        table["change_all_score"] = (_regions_of(score_now) - _regions_of(score_before)).reindex(table.index)
        table["n_common"] = _counts(common).reindex(table.index)
        table["n_now"] = _counts(nominal_now.index).reindex(table.index)
        table["n_before"] = _counts(nominal_before.index).reindex(table.index)
        bands = specs[name].bands
        if bands.success_from:
            table = table.join(_kpi_change(name, (now, before), common, bands))
        table = table.rename_axis("region_code").reset_index().assign(**spec_columns.to_dict(), basis=basis)
        out[f"{name}_change"] = on_score_scale(table, specs[name].rescale, differences=INTERVAL)
    return out


def _change_interval(
    name: str, now: dict[str, pd.DataFrame], before: dict[str, pd.DataFrame], common: pd.Index
) -> pd.DataFrame:
    """The interval of each region's change over the ``common`` kab/kota, from the differences
    of independent replicates of both years, and whether it excludes 0; without replicates in
    both years, the columns left blank (the change is stated, its precision is not)."""
    replicates = _replicates(name, now, before)
    if replicates is None:
        return _no_interval()
    table = uncertainty.change(*(_with_regions(r[common]) for r in replicates))
    return table.astype({"distinguishable": object})


def _replicates(
    name: str, now: dict[str, pd.DataFrame], before: dict[str, pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The kab/kota bootstrap replicates of ``name`` in both years, or None where a year has none."""
    key = f"{name}_bootstrap"
    if key not in now or key not in before:
        return None
    codes = r"^\d{2}\.\d{2}$"  # the kab/kota columns, not the spec id
    return now[key].filter(regex=codes), before[key].filter(regex=codes)


def _no_interval(prefix: str = "") -> pd.DataFrame:
    """The interval columns of a change (``lo90`` … ``hi95``, ``distinguishable``), empty."""
    columns = [*INTERVAL, "distinguishable"]
    return pd.DataFrame(columns=[prefix + c for c in columns])


def _nominal(kabkota: pd.DataFrame, column: str = "value_100") -> pd.Series:
    """I100 (or ``column``) of each measured kab/kota, by code."""
    return kabkota.set_index("kabkota_code")[column].dropna()


def _regions_of(values: pd.Series) -> pd.Series:
    """Kab/kota values by code, then the mean of each province and of the nation."""
    return pd.concat([values, region_means(values.to_frame("v"))["v"]])


def _with_regions(replicates: pd.DataFrame) -> pd.DataFrame:
    """Kab/kota replicates with their province and national means beside them."""
    return pd.concat([replicates, uncertainty.region_replicates(replicates)], axis=1)


def _counts(codes: pd.Index) -> pd.Series:
    """How many of the kab/kota ``codes`` each kab/kota (1), province and the nation has."""
    ones = pd.Series(1, index=codes)
    return pd.concat([ones, region_sums(ones.to_frame("n"))["n"]])


def _kpi_change(
    name: str, tables: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]], common: pd.Index, bands: Bands
) -> pd.DataFrame:
    """The change of the KPI count of every province and the nation over the ``common`` kab/kota:
    nominal (``n_success_change``), its interval and whether it is distinguishable from zero
    (blank without replicates in both years), and over every kab/kota of each year
    (``n_success_change_all``). Each year's kab/kota are banded under that year's edges: in each
    replicate, the edges of that replicate's whole set."""
    labels, decimals = bands.all_labels, band_decimals(bands)

    def counts(reps: pd.DataFrame) -> pd.DataFrame:
        lowers = lowers_by_row(reps.to_numpy(), bands)
        return uncertainty.success_counts(reps[common], labels, bands.success_from, lowers, decimals)

    def reached(kabkota: pd.DataFrame) -> pd.Series:
        kabkota = kabkota.set_index("kabkota_code")
        return at_or_above(kabkota["band"].astype(str), bands).astype(int)

    now, before = tables
    flags = pd.DataFrame({"now": reached(now[f"{name}_kabkota"]), "before": reached(before[f"{name}_kabkota"])})
    reaching = region_sums(flags.loc[common])
    table = (reaching["now"] - reaching["before"]).to_frame("n_success_change")
    replicates = _replicates(name, now, before)
    if replicates is None:
        table = table.join(_no_interval("n_success_"))
    else:
        interval = uncertainty.change(*(counts(r) for r in replicates), whole=True).add_prefix("n_success_")
        table = table.join(interval.astype({"n_success_distinguishable": object}))
    total = [t[f"{name}_regions"].set_index("region_code")["n_success"] for t in tables]
    table["n_success_change_all"] = (total[0] - total[1]).reindex(table.index)
    return table
