"""Two computations of one index side by side: who moves when one assumption changes.

    comparison = compare(base_kabkota, variant_kabkota, base_spec, variant_spec, 2024)
    comparison.kabkota[comparison.kabkota["band_changed"]]   # the kab/kota that change band

The inputs are two ``<index>_kabkota`` result tables of the pipeline (:mod:`bnn_lib.pipeline`),
each computed with its own spec. The province and national values, their bands and the KPI
capaian are those the pipeline computes from such a table (:func:`~bnn_lib.rollup.rollup`,
:func:`~bnn_lib.rollup.kpi_table`); the ranks are :mod:`bnn_lib.ranking`'s. Values are on the
headline scale of the base spec (``[reporting] headline_scale``), both sides on the same one.
Pure computation over tables: nothing is read or written here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnn_lib.bands import band_edges
from bnn_lib.pipeline import realised_measures
from bnn_lib.ranking import with_ranks
from bnn_lib.regions import NATIONAL
from bnn_lib.rollup import kpi_table, region_sums, rollup
from bnn_lib.spec import IndexSpec
from bnn_lib.tidy import with_region_names
from bnn_lib.uncertainty import bounds

# Fields of a spec that name, date or document it but change no number it computes: its id,
# version, title and description, where it was read from, the years it is in force (a variant
# is usually a copy for the same year), and each section's provenance, source and note (where an
# assumption comes from, not what it is). Element ids are kept: they are the keys lists match by.
SPEC_METADATA = {"id", "version", "title", "description", "path", "years_from", "years_to"}
SECTION_METADATA = {"provenance", "source", "note"}
# Settings of how an index is shown, not of what it computes: no assumption, though in [reporting]
# beside the thresholds of disclosure, which are.
SHOWN_ONLY = {"reporting.headline_scale", "reporting.headline_decimals"}
ABSENT = object()  # a field one spec sets and the other does not
HISTOGRAM_BINS = 15  # at most, for the distribution of rank shifts


@dataclass(frozen=True)
class Comparison:
    """An index computed under two specs (see :func:`compare` for the columns)."""

    index: str
    base: IndexSpec
    variant: IndexSpec
    differences: pd.DataFrame
    kabkota: pd.DataFrame
    provinces: pd.DataFrame
    national: pd.Series
    one_side: pd.DataFrame  # kabkota_code, kabkota, measured ("base" or "variant"): left out of ``kabkota``

    @property
    def shifts(self) -> pd.Series:
        """How far the kab/kota move: ``n_compared``, ``n_band_changed``, ``n_moved`` (rank
        changed), ``median_shift`` (median of |rank_shift|), ``max_up`` (the largest move up,
        ≥ 0), ``max_down`` (the largest move down, ≥ 0) and, with the base's intervals,
        ``n_changed_uncertain``: band changes of kab/kota whose base band was already uncertain."""
        shift = self.kabkota["rank_shift"].astype(float)
        changed = self.kabkota[self.kabkota["band_changed"]]
        uncertain = changed["uncertain_base"].astype("boolean").sum() if "uncertain_base" in changed else np.nan
        return pd.Series(
            {
                "n_compared": len(shift),
                "n_band_changed": int(self.kabkota["band_changed"].sum()),
                "n_moved": int((shift != 0).sum()),
                "median_shift": float(shift.abs().median()) if len(shift) else np.nan,
                "max_up": max(0.0, float(shift.max())) if len(shift) else np.nan,
                "max_down": max(0.0, -float(shift.min())) if len(shift) else np.nan,
                "n_changed_uncertain": uncertain,
            }
        )

    @property
    def shift_histogram(self) -> pd.DataFrame:
        """The distribution of rank shifts in bins of whole ranks: ``lower`` and ``upper`` (both
        included) and ``n`` kab/kota; at most :data:`HISTOGRAM_BINS` bins of equal width."""
        shift = self.kabkota["rank_shift"].astype(int).to_numpy()
        if not len(shift):
            return pd.DataFrame({"lower": [], "upper": [], "n": []}, dtype=int)
        low, high = int(shift.min()), int(shift.max())
        width = max(1, -(-(high - low + 1) // HISTOGRAM_BINS))  # ceiling division
        width += 1 - width % 2  # odd, so that one bin is centred on 0 (no move) and reads as such
        first = -(width // 2) + width * ((low + width // 2) // width)  # the bin edge at or below ``low``
        lowers = np.arange(first, high + 1, width)
        counts = np.histogram(shift, bins=np.append(lowers, lowers[-1] + width))[0]
        return pd.DataFrame({"lower": lowers, "upper": lowers + width - 1, "n": counts})


def compare(
    base: pd.DataFrame,
    variant: pd.DataFrame,
    base_spec: IndexSpec,
    variant_spec: IndexSpec,
    year: int,
    *,
    base_intervals: pd.DataFrame | None = None,
    variant_intervals: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
) -> Comparison:
    """The comparison of two ``<index>_kabkota`` tables of ``year``, computed under ``base_spec``
    and ``variant_spec`` (of the same index; ValueError otherwise).

    Returns a :class:`Comparison` whose tables are:

    - ``differences``: field (dotted path), base, variant (text): the assumptions that differ
      (:func:`differences`);
    - ``kabkota``: one row per kab/kota measured in both, best base rank first: kabkota_code,
      kabkota, province_code, value_base, value_variant, band_base, band_variant, rank_base,
      rank_variant (1 = highest, among the kab/kota compared), rank_shift (rank_base −
      rank_variant: positive = moves up), band_changed and, with ``base_intervals`` /
      ``variant_intervals`` (``<index>_intervals`` tables), the reported interval of each side
      (lo95_base, hi95_base, lo95_variant, hi95_variant for the 95 % one) and whether its band
      was uncertain under it (uncertain_base, uncertain_variant: the interval crosses a band edge);
    - ``provinces``: one row per province, largest |change| first: region_code, region,
      value_base, value_variant, change (variant − base), n_measured (kab/kota compared),
      n_band_changed, band_base, band_variant;
    - ``national``: value_base, value_variant, change, band_base, band_variant, n_success_base and
      n_success_variant (kab/kota at or above the success band, where the bands set one) and,
      where ``targets`` (the targets table, or a ``kpi`` result table) give the index's measure a
      target in ``year``: target, capaian_base, capaian_variant (percent). Each side is rolled
      up over the kab/kota it measured, as that spec would publish it;
    - ``one_side``: the kab/kota measured under one spec only (kabkota_code, kabkota, measured:
      "base" or "variant"), left out of ``kabkota`` and its ranks.
    """
    key = base_spec.index.casefold()
    if variant_spec.index.casefold() != key:
        raise ValueError(f"the specs are of two indices: {base_spec.index} and {variant_spec.index}")
    # Both sides on the base spec's headline scale, so that a change reads on one scale.
    on_score = base_spec.shows_score
    column = "value" if on_score else "value_100"
    kabkota = _kabkota(base, variant, column)
    for side, intervals in (("base", base_intervals), ("variant", variant_intervals)):
        if intervals is not None:
            kabkota = kabkota.merge(_intervals(intervals, on_score, side), on="kabkota_code", how="left")
    regions = {"base": _rollup(base, base_spec), "variant": _rollup(variant, variant_spec)}
    return Comparison(
        index=key,
        base=base_spec,
        variant=variant_spec,
        differences=differences(base_spec, variant_spec),
        kabkota=kabkota,
        provinces=_provinces(regions, kabkota, column),
        national=_national(regions, {"base": base, "variant": variant}, key, column, targets, year),
        one_side=_one_side(base, variant, column),
    )


def _kabkota(base: pd.DataFrame, variant: pd.DataFrame, column: str) -> pd.DataFrame:
    """The kab/kota measured in both tables, their ``column`` value, band and rank under each."""
    measured = set(base.loc[base[column].notna(), "kabkota_code"]) & set(
        variant.loc[variant[column].notna(), "kabkota_code"]
    )
    sides = []
    for name, table in (("base", base), ("variant", variant)):
        # Ranked again among the kab/kota compared: one measured on one side only would shift the
        # ranks of the other side by one without anything having moved.
        both = table[table["kabkota_code"].isin(measured)].reset_index(drop=True)
        ranked = with_ranks(both, column).set_index("kabkota_code")
        sides.append(
            pd.DataFrame(
                {
                    f"value_{name}": ranked[column].astype(float),
                    f"band_{name}": ranked["band"].astype(str),  # the two specs may label bands apart
                    f"rank_{name}": ranked["rank_national"],
                }
            )
        )
    names = base.set_index("kabkota_code").loc[sorted(measured), ["kabkota", "province_code"]]
    out = names.join(sides[0]).join(sides[1])
    out["rank_shift"] = (out["rank_base"] - out["rank_variant"]).astype("Int64")
    out["band_changed"] = out["band_base"] != out["band_variant"]
    return out.sort_values(["rank_base", "kabkota"]).rename_axis("kabkota_code").reset_index()


def _one_side(base: pd.DataFrame, variant: pd.DataFrame, column: str) -> pd.DataFrame:
    """The kab/kota with a ``column`` value in one of the tables only, and which."""
    rows = [
        table.loc[table[column].notna() & ~table["kabkota_code"].isin(other.loc[other[column].notna(), "kabkota_code"])]
        .loc[:, ["kabkota_code", "kabkota"]]
        .assign(measured=side)
        for side, table, other in (("base", base, variant), ("variant", variant, base))
    ]
    return pd.concat(rows, ignore_index=True)


def _intervals(intervals: pd.DataFrame, on_score: bool, side: str) -> pd.DataFrame:
    """The reported interval of each kab/kota of an ``<index>_intervals`` table on the headline
    scale, as ``lo95_<side>``, ``hi95_<side>`` (for the 95 % interval), and whether its band is
    uncertain (``uncertain_<side>``)."""
    low, high = bounds()
    columns = {f"{c}_score" if on_score else c: f"{c}_{side}" for c in (low, high)} | {"uncertain": f"uncertain_{side}"}
    rows = intervals[intervals["level"] == "kabkota"]
    return rows[["region_code", *columns]].rename(columns={"region_code": "kabkota_code", **columns})


def _rollup(kabkota: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The province and national rows of a kab/kota table, as the pipeline rolls them up (the
    band edges of the whole set, for equal-interval bands), indexed by region code."""
    edges = band_edges(spec.bands, kabkota["value_100"])
    return with_region_names(rollup(kabkota, spec.bands, edges)).set_index("region_code")


def _provinces(regions: dict[str, pd.DataFrame], kabkota: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per province with its value and band under each spec, the change and how many of
    its kab/kota were compared and changed band; largest |change| first."""
    base, variant = regions["base"], regions["variant"]
    provinces = base.index[base["level"] == "provinsi"]
    counted = kabkota.set_index("kabkota_code")[["band_changed"]].astype(int).assign(n_measured=1)
    sums = region_sums(counted).reindex(provinces, fill_value=0)
    out = pd.DataFrame(
        {
            "region": base.loc[provinces, "region"],
            "value_base": base.loc[provinces, column],
            "value_variant": variant[column].reindex(provinces),
            "n_measured": sums["n_measured"],
            "n_band_changed": sums["band_changed"],
            "band_base": base.loc[provinces, "band"].astype(str),
            "band_variant": variant["band"].reindex(provinces).astype(str),
        }
    )
    out.insert(3, "change", out["value_variant"] - out["value_base"])
    order = out["change"].abs().sort_values(ascending=False, kind="stable", na_position="last").index
    return out.loc[order].rename_axis("region_code").reset_index()


def _national(
    regions: dict[str, pd.DataFrame],
    kabkota: dict[str, pd.DataFrame],
    key: str,
    column: str,
    targets: pd.DataFrame | None,
    year: int,
) -> pd.Series:
    """The national row under each spec, with the index's KPI target and capaian where
    ``targets`` give one (:func:`bnn_lib.rollup.kpi_table`, as the pipeline's ``kpi`` table)."""
    out: dict[str, object] = {}
    for side, table in regions.items():
        row = table.loc[NATIONAL]
        out |= {f"value_{side}": float(row[column]), f"band_{side}": str(row["band"])}
        if "n_success" in table:
            out[f"n_success_{side}"] = int(row["n_success"])
    out["change"] = out["value_variant"] - out["value_base"]
    if targets is None:
        return pd.Series(out)
    for side, table in regions.items():
        realised = realised_measures({f"{key}_regions": table.reset_index(), f"{key}_kabkota": kabkota[side]})
        kpi = kpi_table(realised, targets, year)
        row = kpi[(kpi["region_code"] == NATIONAL) & (kpi["measure"] == key)]
        if row.empty or pd.isna(row["target"].iloc[0]):
            return pd.Series(out)
        out |= {"target": float(row["target"].iloc[0]), f"capaian_{side}": float(row["capaian_pct"].iloc[0])}
    return pd.Series(out)


def differences(base: IndexSpec, variant: IndexSpec) -> pd.DataFrame:
    """The assumptions in which two specs differ, leaf by leaf of their dumps: ``field`` (the
    dotted path, list elements by id as :func:`bnn_lib.spec.modify` names them, e.g.
    "variables.ketahanan_keluarga.weight"; a fixed band by its label, "bands.fixed.Tanggap.lower";
    an element of a list without either by position), ``base`` and ``variant`` (the values as the specs hold them; None
    where a spec does not set the field). Metadata that changes no number is left out
    (:data:`SPEC_METADATA`), and so are the settings of how the index is shown (:data:`SHOWN_ONLY`)."""
    old, new = _leaves(base.model_dump()), _leaves(variant.model_dump())
    rows = [
        {"field": field, "base": old.get(field), "variant": new.get(field)}
        for field in [*old, *(f for f in new if f not in old)]
        if old.get(field, ABSENT) != new.get(field, ABSENT) and field not in SHOWN_ONLY
    ]
    return pd.DataFrame(rows, columns=["field", "base", "variant"])


def _leaves(value: object, path: str = "") -> dict[str, object]:
    """Every leaf of a spec's dump by its path; a list of elements with ids is keyed by id, a
    list of other elements (dicts) by position, a list of values is one leaf."""
    if isinstance(value, dict):
        skipped = SECTION_METADATA | (SPEC_METADATA if not path else set())
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items() if k not in skipped]
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        # Keyed by what names an element (a variable's id, a fixed band's label), so that a
        # difference says which one; by position where nothing does.
        key = next((k for k in ("id", "label") if all(k in v for v in value)), None)
        items = [(f"{path}.{v[key]}" if key else f"{path}[{i}]", v) for i, v in enumerate(value)]
    else:
        return {path: value}
    return {leaf: v for part, inner in items for leaf, v in _leaves(inner, part).items()}
