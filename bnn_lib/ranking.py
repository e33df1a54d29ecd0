"""Ranks: 1 is the highest value, and values that are equal share the lower rank.

Equal values must share a rank even when floating point tells them apart: two kab/kota whose
means are both exactly 3.15 can differ in the 16th digit, by the order in which their sums were
added. Values are therefore compared at :data:`TIE_DECIMALS` places, far below any digit a
report prints and far above floating-point noise. The pipeline (the ranks of every kab/kota,
nationally and in its province, and of every province), the Monte Carlo and the comparison of
two computations all rank here; the reports read the ranks from the results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TIE_DECIMALS = 9


def ranks(values: np.ndarray) -> np.ndarray:
    """The rank of each value in each row of ``values`` (runs × units): 1 = highest, ties share
    the lower rank ("min" ranking: 1, 2, 2, 4), NaN stays NaN."""
    frame = pd.DataFrame(np.round(np.asarray(values, dtype=float), TIE_DECIMALS).T)
    return frame.rank(ascending=False, method="min").to_numpy().T


def with_ranks(kabkota: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """``kabkota`` (one row per kab/kota, with ``province_code``) with ``rank_national`` and
    ``rank_province`` of ``column``, and how many were ranked (``n_ranked_national``,
    ``n_ranked_province``); blank where the kab/kota has no value."""
    values = kabkota[column].astype(float)
    out = kabkota.assign(
        rank_national=pd.Series(ranks(values.to_numpy()[None, :])[0], index=kabkota.index),
        n_ranked_national=int(values.notna().sum()),
    )
    by_province = values.groupby(kabkota["province_code"])
    out["rank_province"] = by_province.transform(lambda v: pd.Series(ranks(v.to_numpy()[None, :])[0], index=v.index))
    out["n_ranked_province"] = by_province.transform("count")
    return out.astype({"rank_national": "Int64", "rank_province": "Int64"})


def with_province_ranks(regions: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """A ``*_regions`` table with ``rank_national`` of each province among the provinces and
    ``n_ranked_national`` (how many were ranked); blank for the nation and for a province
    without a value."""
    provinces = regions["level"] == "provinsi"
    values = regions[column].where(provinces).astype(float)
    rank = pd.Series(ranks(values.to_numpy()[None, :])[0], index=regions.index)
    return regions.assign(
        rank_national=rank.astype("Int64"),
        n_ranked_national=pd.Series(int(values.notna().sum()), index=regions.index).where(provinces).astype("Int64"),
    )


def compare_rankings(base: pd.DataFrame, variant: pd.DataFrame, names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Two ``*_kabkota`` tables side by side: value, rank (1 = highest) and band of each, and
    ``rank_shift`` (rank under ``names[1]`` − rank under ``names[0]``), sorted by the first rank."""
    a, b = names
    out = pd.DataFrame(index=base["kabkota_code"])
    out["kabkota"] = base.set_index("kabkota_code")["kabkota"]
    for name, table in ((a, base), (b, variant)):
        indexed = table.set_index("kabkota_code")
        out[f"value_{name}"] = indexed["value_100"]
        rank = ranks(indexed["value_100"].to_numpy()[None, :])[0]  # the Monte Carlo's ranking rule
        out[f"rank_{name}"] = pd.Series(rank, index=indexed.index).astype("Int64")
        out[f"band_{name}"] = indexed["band"].astype(str)
    out["rank_shift"] = out[f"rank_{b}"] - out[f"rank_{a}"]
    return out.sort_values(f"rank_{a}").reset_index()
