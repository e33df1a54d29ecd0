"""Legends and value labels cover no data: each chart is drawn for real and the window extents of
what the renderer drew are compared (a legend against every bar and value, a trend's value
labels against every marker)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from bnn_lib.reporting import charts

# Long bars at the foot and the head: the corners where a legend used to sit.
PROFILE = pd.DataFrame(
    {"Kab. Aceh Besar": [96.0, 40.0, 55.0, 97.0], "Nasional": [95.0, 60.0, 50.0, 98.0]},
    index=["Variabel A", "Variabel B", "Variabel C", "Variabel D"],
)


def drawn(ax) -> None:
    ax.figure.canvas.draw_idle()
    ax.figure.draw_without_rendering()


def legends(ax) -> list:
    return [lg.get_window_extent() for lg in [ax.get_legend(), *ax.figure.legends] if lg is not None]


def test_the_legend_of_paired_bars_covers_no_bar_and_no_value():
    ax = charts.paired_bars(data=PROFILE, title="Profil", scale=(0, 100))
    drawn(ax)
    bars = [p.get_window_extent() for p in ax.patches if isinstance(p, Rectangle)]
    values = [t.get_window_extent() for t in ax.texts]
    assert legends(ax) and bars and values
    assert not [(lg, b) for lg in legends(ax) for b in bars + values if lg.overlaps(b)]


def test_the_band_legend_of_ranked_bars_in_the_callers_axes_covers_no_bar_and_no_value():
    table = pd.DataFrame({"kabkota": list("ABCDEF"), "value_100": [95.0, 90, 88, 92, 91, 97], "band": ["b"] * 6})
    edges = pd.DataFrame({"label": ["a", "b"], "lower": [0.0, 50.0]})
    _, ax = plt.subplots(figsize=(9, 4))
    charts.ranked_bars(data=table, edges=edges, national=60.0, title="IKOTAN", scale=(0, 100), ax=ax)
    drawn(ax)
    bars = [p.get_window_extent() for p in ax.patches if isinstance(p, Rectangle)]
    values = [t.get_window_extent() for t in ax.texts]
    assert not [(lg, b) for lg in legends(ax) for b in bars + values if lg.overlaps(b)]
    plt.close(ax.figure)


def marker_boxes(ax) -> list:
    """The box of every marker of every line, on the page."""
    boxes = []
    for line in ax.lines:
        if not isinstance(line, Line2D) or line.get_marker() in ("None", None, ""):
            continue
        radius = line.get_markersize() / 2 * ax.figure.dpi / 72
        for x, y in ax.transData.transform(np.column_stack(line.get_data())):
            boxes.append((x - radius, y - radius, x + radius, y + radius))
    return boxes


def test_trend_value_labels_cover_no_marker_and_no_legend():
    years = pd.Index([2021, 2022, 2023, 2024])
    # The region just under the nation, then just over it: labels would sit on the nation's markers.
    data = pd.DataFrame({"Aceh": [60.0, 61.0, 63.0, 62.0], "Nasional": [60.5, 61.4, 62.6, 62.3]}, index=years)
    ax = charts.trend(data=data, title="Tren", ylabel="Nilai")
    drawn(ax)
    labels = [t.get_window_extent() for t in ax.texts if isinstance(t, Annotation)]
    assert len(labels) == 4
    for box in labels:
        for x0, y0, x1, y1 in marker_boxes(ax):
            assert box.x1 <= x0 or x1 <= box.x0 or box.y1 <= y0 or y1 <= box.y0, (box, (x0, y0, x1, y1))
    assert not [(a, b) for a, b in itertools.combinations(labels, 2) if a.overlaps(b)]
    assert not [(lg, b) for lg in legends(ax) for b in labels if lg.overlaps(b)]
