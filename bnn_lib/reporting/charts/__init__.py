"""The report's figures. Each chart function takes its table as ``data=`` and, as seaborn's do,
an optional matplotlib ``ax=``: given one, it draws there (several charts can share a figure
the caller made); without one, it makes a figure of its own, sized for the report. It returns
the axes it drew on (``ax.figure`` is the figure to embed). A chart draws the numbers of its
table and computes none.

By what they draw: :mod:`.bars` (ranked bars, rank intervals, region beside nation, kawasan
status, rank shifts of two computations), :mod:`.trend`, :mod:`.maps` (boundaries, kab/kota
points; :mod:`.labels` writes their names where they cover nothing), :mod:`.matrix`
(correlation heatmap); :mod:`.style` holds the report's look, applied only while a chart draws.
"""

from bnn_lib.reporting.charts.bars import (
    paired_bars,
    rank_intervals,
    rank_shift_bars,
    ranked_bars,
    status_before_after,
)
from bnn_lib.reporting.charts.maps import boundary_map, point_map
from bnn_lib.reporting.charts.matrix import correlation_heatmap
from bnn_lib.reporting.charts.style import PNG_DPI, STYLE, WIDTH, style
from bnn_lib.reporting.charts.trend import BACKCAST_SHIFT, TREND_STYLES, SeriesMarks, trend

__all__ = [
    "BACKCAST_SHIFT",
    "PNG_DPI",
    "STYLE",
    "TREND_STYLES",
    "WIDTH",
    "SeriesMarks",
    "boundary_map",
    "correlation_heatmap",
    "paired_bars",
    "point_map",
    "rank_intervals",
    "rank_shift_bars",
    "ranked_bars",
    "status_before_after",
    "style",
    "trend",
]
