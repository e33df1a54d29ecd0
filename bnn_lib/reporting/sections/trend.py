"""The indices across the years that have results."""

from __future__ import annotations

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import charts
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, persen
from bnn_lib.reporting.sections import method
from bnn_lib.reporting.sections.components import NATIONAL, Section, code_of, html_table, value_of


def trend(data: ReportData, province: str | None) -> Section:
    """The indices across the available years, region against nation."""
    years = sorted(data.history)
    code = code_of(province)

    def series(table: str, column: str, region: str) -> pd.Series:
        return pd.Series({y: value_of(data.region_row(table, region, y), column) for y in years})

    lines = {}
    where = "Nasional" if province is None else regions().province(province).name
    lines[f"IKOTAN {where}"] = series("ikotan_regions", "value", code)
    if province is not None:
        lines["IKOTAN nasional"] = series("ikotan_regions", "value", NATIONAL)
    lines[f"IKP {where}"] = series("ikp_regions", "value", code)
    if province is not None:
        lines["IKP nasional"] = series("ikp_regions", "value", NATIONAL)
    scale = f"Skala {method.score_scale(data, 'ikotan')}"
    chart = charts.trend(lines, f"Tren IKOTAN dan IKP, {', '.join(map(str, years))}", scale)
    rows = []
    for y in years:
        ikot = data.region_row("ikotan_regions", code, y)
        krn = data.region_row("ikkrn_regions", code, y)
        rows.append(
            {
                "year": str(y),
                "ikotan": angka(value_of(ikot, "value"), 3),
                "success": angka(value_of(ikot, "n_success"), 0),
                "ikp": angka(value_of(data.region_row("ikp_regions", code, y), "value"), 3),
                "rate": persen(value_of(krn, "recovery_rate")),
                "rawan": angka(value_of(krn, "n_rawan"), 0),
            }
        )
    columns = [
        ("year", "Tahun"),
        ("ikotan", "IKOTAN"),
        ("success", f"Kab/kota {method.success_band(data)} ke atas"),
        ("ikp", "IKP"),
        ("rate", "Keterpulihan kawasan"),
        ("rawan", "Kawasan rawan"),
    ]
    return Section.of(chart, html_table(rows, columns, {"ikotan", "success", "ikp", "rate", "rawan"}))
