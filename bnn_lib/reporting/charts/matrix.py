"""A correlation matrix as an annotated heatmap (seaborn's)."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from bnn_lib.reporting.charts.style import COMMA, chart_axes, styled
from bnn_lib.reporting.fmt import angka


@styled
def correlation_heatmap(*, data: pd.DataFrame, title: str, label: str, ax: Axes | None = None) -> Axes:
    """Correlation coefficients as coloured cells, each written in it (two decimals, decimal
    comma), on a diverging palette centred at 0 from −1 to 1: red for a positive correlation,
    blue for a negative one. ``data``: the coefficients, rows and columns named as drawn, blank
    where no correlation was computed (left empty); ``label`` names the colour bar. Returns the
    axes drawn on."""
    own = ax is None
    ax = chart_axes(ax, 0.3 * len(data) + 1.4)
    if own:  # a layout that moves the colour bar with the cells (tight_layout leaves it behind)
        ax.figure.set_layout_engine("constrained")
    sns.heatmap(
        data,
        ax=ax,
        vmin=-1,
        vmax=1,
        center=0,
        cmap="RdBu_r",
        annot=data.map(angka),
        fmt="",
        annot_kws={"fontsize": 8},
        xticklabels=True,  # every row and column named: seaborn would thin them out to fit
        yticklabels=True,
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": label, "ticks": [-1, -0.5, 0, 0.5, 1], "format": COMMA},
    )
    ax.set(xlabel="", ylabel="")
    ax.tick_params(length=0)
    title = ax.set_title(title, loc="left")
    if own:
        # The long row names leave the cells a narrow column: the title starts at the figure's
        # left edge, above the names, rather than at the cells' and running off the figure.
        title.set_transform(blended_transform_factory(ax.figure.transFigure, ax.transAxes) + ax.titleOffsetTrans)
        title.set_x(0.01)
    return ax
