"""Looking values up in an index, fast where a table repeats a few values over many rows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """The position in ``index`` of each value (−1 where absent), hashing each distinct value once.

    Answer tables repeat a few thousand ids over millions of rows; factorising first (free for a
    categorical column) makes the look-up cost scale with the distinct values, not the rows.
    """
    codes, uniques = pd.factorize(values)
    found = index.get_indexer(pd.Index(uniques))
    return np.append(found, -1)[codes]  # a missing value (code −1) takes the appended −1
