"""Programme outputs beside the change of the outcome indices, kab/kota by kab/kota.

BNN measures its programmes "to know how far output and outcome were achieved". Whether the kab/kota
that formed more penggiat, trained more life-skill participants or intervened in more kawasan
are those whose IKOTAN or IKP rose more is a question of association: kab/kota differ in many
ways, and outputs go where the need is. :func:`output_association` therefore gives the slope of
the change on the output and the correlation, with 95 % intervals, and the reports say
"hubungan, bukan bukti sebab-akibat" (docs/methodology.md §12.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bnn_lib import measures
from bnn_lib.aggregate import on_score_scale
from bnn_lib.spec import IndexSpec
from bnn_lib.uncertainty import REPORTED

# Fewer kab/kota than this with an output and a change, and no association is computed.
MIN_KABKOTA = 10


def output_association(
    outputs: pd.DataFrame, changes: dict[str, pd.DataFrame], specs: dict[str, IndexSpec] | None = None
) -> pd.DataFrame:
    """For each outcome index (``changes``: its ``<index>_change`` table) and each programme
    output (columns of ``outputs``, one row per kab/kota of the year): how the change of the
    index (0–100 points, kab/kota measured in both years) goes with the output.

    ``slope``: the least-squares slope of the change on the output, in points per ``per`` units
    of output (a round unit near the output's spread), with its 95 % t interval; ``r``: Pearson's
    correlation with its 95 % interval (Fisher's z); ``n``: kab/kota. Blank where fewer than
    :data:`MIN_KABKOTA` kab/kota have both, or the output does not vary. With the index
    ``specs``, ``slope_score`` … beside them on the score scale
    (:func:`~bnn_lib.aggregate.on_score_scale`)."""
    counted = [m.id for m in measures.outputs()]
    per_kabkota = outputs.groupby("kabkota_code")[counted].sum()
    rows = []
    for index, table in changes.items():
        change = table[table["region_code"].str.contains(".", regex=False)].set_index("region_code")["change"]
        for output in counted:
            both = pd.concat([per_kabkota[output], change], axis=1, join="inner").dropna()
            rows.append({"index": index, "output": output, **_fit(both[output], both["change"])})
    table = pd.DataFrame(rows)
    if not specs or table.empty:
        return table
    slopes = ["slope", "slope_low", "slope_high"]
    parts = [
        on_score_scale(part, specs[i].rescale, differences=slopes) for i, part in table.groupby("index", sort=False)
    ]
    return pd.concat(parts).sort_index()


def _fit(x: pd.Series, y: pd.Series) -> dict[str, float]:
    """Slope (per a round unit of ``x``) and correlation of ``y`` on ``x``, with 95 % intervals."""
    n = len(x)
    if n < MIN_KABKOTA or x.nunique() < 2:
        return {
            "n": n,
            "per": np.nan,
            "slope": np.nan,
            "slope_low": np.nan,
            "slope_high": np.nan,
            "r": np.nan,
            "r_low": np.nan,
            "r_high": np.nan,
        }
    per = max(1.0, 10.0 ** np.floor(np.log10(x.std(ddof=1))))  # whole people or kawasan
    fit = stats.linregress(x / per, y)
    half = stats.t.ppf(1 - (1 - REPORTED) / 2, n - 2) * fit.stderr
    z, width = np.arctanh(fit.rvalue), stats.norm.ppf(1 - (1 - REPORTED) / 2) / np.sqrt(n - 3)
    return {
        "n": n,
        "per": per,
        "slope": fit.slope,
        "slope_low": fit.slope - half,
        "slope_high": fit.slope + half,
        "r": fit.rvalue,
        "r_low": float(np.tanh(z - width)),
        "r_high": float(np.tanh(z + width)),
    }
