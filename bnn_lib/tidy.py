"""What every result table carries: region names beside the codes, and the spec it was computed
with (id and version)."""

from __future__ import annotations

import pandas as pd

from bnn_lib.regions import NATIONAL, regions, with_province
from bnn_lib.spec import IndexSpec


def tidy(frame: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """Add region names and the spec id and version to a result table."""
    return with_region_names(frame).assign(spec_id=spec.id, spec_version=spec.version)


def with_region_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``province_code`` and ``kabkota`` beside a kab/kota code, or ``region`` beside a region code."""
    labels = regions().labels
    out = frame.copy()
    if "kabkota_code" in out:
        out = with_province(out)
        out.insert(out.columns.get_loc("kabkota_code") + 1, "kabkota", out["kabkota_code"].map(labels))
    else:
        key = next((c for c in ("region_code", "code") if c in out), None)
        if key is not None:
            names = out[key].map(labels).where(out[key] != NATIONAL, "Nasional")
            out.insert(out.columns.get_loc(key) + 1, "region", names)
    return out
