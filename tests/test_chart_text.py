"""Names from specs and data are drawn as written: a "$" in a kab/kota, indicator, band or
series name is no formula (mathtext), and one that mathtext cannot parse stops no chart. Each
chart is drawn for real (PNG into a buffer) and every string the renderer draws is recorded."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.patheffects import PathEffectRenderer

from bnn_lib.reporting import charts

# Set as a formula by mathtext; a price with two dollars; one mathtext cannot parse at all.
FORMULA = r"Kab. $x^2$ \frac{a}{b}"
PRICE = "50$ Rp$"
BROKEN = r"Kota $\frac{a}$"
NAMES = [FORMULA, PRICE, BROKEN]


@pytest.fixture
def drawn(monkeypatch) -> list[tuple[str, bool]]:
    """Each (text, drawn as mathtext) the Agg renderer is asked to draw."""
    calls: list[tuple[str, bool]] = []
    original = RendererAgg.draw_text

    def record(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        calls.append((s, bool(ismath)))
        return original(self, gc, x, y, s, prop, angle, ismath, mtext)

    def record_rimmed(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        calls.append((s, bool(ismath)))  # a name with a white rim is drawn as a path
        return RendererBase.draw_text(self, gc, x, y, s, prop, angle, ismath, mtext)

    monkeypatch.setattr(RendererAgg, "draw_text", record)
    monkeypatch.setattr(PathEffectRenderer, "draw_text", record_rimmed)
    return calls


def render(ax) -> None:
    """The chart's figure drawn to PNG."""
    ax.figure.savefig(io.BytesIO(), format="png")


def literal(calls: list[tuple[str, bool]]) -> set[str]:
    """The strings drawn, after checking that none went through mathtext."""
    assert [s for s, math in calls if math] == []
    return {s for s, _ in calls}


def test_ranked_bars_draw_names_labels_and_title_as_written(drawn):
    table = pd.DataFrame({"kabkota": NAMES, "value_100": [40.0, 60.0, 80.0], "band": [FORMULA, PRICE, BROKEN]})
    edges = pd.DataFrame({"label": [FORMULA, PRICE, BROKEN], "lower": [0.0, 50.0, 75.0]})
    render(charts.ranked_bars(data=table, edges=edges, national=55.0, title=f"Peringkat {PRICE}", scale=(0, 100)))
    assert set(NAMES) | {f"Peringkat {PRICE}"} <= literal(drawn)


def test_paired_bars_draw_tick_and_legend_labels_as_written(drawn):
    # Eight components: more tick labels than matplotlib makes before drawing.
    labels = [f"{NAMES[i % 3]} {i}" for i in range(8)]
    values = list(np.linspace(10, 90, 8))
    render(
        charts.paired_bars(
            data=pd.DataFrame({FORMULA: values, PRICE: values[::-1]}, index=labels), title=BROKEN, scale=(0, 100)
        )
    )
    assert set(labels) | {BROKEN, FORMULA, PRICE} <= literal(drawn)


def test_trend_draws_series_names_as_written(drawn):
    years = pd.Index([2022, 2023, 2024])
    series = {FORMULA: pd.Series([50.0, 55.0, 60.0], index=years), BROKEN: pd.Series([52.0, 53.0, 54.0], index=years)}
    render(charts.trend(data=pd.DataFrame(series), title=PRICE, ylabel=f"Nilai {PRICE}"))
    assert {FORMULA, BROKEN, PRICE, f"Nilai {PRICE}"} <= literal(drawn)


def test_maps_draw_names_legend_and_title_as_written(drawn):
    outline = [
        {"type": "Feature", "properties": {"code": "11"}, "geometry": {"type": "Polygon", "coordinates": [square]}}
        for square in ([[95.0, 2.0], [99.0, 2.0], [99.0, 6.0], [95.0, 6.0], [95.0, 2.0]],)
    ]
    points = pd.DataFrame(
        {
            "lon": [95.5, 97.0, 98.5],
            "lat": [5.5, 4.0, 2.5],
            "label": ["$x^2$", "$y$", "$\\frac{a}$"],
            "color": ["#2c7bb6"] * 3,
        }
    )
    render(charts.point_map(data=points, outline=outline, title=FORMULA, legend={PRICE: "#2c7bb6", BROKEN: "#d7191c"}))
    assert {"$x^2$", "$y$", "$\\frac{a}$", FORMULA, PRICE, BROKEN} <= literal(drawn)


def test_other_plots_of_the_process_keep_mathtext(drawn):
    """The report's charts leave matplotlib's own settings alone."""
    import matplotlib as mpl

    render(charts.trend(data=pd.DataFrame({FORMULA: [1.0]}, index=[2024]), title="t", ylabel="y"))
    assert mpl.rcParams["text.parse_math"] is True


def test_a_label_set_after_the_chart_was_built_is_drawn_as_written(drawn):
    """A notebook that relabels a chart outside the report's style gets the same literal text."""
    table = pd.DataFrame({"p": [1.0, 2.0, 3.0], "n": [3.0, 2.0, 1.0]}, index=["a", "b", "c"])
    ax = charts.paired_bars(data=table, title="t", scale=(0, 10))
    fig = ax.figure
    labels = [f"{NAMES[i % 3]} {i}" for i in range(6)]
    ax.set_yticks(range(6), labels)  # three tick labels more, made here, outside the report's style
    ax.text(1, 1, BROKEN)
    render(fig)
    assert set(labels) | {BROKEN} <= literal(drawn)
