"""Maps: a tile grid of regions (built in), or real boundaries from a GeoJSON file."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Polygon, Rectangle

from bnn_lib.reporting.charts.style import WIDTH, chart_axes, styled
from bnn_lib.reporting.fmt import NO_DATA

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
# Fills dark enough for white text.
DARK = ("#2c7bb6", "#d7191c", "#4d4d4d")


@styled
def tile_map(*, data: pd.DataFrame, title: str, legend: dict[str, str] | None = None, ax: Axes | None = None) -> Axes:
    """A tile-grid map: one square per region at (col, row), coloured, labelled.

    ``data`` has columns col, row, label, color (hex) and optionally note (second line);
    ``legend``: colour by name, drawn below the map. Returns the axes drawn on.
    """
    cols, rows = int(data["col"].max()) + 1, int(data["row"].max()) + 1
    own = ax is None
    ax = chart_axes(ax, max(2.5, WIDTH * rows / cols * 0.8))
    for tile in data.itertuples():
        ax.add_patch(Rectangle((tile.col, -tile.row), 0.94, -0.94, facecolor=tile.color, edgecolor="white"))
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
            color="white" if tile.color in DARK else "#111111",
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
    if own:
        ax.figure.tight_layout()
    return ax


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


@styled
def boundary_map(
    *, data: pd.DataFrame, path: str | Path, title: str, key: str = "code", ax: Axes | None = None
) -> Axes:
    """A real map from a GeoJSON file (``path``) of (Multi)Polygons whose ``properties[key]`` is
    a region code, each filled with its colour in ``data`` (columns code, color; a region not in
    it is grey, "tidak diukur"). Returns the axes drawn on."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    colors = dict(zip(data["code"], data["color"], strict=True))
    own = ax is None
    ax = chart_axes(ax, WIDTH * 0.6)
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
    if own:
        ax.figure.tight_layout()
    return ax
