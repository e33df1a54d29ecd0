"""The report's figures: each function takes result tables and returns a matplotlib Figure.

Sized for a laptop screen and an A4 page (width 9 in at 100 dpi, fonts ≥ 9 pt), decimal commas
on the axes, the colour-blind-safe palette of :mod:`bnn_lib.reporting.fmt`.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import textwrap
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bnn_lib.reporting.fmt import NATIONAL, NO_DATA, PROVINCE, STATUS_COLORS, angka, band_colors, rentang
from bnn_lib.reporting.literal import LiteralFigure
from bnn_lib.sensitivity import RANK_PERCENTILES, rank_columns
from bnn_lib.uncertainty import bounds

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
    "text.parse_math": False,  # text drawn as written (:mod:`.literal`)
}
P = ParamSpec("P")


def style() -> AbstractContextManager:
    """The report's look for the figures made inside ``with charts.style(): ...``."""
    return mpl.rc_context(STYLE)


def _styled(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """``draw`` made under :func:`style`: sizes and fonts are read when a figure is made."""

    @functools.wraps(draw)
    def styled(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with style():
            return draw(*args, **kwargs)

    return styled


def _figure(height: float) -> tuple[Figure, Axes]:
    """A report-wide figure of ``height`` inches with one axes. Made without pyplot, so that no
    figure stays registered (and shown again) once the report has displayed it."""
    fig = LiteralFigure(figsize=(WIDTH, height))
    return fig, fig.subplots()


_COMMA = FuncFormatter(lambda x, _pos: angka(x, 0 if float(x).is_integer() else 1))

# Tile-grid positions (column, row) of the 38 provinces, west → east and north → south.
PROVINCE_TILES = {
    "11": (0, 0),
    "12": (1, 1),
    "14": (2, 1),
    "21": (3, 1),
    "13": (1, 2),
    "15": (2, 2),
    "17": (1, 3),
    "16": (2, 3),
    "19": (3, 3),
    "18": (2, 4),
    "31": (4, 4),
    "36": (3, 5),
    "32": (4, 5),
    "33": (5, 5),
    "34": (5, 6),
    "35": (6, 5),
    "51": (7, 5),
    "52": (8, 5),
    "53": (9, 5),
    "61": (4, 2),
    "62": (5, 2),
    "65": (6, 1),
    "64": (6, 2),
    "63": (6, 3),
    "75": (8, 1),
    "71": (9, 1),
    "72": (8, 2),
    "76": (7, 3),
    "73": (8, 3),
    "74": (9, 3),
    "82": (10, 1),
    "81": (10, 3),
    "96": (11, 1),
    "92": (11, 2),
    "94": (12, 2),
    "91": (13, 1),
    "95": (13, 2),
    "93": (13, 3),
}


@_styled
def ranked_bars(
    table: pd.DataFrame,
    edges: pd.DataFrame,
    national: float | None,
    title: str,
    scale: tuple[float, float],
    label: str = "kabkota",
) -> Figure:
    """Horizontal bars of ``value_100`` (on the reported ``scale``) ranked high to low, coloured
    by band, with the band edges and the national mean drawn. The reported interval's columns
    (:func:`~bnn_lib.uncertainty.bounds`), where present, draw whiskers."""
    data = table.sort_values("value_100")
    colors = band_colors(list(edges["label"]))
    height = max(2.6, 0.3 * len(data) + 1.6)
    fig, ax = _figure(height)
    y = np.arange(len(data))
    ax.barh(
        y,
        data["value_100"],
        color=[colors.get(b, NO_DATA) for b in data["band"].astype(str)],
        edgecolor="#333333",
        linewidth=0.4,
    )
    right = data["value_100"].to_numpy()
    low, high = bounds()
    if {low, high} <= set(data.columns) and data[low].notna().any():
        lo, hi = data[low].to_numpy(), data[high].to_numpy()
        ax.errorbar(
            data["value_100"],
            y,
            xerr=[data["value_100"] - lo, hi - data["value_100"]],
            fmt="none",
            ecolor="#222222",
            elinewidth=1,
            capsize=2.5,
        )
        right = np.fmax(right, hi)
    for yi, value, end in zip(y, data["value_100"], right, strict=True):
        ax.text(end + 0.8, yi, angka(value, 1), va="center", fontsize=9)
    for lower in edges["lower"].iloc[1:]:
        ax.axvline(lower, color="#777777", linestyle=":", linewidth=1)
    if national is not None and not math.isnan(national):
        ax.axvline(national, color=NATIONAL, linewidth=1.5)
        ax.text(
            national,
            1.0,
            f"nasional {angka(national, 1)}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=9,
            color=NATIONAL,
        )
    ax.set_yticks(y, data[label])
    ax.set_xlim(*scale)
    ax.set_ylim(-0.6, len(data) - 0.2)
    ax.xaxis.set_major_formatter(_COMMA)
    ax.set_xlabel(f"Nilai indeks ({rentang(*scale)})")
    ax.set_title(title, loc="left", pad=16)
    _band_legend(fig, colors)
    return fig


def _band_legend(fig: Figure, colors: dict[str, str]) -> None:
    """The band colours in one row at the foot of the figure, clear of the bars."""
    handles = [Rectangle((0, 0), 1, 1, color=c, ec="#333333", lw=0.4) for c in colors.values()]
    fig.legend(handles, list(colors), loc="lower center", fontsize=8, frameon=False, ncols=len(colors))
    fig.tight_layout(rect=(0, 0.35 / fig.get_figheight(), 1, 1))


@_styled
def rank_intervals(table: pd.DataFrame, title: str) -> Figure:
    """Each kab/kota's nominal rank (dot) and rank interval under the assumptions (line,
    :data:`~bnn_lib.sensitivity.RANK_PERCENTILES`), ordered by nominal rank: a caterpillar plot."""
    data = table.sort_values("nominal_rank")
    fig, ax = _figure(3.4)
    x = np.arange(1, len(data) + 1)
    low, high = rank_columns()
    interval = rentang(*RANK_PERCENTILES)
    ax.vlines(x, data[low], data[high], color=PROVINCE, linewidth=1.2, label=f"Selang {interval} %")
    ax.plot(x, data["nominal_rank"], "o", color=NATIONAL, markersize=2, label="Peringkat nominal")
    ax.set_xlabel("Kab/kota, menurut peringkat nominal")
    ax.set_ylabel("Peringkat (1 = tertinggi)")
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


@_styled
def paired_bars(
    labels: list[str],
    province: list[float],
    national: list[float],
    title: str,
    names: tuple[str, str],
    scale: tuple[float, float],
) -> Figure:
    """Province beside nation for each component (a variable profile, environments), on the
    reported ``scale``."""
    fig, ax = _figure(0.55 * len(labels) + 1.3)
    y = np.arange(len(labels))
    # The y-axis is inverted below, so y − 0.2 draws the region above the nation.
    ax.barh(y - 0.2, province, height=0.38, color=PROVINCE, label=names[0])
    ax.barh(y + 0.2, national, height=0.38, color="#bdbdbd", label=names[1])
    for yi, p, n in zip(y, province, national, strict=True):
        ax.text((p if not math.isnan(p) else 0) + 0.6, yi - 0.2, angka(p, 1), va="center", fontsize=9)
        ax.text(
            (n if not math.isnan(n) else 0) + 0.6,
            yi + 0.2,
            angka(n, 1),
            va="center",
            fontsize=9,
            color=NATIONAL,
        )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(*scale)
    ax.xaxis.set_major_formatter(_COMMA)
    ax.set_xlabel(f"Skor ({rentang(*scale)})")
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


@_styled
def status_before_after(recovery: pd.DataFrame, title: str) -> Figure:
    """Stacked bars: how many intervened kawasan were in each status before and after."""
    order = ["bahaya", "waspada", "siaga", "aman"]
    counts = (
        pd.DataFrame(
            {
                "Sebelum": recovery["status_before"].astype(str).value_counts(),
                "Sesudah": recovery["status_after"].astype(str).value_counts(),
            }
        )
        .reindex(order)
        .fillna(0)
    )
    fig, ax = _figure(2.4)
    left = np.zeros(2)
    for status in order:
        values = counts.loc[status].to_numpy()
        ax.barh(
            [1, 0],
            values,
            left=left,
            color=STATUS_COLORS[status],
            edgecolor="#333333",
            linewidth=0.4,
            label=status.capitalize(),
        )
        for yi, (start, v) in zip([1, 0], zip(left, values, strict=True), strict=True):
            if v:
                ax.text(start + v / 2, yi, angka(v, 0), ha="center", va="center", fontsize=9)
        left += values
    ax.set_yticks([1, 0], ["Sebelum intervensi", "Sesudah intervensi"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Jumlah kawasan diintervensi")
    ax.set_title(title, loc="left", pad=24)
    ax.legend(ncols=4, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class SeriesMarks:
    """What a trend chart shows of a series across method changes.

    ``breaks``: x positions of method breaks (between two years), drawn as dashed vertical lines
    labelled ``break_label``; no line joins the years on either side. ``backcast``: by series
    name, earlier years recomputed under the later method, drawn hollow and joined (dashed) to
    the next published year, labelled "<series>, ``backcast_label``". ``bands``: the band edges
    of each year on the value's scale (year, label, lower_scale, upper_scale), shaded per year.
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


@_styled
def trend(
    series: dict[str, pd.Series],
    title: str,
    ylabel: str,
    ylim: tuple[float, float] | None = None,
    marks: SeriesMarks | None = None,
) -> Figure:
    """Lines over the years (index: year), one per named series, the first one's values
    labelled; with ``marks``, method breaks, back-casts and bands (:class:`SeriesMarks`)."""
    marks = marks or SeriesMarks()
    fig, ax = _figure(3.0 if marks.bands is None else 3.8)
    for i, ((name, values), (color, line, marker)) in enumerate(zip(series.items(), TREND_STYLES, strict=False)):
        values = values.dropna()
        for j, part in enumerate(_periods(values, marks.breaks)):
            ax.plot(
                part.index, part.to_numpy(), color=color, linestyle=line, marker=marker, label=name if j == 0 else None
            )
        cast = marks.backcast.get(name, pd.Series(dtype=float)).dropna()
        _backcast(ax, values, cast, (color, marker), f"{name}, {marks.backcast_label}")
        if i == 0:  # label the first series only: the others sit too close to read; the table has them
            _label_points(ax, values, 8)
            _label_points(ax, cast.set_axis(cast.index + BACKCAST_SHIFT), -14)
    years = sorted({y for s in series.values() for y in s.dropna().index})
    ax.set_xticks(years, [str(y) for y in years])
    if len(years) == 1:
        ax.set_xlim(years[0] - 1, years[0] + 1)
    for x in marks.breaks:
        ax.axvline(x, color="#555555", linestyle="--", linewidth=1)
        trans = ax.get_xaxis_transform()
        ax.text(x, 1.0, marks.break_label, transform=trans, ha="center", va="bottom", fontsize=8, color="#555555")
    ax.set_ylim(*(ylim or _value_range(series, marks)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: angka(x, 2)))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", pad=16 if marks.breaks else 6)
    if marks.bands is None:
        ax.legend(fontsize=9, loc="lower right")
        fig.tight_layout()
    else:
        colors = _shade_bands(ax, marks.bands)
        lo, hi = ax.get_ylim()
        bands = marks.bands
        seen = set(bands.loc[(bands["upper_scale"] > lo) & (bands["lower_scale"] < hi), "label"])
        _trend_legend(fig, ax, {label: c for label, c in colors.items() if label in seen})
    return fig


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


def _label_points(ax: Axes, values: pd.Series, offset: float) -> None:
    for x, v in values.items():
        ax.annotate(angka(v, 2), (x, v), textcoords="offset points", xytext=(0, offset), ha="center", fontsize=9)


def _value_range(series: dict[str, pd.Series], marks: SeriesMarks) -> tuple[float, float]:
    """The values' range with room for their labels (the band shading does not widen it)."""
    values = pd.concat([*series.values(), *marks.backcast.values()]).dropna()
    if values.empty:
        return (0.0, 1.0)
    room = max(0.1, 0.25 * (values.max() - values.min()))
    return (values.min() - room, values.max() + room)


def _shade_bands(ax: Axes, bands: pd.DataFrame) -> dict[str, str]:
    """Each year's bands shaded behind its column; the colour of each label (one for a label
    across methods, ordered low to high by the scheme with the most bands)."""
    by_year = [list(g["label"]) for _, g in bands.groupby("year", sort=True)]
    order = max(by_year, key=len)
    order += [label for labels in by_year for label in labels if label not in order]
    colors = band_colors(list(dict.fromkeys(order)))
    for row in bands.itertuples():
        height = row.upper_scale - row.lower_scale
        patch = Rectangle((row.year - 0.5, row.lower_scale), 1, height, color=colors[row.label], alpha=0.25, lw=0)
        ax.add_patch(patch).set_zorder(0)
    return colors


def _trend_legend(fig: Figure, ax: Axes, colors: dict[str, str]) -> None:
    """The lines and the band colours in one legend at the foot of the figure, in as many
    columns (four at most) as fit its width: a long kab/kota name needs fewer."""
    handles, labels = ax.get_legend_handles_labels()
    handles += [Rectangle((0, 0), 1, 1, color=c, alpha=0.25, lw=0) for c in colors.values()]
    labels += [f"kategori {label}" for label in colors]
    for ncols in range(4, 0, -1):
        legend = fig.legend(handles, labels, loc="lower center", fontsize=8, frameon=False, ncols=ncols)
        if ncols == 1 or legend.get_window_extent().width <= fig.bbox.width:
            break
        legend.remove()
    rows = math.ceil(len(labels) / ncols)
    fig.tight_layout(rect=(0, (0.1 + 0.2 * rows) / fig.get_figheight(), 1, 1))


@_styled
def tile_map(tiles: pd.DataFrame, colors: dict[str, str], title: str, legend: dict[str, str] | None = None) -> Figure:
    """A tile-grid map: one square per region at (col, row), coloured, labelled.

    ``tiles`` has columns col, row, label, color (hex) and optionally note (second line).
    """
    cols, rows = int(tiles["col"].max()) + 1, int(tiles["row"].max()) + 1
    fig, ax = _figure(max(2.5, WIDTH * rows / cols * 0.8))
    for tile in tiles.itertuples():
        ax.add_patch(Rectangle((tile.col, -tile.row), 0.94, -0.94, facecolor=tile.color, edgecolor="white"))
        dark = tile.color in ("#2c7bb6", "#d7191c", "#4d4d4d")
        name = "\n".join(textwrap.wrap(tile.label, 11, break_long_words=False)) or tile.label
        text = name if not getattr(tile, "note", "") else f"{name}\n{tile.note}"
        ax.text(
            tile.col + 0.47,
            -tile.row - 0.47,
            text,
            ha="center",
            va="center",
            wrap=True,
            fontsize=6.5 if cols > 8 else 7.5,
            color="white" if dark else "#111111",
        )
    ax.set_xlim(-0.1, cols)
    ax.set_ylim(-rows - 0.1, 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, loc="left")
    if legend:
        handles = [Rectangle((0, 0), 1, 1, color=c) for c in legend.values()]
        ax.legend(
            handles,
            list(legend),
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=len(legend),
            fontsize=8,
            frameon=False,
        )
    fig.tight_layout()
    return fig


def grid_positions(codes: list[str]) -> pd.DataFrame:
    """Positions for a province's kab/kota in Kemendagri code order on a near-square grid
    (no geography: the registry has no coordinates; a boundary file gives a real map)."""
    cols = max(3, math.ceil(math.sqrt(len(codes) * 1.6)))
    return pd.DataFrame(
        {
            "code": codes,
            "col": [i % cols for i in range(len(codes))],
            "row": [i // cols for i in range(len(codes))],
        }
    )


@_styled
def boundary_map(path: str | Path, colors: dict[str, str], title: str, key: str = "code") -> Figure:
    """A real map from a GeoJSON file of (Multi)Polygons whose ``properties[key]`` is a region code."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    fig, ax = _figure(WIDTH * 0.6)
    for feature in features:
        code = str(feature["properties"].get(key, ""))
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            ax.add_patch(
                Polygon(np.asarray(polygon[0]), facecolor=colors.get(code, NO_DATA), edgecolor="white", lw=0.5)
            )
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig
