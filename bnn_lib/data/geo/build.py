"""Build the map data shipped in ``bnn_lib/data/geo/`` from the two public sources named in its README.

Run once, offline, when a source changes (the reports never run it)::

    python bnn_lib/data/geo/build.py PROVINCES.geojson PETA-HD-DATA.json

``PROVINCES.geojson``: the 38 provinces (``indonesia-38-provinces.geojson``, properties
``PROVINSI``); ``PETA-HD-DATA.json``: the kab/kota grid of ``peta-pixel-nusantara``
(``data/peta-hd-data.json``). Writes:

- ``provinces.geojson``: one feature per province, ``properties.code`` the Kemendagri code of
  ``bnn_lib/data/regions/provinces.csv``, ``name``, and ``label_lon``/``label_lat``, a point inside the
  province's largest polygon where a map writes its name; coordinates rounded to 0.001°
  (about 100 m, below what a report's map can show), repeated points dropped.
- ``kabkota.csv``: ``code, lon, lat``, a point inside each kab/kota of ``bnn_lib/data/regions/kabkota.csv``:
  the grid cell farthest from its edge (not the centroid: Kab. Bogor's centroid lies in Kota
  Bogor, which it surrounds), at the grid's resolution (about 3 km).

Needs numpy, scipy and matplotlib. Stops naming what it cannot match, so that a new source
release with other names is noticed rather than half-used.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
from matplotlib.path import Path as Outline
from scipy.ndimage import distance_transform_edt

HERE = Path(__file__).resolve().parent
REGIONS = HERE.parent / "regions"
DIGITS = 3


def normalise(name: str) -> str:
    """Lower case, letters and digits only: "Bau-Bau" and "Baubau" meet as "baubau"."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Source names that differ from the registry's (after :func:`normalise`), source → registry:
# a spelling, or a kabupaten renamed since the source's boundaries were drawn (Toba Samosir became
# Toba in 2020, Mamuju Utara Pasangkayu in 2017, Maluku Tenggara Barat Kepulauan Tanimbar in 2019).
SPELLINGS = {
    "dkijakarta": "daerahkhususibukotajakarta",
    "tobasamosir": "toba",
    "mahakamhulu": "mahakamulu",
    "siautagulandangbiaro": "kepulauansiautagulandangbiaro",
    "mamujuutara": "pasangkayu",
    "malukutenggarabarat": "kepulauantanimbar",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ring_points(ring: list[list[float]]) -> list[list[float]]:
    """A ring rounded to :data:`DIGITS` decimals without repeated points; closed."""
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """The polygons of a (Multi)Polygon geometry, rounded, without rings that collapsed."""
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    kept = []
    for polygon in parts:
        rings = [ring_points(r) for r in polygon]
        if len(rings[0]) >= 4:
            kept.append([r for r in rings if len(r) >= 4])
    return kept


def area(ring: np.ndarray) -> float:
    """The (unsigned) shoelace area of a closed ring, in square degrees."""
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2


def inside_point(ring: np.ndarray) -> tuple[float, float]:
    """A point inside a ring: on the horizontal line through its vertices' mean latitude, the
    middle of the widest stretch inside (the mean itself may lie outside a curved island)."""
    lat = float(ring[:-1, 1].mean())
    x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    crossing = (y0 > lat) != (y1 > lat)
    xs = np.sort(x0[crossing] + (lat - y0[crossing]) * (x1[crossing] - x0[crossing]) / (y1[crossing] - y0[crossing]))
    widest = int(np.argmax(xs[1::2] - xs[0::2]))
    return round(float(xs[2 * widest] + xs[2 * widest + 1]) / 2, DIGITS), round(lat, DIGITS)


def provinces(source: Path) -> dict:
    """The province features of ``source`` keyed by registry code, with label points."""
    codes = {normalise(r["name"]): r["code"] for r in read_csv(REGIONS / "provinces.csv")}
    features, unknown = [], []
    for feature in json.loads(source.read_text(encoding="utf-8"))["features"]:
        name = feature["properties"]["PROVINSI"]
        code = codes.get(SPELLINGS.get(normalise(name), normalise(name)))
        if code is None:
            unknown.append(name)
            continue
        parts = polygons(feature["geometry"])
        largest = max((np.asarray(p[0]) for p in parts), key=area)
        lon, lat = inside_point(largest)
        assert Outline(largest).contains_point((lon, lat)), name
        properties = {"code": code, "name": name, "label_lon": lon, "label_lat": lat}
        geometry = {"type": "MultiPolygon", "coordinates": parts}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    missing = set(codes.values()) - {f["properties"]["code"] for f in features}
    if unknown or missing:
        sys.exit(f"provinces not matched: {unknown}; registry codes without a polygon: {sorted(missing)}")
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def inflate(runs: list[int], size: int) -> np.ndarray:
    """A run-length encoded grid (value, count, value, count, …) as a flat array."""
    values, counts = np.asarray(runs[0::2]), np.asarray(runs[1::2])
    grid = np.repeat(values, counts)
    assert grid.size == size
    return grid


def kabkota_points(source: Path) -> list[dict[str, str]]:
    """A point inside each registry kab/kota, from the grid's cells of the unit of the same
    type and name (the province telling apart the few names that repeat)."""
    grid_data = json.loads(source.read_text(encoding="utf-8"))
    width, height = grid_data["W"], grid_data["H"]
    grid = inflate(grid_data["kabRle"], width * height).reshape(height, width)
    province_names = {normalise(r["name"]): r["code"] for r in read_csv(REGIONS / "provinces.csv")}
    province_of = [province_names[SPELLINGS.get(normalise(p["n"]), normalise(p["n"]))] for p in grid_data["prov"]]
    units: dict[tuple[str, str], list[int]] = {}
    for index, unit in enumerate(grid_data["kab"]):
        kind = "kota" if unit["t"] == "Kota" else "kabupaten"
        name = normalise(unit["n"])
        units.setdefault((kind, SPELLINGS.get(name, name)), []).append(index)
    points, unmatched = [], []
    for row in read_csv(REGIONS / "kabkota.csv"):
        short = re.sub(r"^(Kabupaten|Kota)( Administrasi)?\s+", "", row["name"])
        found = units.get((row["type"], normalise(short)), [])
        if len(found) > 1:
            found = [i for i in found if province_of[grid_data["kab"][i]["p"]] == row["province_code"]]
        if len(found) != 1:
            unmatched.append(row["name"])
            continue
        lon, lat = _deepest_cell(grid, found[0], grid_data)
        points.append({"code": row["code"], "lon": f"{lon:.2f}", "lat": f"{lat:.2f}"})
    if unmatched:
        sys.exit(f"kab/kota not matched ({len(unmatched)}): {unmatched}")
    return points


def _deepest_cell(grid: np.ndarray, index: int, grid_data: dict) -> tuple[float, float]:
    """The lon/lat of the unit's cell farthest from its edge (ties: the first in row order)."""
    unit = grid_data["kab"][index]
    window = grid[unit["y0"] : unit["y1"] + 1, unit["x0"] : unit["x1"] + 1] == index
    depth = distance_transform_edt(np.pad(window, 1))[1:-1, 1:-1]
    row, col = np.unravel_index(int(np.argmax(depth)), depth.shape)
    x, y = unit["x0"] + col, unit["y0"] + row
    lon = grid_data["lonMin"] + x / (grid_data["W"] - 1) * (grid_data["lonMax"] - grid_data["lonMin"])
    lat = grid_data["latMax"] - y / (grid_data["H"] - 1) * (grid_data["latMax"] - grid_data["latMin"])
    return lon, lat


def main(province_source: str, grid_source: str) -> None:
    """Write ``provinces.geojson`` and ``kabkota.csv`` beside this script."""
    collection = provinces(Path(province_source))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    (HERE / "provinces.geojson").write_text(text + "\n", encoding="utf-8")
    points = kabkota_points(Path(grid_source))
    with (HERE / "kabkota.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "lon", "lat"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(points)
    print(f"{len(collection['features'])} provinces, {len(points)} kab/kota")


if __name__ == "__main__":
    main(*sys.argv[1:3])
