"""The map data shipped in ``bnn_lib/data/geo/`` (see its README): the 38 provinces' boundaries and a
point inside each kab/kota. Read only; built once, offline, by ``bnn_lib/data/geo/build.py``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from bnn_lib.paths import SHIPPED

GEO_DIR = SHIPPED / "geo"
PROVINCES = GEO_DIR / "provinces.geojson"


def features(path: str | Path | None = None) -> list[dict]:
    """The GeoJSON features of ``path``, or of the shipped provinces (read once) without one."""
    return _provinces() if path is None else _read(path)


@cache
def _provinces() -> list[dict]:
    return _read(PROVINCES)


def _read(path: str | Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["features"]


@cache
def kabkota_points() -> pd.DataFrame:
    """A point inside each kab/kota: columns code, lon, lat (degrees), indexed by code."""
    return pd.read_csv(GEO_DIR / "kabkota.csv", dtype={"code": str}).set_index("code", drop=False)
