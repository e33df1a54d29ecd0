"""The report's look, and the axes a chart draws on.

Sized for a laptop screen and an A4 page (width 9 in at 100 dpi, fonts ≥ 9 pt), decimal commas
on the axes. A chart given no axes makes its own figure in this style; given the caller's axes
it draws there under the same style, which holds only while it draws (:func:`style`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import ParamSpec, TypeVar

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from bnn_lib.reporting.fmt import angka
from bnn_lib.reporting.literal import LiteralFigure

WIDTH = 9.0
# Figures become PNG at 150 dpi: a 9-inch chart printed in the report's 170 mm text block is then
# at 200 dpi. The page shows each at its 100-dpi size (html.sized_images), so the screen is as before.
PNG_DPI = 150
# The report's look. It is applied around each chart (:func:`style`), never to matplotlib's
# global settings: other plots of the same process, an exploration notebook's, keep their own.
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.autolayout": False,
    "text.parse_math": False,  # text drawn as written (:mod:`..literal`)
}
P = ParamSpec("P")
R = TypeVar("R")

COMMA = FuncFormatter(lambda x, _pos: angka(x, 0 if float(x).is_integer() else 1))


def style() -> AbstractContextManager:
    """The report's look for the figures made inside ``with charts.style(): ...``."""
    return mpl.rc_context(STYLE)


def styled(draw: Callable[P, R]) -> Callable[P, R]:
    """``draw`` run under :func:`style`: sizes and fonts are read when a figure or a text is
    made, and matplotlib's settings are as before once it returns."""

    @functools.wraps(draw)
    def in_style(*args: P.args, **kwargs: P.kwargs) -> R:
        with style():
            return draw(*args, **kwargs)

    return in_style


def chart_axes(ax: Axes | None, height: float) -> Axes:
    """The caller's ``ax``; without one, the axes of a new report-wide figure ``height`` inches
    tall. That figure is made without pyplot, so that no figure stays registered (and is shown
    again) once the report has displayed it."""
    if ax is not None:
        return ax
    return LiteralFigure(figsize=(WIDTH, height)).subplots()


def foot_legend(ax: Axes, handles: list[Artist], labels: list[str], own: bool, fontsize: float = 8) -> None:
    """The legend below the plot, where it covers no bar, point or value: at the foot of a figure
    the chart made, in as many columns (four at most) as fit its width, the plot laid out above
    it; in the caller's axes, just below them."""
    if not own:
        below = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12), "frameon": False}
        ax.legend(handles, labels, fontsize=fontsize, ncols=min(len(labels), 4), **below)
        return
    fig = ax.figure
    for ncols in range(min(len(labels), 4), 0, -1):
        legend = fig.legend(handles, labels, loc="lower center", fontsize=fontsize, frameon=False, ncols=ncols)
        if ncols == 1 or legend.get_window_extent().width <= fig.bbox.width:
            break
        legend.remove()
    rows = math.ceil(len(labels) / ncols)
    fig.tight_layout(rect=(0, (0.1 + 0.2 * rows) / fig.get_figheight(), 1, 1))
