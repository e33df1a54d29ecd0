"""Bar charts: regions ranked by value, rank intervals, a region beside the nation, kawasan
status before and after intervention. Each draws the numbers of its table and computes none."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from bnn_lib.reporting.charts.style import COMMA, chart_axes, foot_legend, styled
from bnn_lib.reporting.fmt import (
    NATIONAL,
    NO_DATA,
    PROVINCE,
    STATUS_COLORS,
    angka,
    band_colors,
    bertanda,
    rentang,
    selang,
)
from bnn_lib.sensitivity import RANK_PERCENTILES, rank_columns
from bnn_lib.uncertainty import bounds

# The kawasan statuses from left to right in :func:`status_before_after`: the worst first.
STATUS_ORDER = ["bahaya", "waspada", "siaga", "aman"]


@styled
def ranked_bars(
    *,
    data: pd.DataFrame,
    edges: pd.DataFrame,
    national: float | None,
    title: str,
    scale: tuple[float, float],
    label: str = "kabkota",
    value: str = "value_100",
    decimals: int = 1,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of ``data``'s ``value`` column (on ``scale``, written at ``decimals``)
    ranked high to low, coloured by its ``band``, named by its ``label`` column, with the band
    edges (``edges``: label, lower, on the same scale) and the ``national`` mean drawn. The
    reported interval's columns (:func:`~bnn_lib.uncertainty.bounds`), where present, draw
    whiskers. Returns the axes drawn on: ``ax``, or that of a new figure whose foot holds the
    band legend."""
    rows = data.sort_values(value)
    colors = band_colors(list(edges["label"]))
    own = ax is None
    ax = chart_axes(ax, max(2.6, 0.3 * len(rows) + 1.6))
    y = np.arange(len(rows))
    ax.barh(
        y,
        rows[value],
        color=[colors.get(b, NO_DATA) for b in rows["band"].astype(str)],
        edgecolor="#333333",
        linewidth=0.4,
    )
    right = rows[value].to_numpy()
    low, high = bounds()
    if {low, high} <= set(rows.columns) and rows[low].notna().any():
        lo, hi = rows[low].to_numpy(), rows[high].to_numpy()
        ax.errorbar(
            rows[value],
            y,
            xerr=[rows[value] - lo, hi - rows[value]],
            fmt="none",
            ecolor="#222222",
            elinewidth=1,
            capsize=2.5,
        )
        right = np.fmax(right, hi)
    for yi, shown, end in zip(y, rows[value], right, strict=True):
        ax.text(end + _gap(scale), yi, angka(shown, decimals), va="center", fontsize=9)
    for lower in edges["lower"].iloc[1:]:
        ax.axvline(lower, color="#777777", linestyle=":", linewidth=1)
    if national is not None and not math.isnan(national):
        ax.axvline(national, color=NATIONAL, linewidth=1.5)
        ax.text(
            national,
            1.0,
            f"nasional {angka(national, decimals)}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=9,
            color=NATIONAL,
        )
    ax.set_yticks(y, rows[label])
    ax.set_xlim(*scale)
    ax.set_ylim(-0.6, len(rows) - 0.2)
    ax.xaxis.set_major_formatter(COMMA)
    ax.set_xlabel(f"Nilai indeks ({rentang(*scale)})")
    ax.set_title(title, loc="left", pad=16)
    _band_legend(ax, colors, own)
    return ax


def _gap(scale: tuple[float, float]) -> float:
    """The space between a bar's end and its value, as a share of the axis: the same on 1–4 as on 0–100."""
    return 0.008 * (scale[1] - scale[0])


def _band_legend(ax: Axes, colors: dict[str, str], own: bool) -> None:
    """The band colours below the bars (:func:`.style.foot_legend`), clear of every bar and value."""
    handles = [Rectangle((0, 0), 1, 1, color=c, ec="#333333", lw=0.4) for c in colors.values()]
    foot_legend(ax, handles, list(colors), own)


@styled
def rank_intervals(*, data: pd.DataFrame, title: str, ax: Axes | None = None) -> Axes:
    """Each kab/kota's nominal rank (dot) and rank interval under the assumptions (line,
    :data:`~bnn_lib.sensitivity.RANK_PERCENTILES`), ordered by nominal rank: a caterpillar plot.
    ``data``: nominal_rank and the columns of :func:`~bnn_lib.sensitivity.rank_columns`.
    Returns the axes drawn on."""
    rows = data.sort_values("nominal_rank")
    own = ax is None
    ax = chart_axes(ax, 3.4)
    x = np.arange(1, len(rows) + 1)
    low, high = rank_columns()
    interval = rentang(*RANK_PERCENTILES)
    ax.vlines(x, rows[low], rows[high], color=PROVINCE, linewidth=1.2, label=f"Selang {interval} %")
    ax.plot(x, rows["nominal_rank"], "o", color=NATIONAL, markersize=2, label="Peringkat nominal")
    ax.set_xlabel("Kab/kota, menurut peringkat nominal")
    ax.set_ylabel("Peringkat (1 = tertinggi)")
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    foot_legend(ax, *ax.get_legend_handles_labels(), own)
    return ax


@styled
def paired_bars(
    *, data: pd.DataFrame, title: str, scale: tuple[float, float], decimals: int = 1, ax: Axes | None = None
) -> Axes:
    """Region beside nation for each component (a variable profile, environments), on
    ``scale``, written at ``decimals``. ``data``: one row per component (its name the index, in
    the order drawn, top to bottom), two columns, the region's scores then the nation's, whose
    names the legend shows. Returns the axes drawn on."""
    (region, province), (nation, national) = data.items()
    own = ax is None
    ax = chart_axes(ax, 0.55 * len(data) + 1.3)
    y = np.arange(len(data))
    # The y-axis is inverted below, so y − 0.2 draws the region above the nation.
    ax.barh(y - 0.2, province, height=0.38, color=PROVINCE, label=region)
    ax.barh(y + 0.2, national, height=0.38, color="#bdbdbd", label=nation)
    for yi, p, n in zip(y, province, national, strict=True):
        ax.text(
            (p if not math.isnan(p) else scale[0]) + _gap(scale), yi - 0.2, angka(p, decimals), va="center", fontsize=9
        )
        ax.text(
            (n if not math.isnan(n) else scale[0]) + _gap(scale),
            yi + 0.2,
            angka(n, decimals),
            va="center",
            fontsize=9,
            color=NATIONAL,
        )
    ax.set_yticks(y, list(data.index))
    ax.invert_yaxis()
    ax.set_xlim(*scale)
    ax.xaxis.set_major_formatter(COMMA)
    ax.set_xlabel(f"Skor ({rentang(*scale)})")
    ax.set_title(title, loc="left")
    foot_legend(ax, *ax.get_legend_handles_labels(), own)
    return ax


@styled
def status_before_after(*, data: pd.DataFrame, title: str, ax: Axes | None = None) -> Axes:
    """Stacked bars: how many intervened kawasan were in each status before and after.
    ``data``: the counts, one row per status (index: bahaya, waspada, siaga, aman, in any
    order), columns before and after (:func:`bnn_lib.kawasan.status_counts`). Returns the axes
    drawn on."""
    own = ax is None
    ax = chart_axes(ax, 2.4)
    left = np.zeros(2)
    for status in STATUS_ORDER:
        values = data.loc[status, ["before", "after"]].to_numpy(dtype=float)
        ax.barh(
            [1, 0],
            values,
            left=left,
            color=STATUS_COLORS[status],
            edgecolor="#333333",
            linewidth=0.4,
            label=status.capitalize(),
        )
        for yi, start, v in zip([1, 0], left, values, strict=True):
            if v:
                ax.text(start + v / 2, yi, angka(v, 0), ha="center", va="center", fontsize=9)
        left += values
    ax.set_yticks([1, 0], ["Sebelum intervensi", "Sesudah intervensi"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Jumlah kawasan diintervensi")
    ax.set_title(title, loc="left", pad=24)
    ax.legend(ncols=4, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    if own:
        ax.figure.tight_layout()
    return ax


@styled
def rank_shift_bars(*, data: pd.DataFrame, title: str, ax: Axes | None = None) -> Axes:
    """How many kab/kota moved by how many ranks: one bar per bin of ``data`` (columns lower and
    upper, the shifts it holds, both included, and n, the kab/kota in it; from
    :attr:`bnn_lib.scenarios.Comparison.shift_histogram`), each bar labelled with its count.
    Returns the axes drawn on."""
    ax = chart_axes(ax, 3.0)
    x = np.arange(len(data))
    ax.bar(x, data["n"], color=PROVINCE, edgecolor="#333333", linewidth=0.4)
    for xi, n in zip(x, data["n"], strict=True):
        if n:
            ax.text(xi, n, angka(n, 0), ha="center", va="bottom", fontsize=8)
    names = [
        bertanda(lo, 0) if lo == hi else selang(lo, hi, 0) for lo, hi in zip(data["lower"], data["upper"], strict=True)
    ]
    ax.set_xticks(x, names, rotation=45 if len(x) > 8 else 0, ha="right" if len(x) > 8 else "center", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(COMMA)
    ax.set_xlabel("Pergeseran peringkat (positif = naik)")
    ax.set_ylabel("Jumlah kab/kota")
    ax.set_title(title, loc="left")
    ax.figure.tight_layout()
    return ax
