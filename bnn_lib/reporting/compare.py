"""Side-by-side comparison of two computations of the same index (for the exploration notebook)."""

from __future__ import annotations

import pandas as pd

from bnn_lib.ranking import ranks


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
