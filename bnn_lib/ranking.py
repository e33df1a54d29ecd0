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
