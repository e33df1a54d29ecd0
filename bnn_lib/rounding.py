"""The one rounding rule of the suite: half away from zero on the decimal a value prints as.

Bands round a value before placing it (fixed bands, lower-inclusive at their published edges),
and every number a reader sees is printed at its decimals by the same rule
(:mod:`bnn_lib.reporting.fmt`), so a value shown beside its band always lies within the band's
printed range: 25.005 is banded from 25.01 and printed "25,01", never "25,00".
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def round_half_up(values: np.ndarray | pd.Series | float, decimals: int) -> np.ndarray | pd.Series:
    """``values`` rounded to ``decimals`` places, halves away from zero, as Excel's ROUND does
    (a Series stays a Series with its index).

    A value is taken as the decimal it prints as, not its binary approximation: 75.005 is stored
    as 75.00499999999999545…, which NumPy's half-to-even rounding (and plain half-up on the
    binary value) makes 75.0. Snapping ``x · 10^decimals`` to 6 places first removes that error
    (far below any printed digit) before the half is rounded up.
    """
    x = np.asarray(values, dtype=float)
    scaled = np.round(np.abs(x) * 10.0**decimals, 6)
    rounded = np.sign(x) * np.floor(scaled + 0.5) / 10.0**decimals
    return pd.Series(rounded, index=values.index, name=values.name) if isinstance(values, pd.Series) else rounded


def rounded(x: float, decimals: int) -> float:
    """One number rounded by :func:`round_half_up`, as a float (−0.0 made 0.0)."""
    return float(round_half_up(float(x), decimals)) + 0.0


def sign_at(x: float, decimals: int) -> int:
    """+1, −1, or 0 where ``x`` prints as zero at ``decimals`` (a change shown as "0,00" is no
    rise or fall: the words beside a number never contradict it)."""
    shown = rounded(x, decimals)
    return 0 if shown == 0 else (1 if shown > 0 else -1)
