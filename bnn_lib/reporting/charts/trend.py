"""The trend chart: an index over the years, with method breaks, back-casts and bands."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from bnn_lib.reporting.charts.style import chart_axes, foot_legend, styled
from bnn_lib.reporting.fmt import NATIONAL, PROVINCE, angka, band_colors


@dataclass(frozen=True)
class SeriesMarks:
    """What a trend chart shows of a series across method changes.

    ``breaks``: x positions of method breaks (between two years), drawn as dashed vertical lines
    labelled ``break_label``; no line joins the years on either side. ``backcast``: by series
    name, earlier years recomputed under the later method, drawn hollow and joined (dashed) to
    the next published year, labelled "<series>, ``backcast_label``". ``bands``: the band edges
    of each year on the value's scale (year, label, lower, upper), shaded per year.
    """

    breaks: tuple[float, ...] = ()
    break_label: str = ""
    backcast: dict[str, pd.Series] = field(default_factory=dict)
    backcast_label: str = ""
    bands: pd.DataFrame | None = None


# A back-cast point sits this far right of its year, beside the published value of the year
# (under the two IKOTAN specs the two values are equal and would hide each other).
BACKCAST_SHIFT = 0.15
TREND_STYLES = [(PROVINCE, "-", "o"), (NATIONAL, "--", "s"), ("#d95f02", "-.", "^"), ("#7570b3", ":", "D")]


@styled
def trend(
    *,
    data: pd.DataFrame,
    title: str,
    ylabel: str,
    ylim: tuple[float, float] | None = None,
    marks: SeriesMarks | None = None,
    decimals: int = 2,
    ax: Axes | None = None,
) -> Axes:
    """Lines over the years, one per column of ``data`` (index: year; the column's name is the
    series' name, a blank value a year without one), the first one's values labelled at
    ``decimals``; with
    ``marks``, method breaks, back-casts and bands (:class:`SeriesMarks`). Returns the axes
    drawn on: ``ax``, or that of a new figure, with bands, the legend at its foot."""
    marks = marks or SeriesMarks()
    own = ax is None
    ax = chart_axes(ax, 3.0 if marks.bands is None else 3.8)
    for i, ((name, values), (color, line, marker)) in enumerate(zip(data.items(), TREND_STYLES, strict=False)):
        values = values.dropna()
        for j, part in enumerate(_periods(values, marks.breaks)):
            ax.plot(
                part.index, part.to_numpy(), color=color, linestyle=line, marker=marker, label=name if j == 0 else None
            )
        cast = marks.backcast.get(name, pd.Series(dtype=float)).dropna()
        _backcast(ax, values, cast, (color, marker), f"{name}, {marks.backcast_label}")
        if i == 0:  # label the first series only: the others sit too close to read; the table has them
            _label_points(ax, values, _below(values, data.drop(columns=name), cast.index), decimals)
            shifted = cast.set_axis(cast.index + BACKCAST_SHIFT)
            _label_points(ax, shifted, pd.Series(True, index=shifted.index), decimals)
    years = list(data.dropna(how="all").index.sort_values())
    ax.set_xticks(years, [str(y) for y in years])
    if len(years) == 1:
        ax.set_xlim(years[0] - 1, years[0] + 1)
    for x in marks.breaks:
        ax.axvline(x, color="#555555", linestyle="--", linewidth=1)
        trans = ax.get_xaxis_transform()
        ax.text(x, 1.0, marks.break_label, transform=trans, ha="center", va="bottom", fontsize=8, color="#555555")
    ax.set_ylim(*(ylim or _value_range(data, marks)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: angka(x, decimals)))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", pad=16 if marks.breaks else 6)
    if marks.bands is None:
        _trend_legend(ax, {}, own)
    else:
        colors = _shade_bands(ax, marks.bands)
        lo, hi = ax.get_ylim()
        bands = marks.bands
        seen = set(bands.loc[(bands["upper"] > lo) & (bands["lower"] < hi), "label"])
        _trend_legend(ax, {label: c for label, c in colors.items() if label in seen}, own)
    return ax


def _periods(values: pd.Series, breaks: tuple[float, ...]) -> list[pd.Series]:
    """``values`` cut at the breaks: published values under two methods are not joined."""
    cuts = [-math.inf, *sorted(breaks), math.inf]
    parts = [values[(values.index > a) & (values.index < b)] for a, b in itertools.pairwise(cuts)]
    return [p for p in parts if len(p)]


def _backcast(ax: Axes, values: pd.Series, cast: pd.Series, look: tuple[str, str], label: str) -> None:
    """Each back-cast year hollow, joined (dashed) to the next published year it is compared with."""
    color, marker = look
    for year, value in cast.items():
        later = values[values.index > year]
        xs, ys = [year + BACKCAST_SHIFT], [value]
        if len(later):
            xs.append(later.index[0])
            ys.append(later.iloc[0])
        ax.plot(xs, ys, color=color, linestyle=(0, (2, 2)), linewidth=1.2, zorder=3)
        ax.plot(
            xs[:1], [value], marker=marker, markersize=8, markerfacecolor="white", color=color, zorder=4, label=label
        )
        label = None  # one legend entry per series


def _below(values: pd.Series, others: pd.DataFrame, cast: pd.Index) -> pd.Series:
    """Which of the first series' labels go below their point: those where another series runs
    higher that year (the label then moves away from its line), unless a back-cast of the same
    year is labelled below already."""
    higher = others.reindex(values.index).max(axis=1) > values
    return higher & ~values.index.isin(cast)


def _label_points(ax: Axes, values: pd.Series, below: pd.Series, decimals: int) -> None:
    """Each value written just above its point, or just below where ``below`` says, clear of
    the marker (the text's near edge 7 points from the point's centre, a marker's radius is 4)."""
    for x, v in values.items():
        down = bool(below[x])
        ax.annotate(
            angka(v, decimals),
            (x, v),
            textcoords="offset points",
            xytext=(0, -7 if down else 7),
            ha="center",
            va="top" if down else "bottom",
            fontsize=9,
        )


def _value_range(data: pd.DataFrame, marks: SeriesMarks) -> tuple[float, float]:
    """The values' range with room for their labels (the band shading does not widen it)."""
    values = pd.concat([*(data[name] for name in data), *marks.backcast.values()]).dropna()
    if values.empty:
        return (0.0, 1.0)
    room = max(0.1, 0.25 * (values.max() - values.min()))
    return (values.min() - room, values.max() + room)


def _shade_bands(ax: Axes, bands: pd.DataFrame) -> dict[str, str]:
    """Each year's bands shaded behind its column; the colour of each label (one for a label
    across methods, ordered low to high by the scheme with the most bands)."""
    by_year = [list(bands.loc[bands["year"] == year, "label"]) for year in sorted(set(bands["year"]))]
    order = max(by_year, key=len)
    order += [label for labels in by_year for label in labels if label not in order]
    colors = band_colors(list(dict.fromkeys(order)))
    for row in bands.itertuples():
        height = row.upper - row.lower
        patch = Rectangle((row.year - 0.5, row.lower), 1, height, color=colors[row.label], alpha=0.25, lw=0)
        ax.add_patch(patch).set_zorder(0)
    return colors


def _trend_legend(ax: Axes, colors: dict[str, str], own: bool) -> None:
    """The lines and the band colours in one legend, below the plot (:func:`.style.foot_legend`)."""
    handles, labels = ax.get_legend_handles_labels()
    handles += [Rectangle((0, 0), 1, 1, color=c, alpha=0.25, lw=0) for c in colors.values()]
    labels += [f"kategori {label}" for label in colors]
    foot_legend(ax, handles, labels, own)
