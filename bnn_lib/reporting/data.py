"""What a report reads: the saved results of its year and of the years before it.

Reports never recompute an index: they read the tables that ``bnn compute`` saved. The load is
cached per process, so the batch loads once in the parent and every forked report inherits it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from bnn_lib.publish import MIN_CELL
from bnn_lib.regions import Region, regions
from bnn_lib.results import Results, load_results
from bnn_lib.spec import SURVEY_INDICES, IndexSpec
from bnn_lib.workspace import workspace


@dataclass(frozen=True)
class ReportData:
    """Results of ``year`` and of every earlier year found, for one report."""

    year: int
    results: Results
    history: dict[int, Results]
    meta: dict
    folder: Path | None = None  # the year's folder of the results base (the batch writes its reports there)

    def table(self, name: str, year: int | None = None) -> pd.DataFrame | None:
        """A result table of ``year`` (default the report year), or None if it was not computed."""
        results = self.history.get(year or self.year)
        return None if results is None else results.tables.get(name)

    @property
    def previous(self) -> int | None:
        """The latest year before the report year that has results."""
        earlier = [y for y in self.history if y < self.year]
        return max(earlier) if earlier else None

    def region_row(self, name: str, code: str, year: int | None = None) -> pd.Series | None:
        """The row of region ``code`` ("00" = national) in a ``*_regions`` table."""
        table = self.table(name, year)
        if table is None:
            return None
        rows = table[(table["region_code"] == code) & (table["level"] != "kabkota")]
        return rows.iloc[0] if len(rows) else None

    def index_row(self, index: str, code: str, year: int | None = None) -> pd.Series | None:
        """The row of an index (``"ikotan"``) for region ``code``: a kab/kota's from
        ``<index>_kabkota``, a province's or the nation's from ``<index>_regions``."""
        if "." not in code:
            return self.region_row(f"{index}_regions", code, year)
        table = self.table(f"{index}_kabkota", year)
        rows = table[table["kabkota_code"] == code] if table is not None else ()
        return rows.iloc[0] if len(rows) else None

    def method_breaks(self, index: str) -> pd.DataFrame:
        """The method breaks of ``index`` in the series up to the report year, oldest first.

        A break is recorded only in the results of the year right after it (``method_breaks``),
        so a report years later finds it in the history.
        """
        found = [self.table("method_breaks", y) for y in sorted(self.history)]
        rows = [t[t["index"] == index] for t in found if t is not None]
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    def spec(self, index: str) -> IndexSpec | None:
        """The spec ``index`` ("ikotan") was computed with, as the results record it."""
        return self.results.specs.get(index)

    def min_cell(self, index: str) -> int:
        """The fewest respondents behind a value of ``index`` that a report shows: the spec's
        ``[reporting] min_cell``, else the suite's :data:`~bnn_lib.publish.MIN_CELL`."""
        spec = self.spec(index)
        return spec.min_cell if spec is not None else MIN_CELL

    def measured_kabkota(self) -> list[str]:
        """The kab/kota with a value of IKOTAN or IKP in the report year, in code order: the kab/kota
        that get a report."""
        tables = [self.table(f"{index}_kabkota") for index in SURVEY_INDICES]
        return sorted({code for table in tables if table is not None for code in table["kabkota_code"]})

    def kabkota(self, name: str, province: str | None, year: int | None = None) -> pd.DataFrame:
        """Rows of a kab/kota table for one province (all when ``province`` is None)."""
        table = self.table(name, year)
        if table is None:
            return pd.DataFrame()
        if province is None:
            return table
        return table[table["province_code"] == province].reset_index(drop=True)


@cache
def load(year: int, results_dir: str | None = None) -> ReportData:
    """The results of ``year`` and earlier years under ``results_dir`` (default ``reports/``)."""
    base = Path(results_dir) if results_dir else workspace().reports
    history = {}
    for folder in sorted(base.glob("*/results")):
        if folder.parent.name.isdigit() and int(folder.parent.name) <= year:
            history[int(folder.parent.name)] = load_results(int(folder.parent.name), folder)
    if year not in history:
        raise FileNotFoundError(
            f"{base / str(year) / 'results'}: belum ada hasil; jalankan `bnn compute --year {year}`"
        )
    meta = json.loads((base / str(year) / "results" / "specs.json").read_text(encoding="utf-8"))
    return ReportData(year, history[year], history, meta, base / str(year))


def province(code: str | int) -> Region:
    """The province, by code or name."""
    return regions().province(code)


def kabkota(code: str) -> Region:
    """The kab/kota, by code ("11.06") or name ("Kab. Aceh Besar")."""
    return regions().kabkota(code)


def suppress_small(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` blanked on the rows the results flag ``small_cell``: fewer
    respondents than the index's minimum cell (:func:`bnn_lib.publish.flag_small_cells`)."""
    out = frame.copy()
    out.loc[out["small_cell"].astype(bool), columns] = float("nan")
    return out
