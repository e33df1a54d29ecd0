"""Maps: regions filled by colour from boundaries (the provinces shipped in ``bnn_lib/data/geo/``, or a
GeoJSON file of the user's), and kab/kota as points inside their province's outline. Names are
written where they cover no other name (and, on the point map, no point); the title sits above
the map and the colour key below it, never on it."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Polygon, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox

from bnn_lib.reporting import geo
from bnn_lib.reporting.charts.labels import AROUND, CENTRED, Label, place
from bnn_lib.reporting.charts.style import WIDTH, chart_axes, styled
from bnn_lib.reporting.fmt import NO_DATA

# A white rim around each name keeps it legible on any fill.
RIM = [withStroke(linewidth=2.2, foreground="white")]
MARKER = 7.0  # points across a kab/kota's dot


@styled
def boundary_map(
    *,
    data: pd.DataFrame,
    title: str,
    path: str | Path | None = None,
    key: str = "code",
    legend: dict[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Regions filled with their colour: ``data`` has columns code and color, and optionally
    label (the name written at the feature's ``label_lon``/``label_lat``, where it fits). The
    boundaries are the shipped provinces, or ``path``, a GeoJSON file of (Multi)Polygons whose
    ``properties[key]`` is a region code; a region not in ``data`` is grey. ``legend``: colour
    by name, drawn below the map. Returns the axes drawn on."""
    features = geo.features(path)
    colors = dict(zip(data["code"], data["color"], strict=True))
    names = dict(zip(data["code"], data["label"], strict=True)) if "label" in data else {}
    rings = [np.asarray(r[0]) for f in features for r in _polygons(f)]
    own = ax is None
    ax = chart_axes(ax, _height(rings))
    for feature in features:
        code = str(feature["properties"].get(key, ""))
        for polygon in _polygons(feature):
            patch = Polygon(np.asarray(polygon[0]), facecolor=colors.get(code, NO_DATA), edgecolor="white", lw=0.5)
            ax.add_patch(patch)
    _frame(ax, rings, title, legend, own)
    labels = [
        Label(f["properties"]["label_lon"], f["properties"]["label_lat"], _wrapped(names[code]))
        for f in features
        if (code := str(f["properties"].get(key, ""))) in names and "label_lon" in f["properties"]
    ]
    _names(ax, labels, CENTRED, [])
    return ax


@styled
def point_map(
    *,
    data: pd.DataFrame,
    outline: list[dict],
    title: str,
    legend: dict[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Kab/kota as dots inside their province: ``data`` has columns lon, lat, label (the name
    written beside its dot where it covers no other name or dot) and color; ``outline``: the
    province's GeoJSON features, drawn grey beneath. A name that finds no room is replaced by a
    number, listed with its name under the map. Returns the axes drawn on."""
    rings = [np.asarray(r[0]) for f in outline for r in _polygons(f)]
    own = ax is None
    ax = chart_axes(ax, _height(rings))
    for ring in rings:
        ax.add_patch(Polygon(ring, facecolor="#f2f2f2", edgecolor="#9e9e9e", lw=0.6))
    ax.scatter(data["lon"], data["lat"], s=MARKER**2, c=list(data["color"]), edgecolors="#333333", lw=0.6, zorder=3)
    points = np.column_stack([data["lon"], data["lat"]])
    _frame(ax, [*rings, points], title, legend, own)
    labels = [Label(x, y, text) for x, y, text in zip(data["lon"], data["lat"], data["label"], strict=True)]
    _names(ax, labels, AROUND, _dot_boxes(ax, points))
    return ax


def _names(ax: Axes, labels: list[Label], places: list, obstacles: list[Bbox]) -> None:
    """Each name where it covers no other name and no obstacle (:func:`_write` at ``places``);
    a name that finds no room is replaced by a number, listed with its name under the map."""
    left_out = _write(ax, labels, places, obstacles)
    numbers = [Label(a.x, a.y, str(i)) for i, a in enumerate(left_out, start=1)]
    written = [t.get_window_extent() for t in ax.texts]  # the names placed: no number over them
    missing = {n.text for n in _write(ax, numbers, AROUND, [*obstacles, *written])}
    key = [
        f"{n.text} = {' '.join(a.text.split())}"
        for n, a in zip(numbers, left_out, strict=True)
        if n.text not in missing
    ]
    if key:
        ax.set_xlabel("  ·  ".join(key), fontsize=7, loc="left", wrap=True)


def _polygons(feature: dict) -> list:
    """The polygons (outer ring first) of a feature's Polygon or MultiPolygon."""
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _height(rings: list[np.ndarray]) -> float:
    """The height of a figure that shows ``rings`` at the report's width, with room for the
    title and the key: the map's own proportions, within 3–5.5 inches."""
    lon, lat = _extent(rings)
    ratio = (lat[1] - lat[0]) / ((lon[1] - lon[0]) * _shrink(lat))
    return min(5.5, max(3.0, WIDTH * ratio)) + 1.0


def _extent(rings: list[np.ndarray]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(west, east), (south, north) of ``rings``."""
    stacked = np.concatenate(rings)
    return (stacked[:, 0].min(), stacked[:, 0].max()), (stacked[:, 1].min(), stacked[:, 1].max())


def _shrink(lat: tuple[float, float]) -> float:
    """How much shorter a degree of longitude is than one of latitude at the map's middle
    (a plate carrée stretched by it keeps shapes true near the equator and at Aceh alike)."""
    return math.cos(math.radians((lat[0] + lat[1]) / 2))


def _frame(ax: Axes, rings: list[np.ndarray], title: str, legend: dict[str, str] | None, own: bool) -> None:
    """Limits and proportions of the map, its title above and its colour key below, outside
    the map; on a figure the chart made, laid out so that neither is cut."""
    lon, lat = _extent(rings)
    pad = 0.03 * max(lon[1] - lon[0], lat[1] - lat[0])
    ax.set_xlim(lon[0] - pad, lon[1] + pad)
    ax.set_ylim(lat[0] - pad, lat[1] + pad)
    ax.set_aspect(1 / _shrink(lat))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, color=c, ec="#333333", lw=0.4) for c in (legend or {}).values()]
    if not own:
        ax.set_title(title, loc="left")
        if legend:
            ax.legend(handles, list(legend), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=len(legend))
        return
    fig = ax.figure
    height = fig.get_figheight()
    fig.text(0.01, 1 - 0.08 / height, title, ha="left", va="top", fontsize=11, fontweight="bold")
    if legend:
        fig.legend(handles, list(legend), loc="lower center", ncols=len(legend), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.4 / height, 1, 1 - 0.4 / height))


def _wrapped(name: str) -> str:
    """A long name on two lines ("Kepulauan Bangka / Belitung")."""
    return "\n".join(textwrap.wrap(name, 16, break_long_words=False)) or name


def _dot_boxes(ax: Axes, points: np.ndarray) -> list[Bbox]:
    """Each dot's box on the page, so that no name is written over a dot."""
    ax.apply_aspect()
    radius = MARKER / 2 * ax.figure.dpi / 72 + 1
    centres = [ax.transData.transform_point(p) for p in points]
    return [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in centres]


def _write(ax: Axes, labels: list[Label], spots: list, dots: list[Bbox]) -> list[Label]:
    """The labels placed by :func:`~.labels.place` once the map's proportions are final, each
    with a white rim; returns those that found no room."""
    ax.apply_aspect()
    before = set(ax.texts)
    left_out = place(ax, labels, spots=spots, keep_clear=dots)
    for text in ax.texts:
        if text not in before:
            text.set_path_effects(RIM)
    return left_out
