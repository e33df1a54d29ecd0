"""Roll-ups (kab/kota → province → national), band counts, KPIs and capaian.

Province P:  I_P = Σ_{k∈P} a_k I_k / Σ a_k     (a_k = 1 by default, or a weight column)
National:    I_N = Σ_k a_k I_k / Σ a_k           (over all measured kab/kota, not provinces)
KPI:         #{k : band_k ≥ success_from}        ("kab/kota Tanggap or above")
Capaian:     100 × realisasi / target   (100 × target / realisasi where lower is better), against
             the year's target and the end-of-period (Renstra) target
"""

from __future__ import annotations

import pandas as pd

from bnn_lib.bands import at_or_above, classify
from bnn_lib.measures import measures
from bnn_lib.regions import NATIONAL, province_codes, regions, with_province
from bnn_lib.spec import Bands


def rollup(
    kabkota: pd.DataFrame,
    bands: Bands | None,
    edges: pd.DataFrame | None,
    *,
    weight: str | None = None,
    values: tuple[str, ...] = ("value", "value_100"),
    by: str | None = None,
) -> pd.DataFrame:
    """Province and national rows from the kab/kota table.

    ``kabkota`` has ``kabkota_code``, the ``values`` columns and, with ``bands``, ``band``.
    Returns one row per province and one national row (``region_code`` "00") with ``level``,
    the (weighted) mean of each value, ``n_measured``, ``n_kabkota`` (in the registry) and
    ``pct_measured`` (100 × measured ÷ in the registry), with
    ``n_respondents`` the respondents of its kab/kota (``n_respondents_min``/``_max``: the
    fewest and most of one kab/kota) and, with
    ``bands``: ``band`` of the mean value_100, ``n_<label>`` per band and ``n_success`` (at or
    above ``success_from``). ``edges`` are the band edges in force (see :func:`band_edges`).
    With ``by`` (a column such as ``variable_id`` in a long table), one set of rows per value of it.
    """
    table = with_province(kabkota)
    a = table[weight].astype(float) if weight else pd.Series(1.0, index=table.index)
    keys = region_keys(table["kabkota_code"])
    frames = [
        _summarise(table, [table[by], key] if by else key, a, list(values), bands, edges).assign(level=level)
        for level, key in keys.items()
    ]
    result = pd.concat(frames).reset_index()
    totals = regions().kabkota_counts
    result["n_kabkota"] = result["region_code"].map(totals).fillna(totals.sum()).astype(int)
    result["pct_measured"] = capaian(result["n_measured"], result["n_kabkota"])
    return result


def _summarise(
    table: pd.DataFrame,
    key: pd.Series | list[pd.Series],
    a: pd.Series,
    values: list[str],
    bands: Bands | None,
    edges: pd.DataFrame | None,
) -> pd.DataFrame:
    """The roll-up of ``table`` grouped by ``key`` (see :func:`rollup`)."""
    parts = {"n_measured": table[values[0]].notna().astype(int)}
    if bands is not None:
        parts |= {f"n_{label}": (table["band"] == label).astype(int) for label in edges["label"]}
        if bands.success_from:
            parts["n_success"] = at_or_above(table["band"], bands).astype(int)
    out = region_mean(table[values], key, a).join(pd.DataFrame(parts).groupby(key).sum())
    if "n_respondents" in table:  # the people behind a survey figure, and how they spread
        people = table["n_respondents"].groupby(key)
        out = out.assign(n_respondents=people.sum(), n_respondents_min=people.min(), n_respondents_max=people.max())
    if bands is not None:
        if bands.success_from:
            out["pct_success"] = capaian(out["n_success"], out["n_measured"])
        out["band"] = classify(out["value_100"], bands, edges)
    return out


def region_keys(kabkota_codes: pd.Series) -> dict[str, pd.Series]:
    """The region of each kab/kota at each level (``region_code``): its province (the two
    digits before the dot) and the nation ("00")."""
    return {
        "provinsi": province_codes(kabkota_codes).rename("region_code"),
        "nasional": pd.Series(NATIONAL, index=kabkota_codes.index, name="region_code"),
    }


def region_mean(values: pd.DataFrame, key: pd.Series | list[pd.Series], a: pd.Series) -> pd.DataFrame:
    """The mean of kab/kota values over each region R (rows grouped by ``key``), column by column:

        I_R = Σ_{k∈R} a_k I_k / Σ_{k∈R} a_k        (over the kab/kota k of R where I_k is present)

    NaN for a region with nothing present. The roll-up and the bootstrap's province and national
    replicates (:func:`region_means`) both average here.
    """
    numerator = values.fillna(0.0).mul(a, axis=0).groupby(key).sum()
    denominator = values.notna().mul(a, axis=0).groupby(key).sum()
    return numerator / denominator.where(denominator > 0)


def region_means(values: pd.DataFrame, a: pd.Series | None = None) -> pd.DataFrame:
    """Province and national means (:func:`region_mean`) of kab/kota values: ``values`` has one
    row per kab/kota, indexed by its code, and any number of columns (e.g. bootstrap replicates);
    the result one row per province, then the national row "00"."""
    a = pd.Series(1.0, index=values.index) if a is None else a
    codes = values.index.to_series()
    return pd.concat([region_mean(values, key, a) for key in region_keys(codes).values()])


def region_sums(values: pd.DataFrame) -> pd.DataFrame:
    """Province and national sums of kab/kota values (one row per kab/kota, indexed by its code,
    any number of columns): one row per province, then the national row "00". The KPI counts
    of the bootstrap and of the change tables add up here."""
    keys = region_keys(values.index.to_series())
    return pd.concat([values.groupby(key.to_numpy()).sum() for key in keys.values()])


def capaian(realisasi, target):
    """Achievement against target in percent: 100 × realisasi / target (101 / 60 → 168.33).

    Works on numbers and on aligned Series; a zero or missing target gives NaN.
    """
    if isinstance(target, pd.Series):
        return 100.0 * realisasi / target.where(target != 0)
    return 100.0 * realisasi / target if target else float("nan")


def kpi_table(realised: pd.DataFrame, targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Target, realisasi and capaian % for each measure of ``realised`` that has a target, and
    the same against the end-of-period (Renstra) target where the targets give one.

    ``realised``: columns region_code, measure, realisasi. ``targets``: region_code, measure,
    year, target and, optionally, target_renstra (the targets contract). Measures without a
    target keep NaN target and capaian; without a Renstra target, NaN ``target_renstra`` and
    ``capaian_renstra_pct``. Capaian is 100 × realisasi / target, or 100 × target / realisasi
    for a measure whose direction is "turun" (lower is better).
    """
    goals = targets.reindex(columns=["region_code", "measure", "year", "target", "target_renstra"])
    this_year = goals[goals["year"] == year].drop(columns="year").astype({"target_renstra": float})
    out = realised.merge(this_year, on=["region_code", "measure"], how="left")
    # A measure where lower is better (direction "turun") achieves its target by staying under it.
    lower = out["measure"].isin([m.id for m in measures() if m.direction == "turun"])
    for target, pct in (("target", "capaian_pct"), ("target_renstra", "capaian_renstra_pct")):
        higher = capaian(out["realisasi"], out[target])
        out[pct] = higher.where(~lower, capaian(out[target], out["realisasi"]))
    return out.assign(year=year)
