"""The shipped map data (``data/geo/``) and the maps drawn from it: every province of the registry,
each holding its capital (coordinates from public gazetteers, not from the data), every
kab/kota a point, and names on a drawn map that cover neither each other nor a dot."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.path import Path as Outline
from matplotlib.text import Annotation

from bnn_lib.regions import regions
from bnn_lib.reporting import charts, geo

# Each province's capital (lon, lat), as gazetteers give it, for Papua's new provinces too.
CAPITALS = {
    "11": (95.32, 5.55),  # Banda Aceh
    "12": (98.67, 3.59),  # Medan
    "13": (100.36, -0.95),  # Padang
    "14": (101.45, 0.51),  # Pekanbaru
    "15": (103.61, -1.61),  # Jambi
    "16": (104.76, -2.98),  # Palembang
    "17": (102.27, -3.80),  # Bengkulu
    "18": (105.26, -5.43),  # Bandar Lampung
    "19": (106.11, -2.13),  # Pangkalpinang
    "21": (104.03, 1.13),  # Batam (the capital, Tanjung Pinang, is on Bintan)
    "31": (106.83, -6.18),  # Jakarta (Monas)
    "32": (107.61, -6.91),  # Bandung
    "33": (110.42, -7.00),  # Semarang
    "34": (110.37, -7.80),  # Yogyakarta
    "35": (112.75, -7.26),  # Surabaya
    "36": (106.15, -6.12),  # Serang
    "51": (115.22, -8.65),  # Denpasar
    "52": (116.12, -8.58),  # Mataram
    "53": (123.60, -10.17),  # Kupang
    "61": (109.34, -0.03),  # Pontianak
    "62": (113.92, -2.21),  # Palangka Raya
    "63": (114.83, -3.44),  # Banjarbaru
    "64": (117.15, -0.50),  # Samarinda
    "65": (117.37, 2.84),  # Tanjung Selor
    "71": (124.84, 1.47),  # Manado
    "72": (119.87, -0.90),  # Palu
    "73": (119.43, -5.14),  # Makassar
    "74": (122.51, -3.97),  # Kendari
    "75": (123.06, 0.54),  # Gorontalo
    "76": (118.89, -2.68),  # Mamuju
    "81": (128.18, -3.70),  # Ambon
    "82": (127.56, 0.74),  # Sofifi
    "91": (140.67, -2.53),  # Jayapura
    "92": (134.06, -0.86),  # Manokwari
    "93": (140.40, -8.49),  # Merauke
    "94": (135.50, -3.37),  # Nabire
    "95": (138.95, -4.10),  # Wamena
    "96": (131.25, -0.88),  # Sorong
}


def province_of_point(lon: float, lat: float) -> list[str]:
    """The codes of the shipped provinces whose polygons hold the point."""
    return [
        f["properties"]["code"]
        for f in geo.features()
        if any(Outline(np.asarray(p[0])).contains_point((lon, lat)) for p in f["geometry"]["coordinates"])
    ]


def test_the_shipped_provinces_are_the_registry_s_38():
    codes = [f["properties"]["code"] for f in geo.features()]
    assert sorted(codes) == sorted(regions().province_table["code"]) and len(codes) == 38


# Capitals on a coast that the source's generalised outline cuts off (Ambon lies on a small
# island left out): for these the nearest province must be theirs, within about 25 km.
COASTAL = {"73", "81", "82"}


def edge_distance(feature: dict, point: tuple[float, float]) -> float:
    """The distance in degrees from ``point`` to the nearest edge of the feature's polygons."""
    p = np.asarray(point)
    nearest = math.inf
    for polygon in feature["geometry"]["coordinates"]:
        ring = np.asarray(polygon[0])
        a, b = ring[:-1], ring[1:]
        t = np.clip(((p - a) * (b - a)).sum(axis=1) / np.maximum(((b - a) ** 2).sum(axis=1), 1e-12), 0, 1)
        nearest = min(nearest, float(np.hypot(*(a + t[:, None] * (b - a) - p).T).min()))
    return nearest


@pytest.mark.parametrize("code", sorted(CAPITALS))
def test_each_province_holds_its_capital_and_no_other_does(code):
    if code not in COASTAL:
        assert province_of_point(*CAPITALS[code]) == [code]
        return
    distances = {f["properties"]["code"]: edge_distance(f, CAPITALS[code]) for f in geo.features()}
    assert min(distances, key=distances.get) == code and distances[code] < 0.25


def test_each_label_point_lies_in_its_province():
    for feature in geo.features():
        props = feature["properties"]
        assert province_of_point(props["label_lon"], props["label_lat"]) == [props["code"]], props["name"]


def test_every_kabkota_has_a_point_and_kab_and_kota_bogor_lie_apart():
    points = geo.kabkota_points()
    assert sorted(points.index) == sorted(regions().kabkota_table["code"])
    # Kota Bogor (106.80, -6.60 by gazetteer) lies within a grid cell or two of its point; Kab.
    # Bogor, which surrounds it, is drawn elsewhere, not on top of it.
    assert math.dist(points.loc["32.71", ["lon", "lat"]], (106.80, -6.60)) < 0.1
    assert math.dist(points.loc["32.01", ["lon", "lat"]], points.loc["32.71", ["lon", "lat"]]) > 0.1
    # Merauke (93.01) lies in Papua Selatan, Jayapura's kota (91.71) in Papua.
    assert province_of_point(*points.loc["93.01", ["lon", "lat"]]) == ["93"]
    assert province_of_point(*points.loc["91.71", ["lon", "lat"]]) == ["91"]


def boxes(ax) -> list:
    """The window extents of the names :mod:`charts.labels` wrote on ``ax``."""
    return [t.get_window_extent() for t in ax.texts if isinstance(t, Annotation)]


def test_province_names_on_the_national_map_cover_no_other():
    codes = list(regions().province_table["code"])
    table = pd.DataFrame(
        {"code": codes, "color": ["#1a9641"] * 38, "label": [regions().province(c).name for c in codes]}
    )
    ax = charts.boundary_map(data=table, title="Peta", legend={"Tinggi": "#1a9641"})
    ax.figure.canvas.draw_idle()
    placed = boxes(ax)
    assert len(placed) >= 25  # most names fit; those that do not are left out, not piled up
    assert not [(a, b) for a, b in itertools.combinations(placed, 2) if a.overlaps(b)]


def jawa_barat(ax=None):
    """The kab/kota map of Jawa Barat with the registry's labels."""
    codes = list(regions().kabkota_of("32")["code"])
    points = geo.kabkota_points().loc[codes, ["lon", "lat"]]
    table = points.assign(label=[regions().label(c) for c in codes], color="#fdae61")
    outline = [f for f in geo.features() if f["properties"]["code"] == "32"]
    return charts.point_map(data=table, outline=outline, title="Peta Jawa Barat", legend={"Sedang": "#fdae61"}, ax=ax)


def test_kabkota_names_cover_neither_each_other_nor_a_dot():
    ax = jawa_barat()
    placed = boxes(ax)
    dots = ax.collections[0].get_offsets()
    centres = ax.transData.transform(dots)
    radius = charts.maps.MARKER / 2 * ax.figure.dpi / 72
    assert not [(a, b) for a, b in itertools.combinations(placed, 2) if a.overlaps(b)]
    for box in placed:
        nearest = np.clip(centres, [box.x0, box.y0], [box.x1, box.y1])
        assert np.hypot(*(nearest - centres).T).min() >= radius


def test_kab_and_kota_of_the_same_name_are_told_apart():
    ax = jawa_barat()
    written = {t.get_text() for t in ax.texts} | {ax.get_xlabel()}
    text = " ".join(written)
    for name in ("Bogor", "Bekasi", "Tasikmalaya", "Sukabumi", "Cirebon", "Bandung"):
        assert f"Kab. {name}" in text and f"Kota {name}" in text
    assert "Bogor" not in {t.get_text() for t in ax.texts}  # never a bare, ambiguous name
