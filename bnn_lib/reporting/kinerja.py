"""The performance tables of the workbook, shaped as a Laporan Kinerja (LKj) shapes them: the
nation's table (sheet ``Kinerja``) and the provinces' (sheet ``Kinerja Provinsi``), each as rows
from the ``kpi`` result table (:mod:`.workbook` writes them).

An LKj table groups its indicators under the sasaran they serve: a heading row per sasaran, then
its indicators, each with satuan, target, realisasi of the year and of the year before, capaian,
and the end-of-period (Renstra) target with the capaian against it where the targets give one.
The provinces' table puts a heading row before each province. Every row carries its region's
code and name, so that a filter on either keeps a province's whole table; ``row`` says what a
row is (:data:`REGION`, :data:`SASARAN_ROW` or :data:`INDICATOR`).
"""

from __future__ import annotations

import pandas as pd

from bnn_lib import measures
from bnn_lib.measures import Measure
from bnn_lib.regions import NATIONAL
from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.sheets import DECIMALS, PER_ROW, Col, level_of, region_name
from bnn_lib.reporting.words import place_name

# The Deputi's strategic target that the outcome indicators serve, in the words of the LKj Deputi
# Dayamas 2021 (docs/methodology.md §1); the outputs are the programme's own products.
SASARAN = {
    "outcome": "Meningkatnya ketanggapsiagaan masyarakat",
    "output": "Keluaran program pemberdayaan masyarakat",
}
# The heading row of each kind of measure, as an LKj table heads its groups.
HEADINGS = {"outcome": f"Sasaran strategis: {SASARAN['outcome']}", "output": SASARAN["output"]}
# What a row of the table is.
REGION, SASARAN_ROW, INDICATOR = "wilayah", "sasaran", "indikator"
# The region of every row, on the provinces' sheet: what a filter picks a province by.
REGION_COLUMNS = [Col("region_code", "Kode", width=6), Col("region", "Provinsi", width=16)]
# The columns of a table's frame, whatever rows it has.
FRAME = [
    "row", "region_code", "region", "no", "indicator", "unit", "target", "realisasi_before", "realisasi",
    "capaian_pct", "target_renstra", "capaian_renstra_pct", "number_format",
]  # fmt: skip


def columns(data: ReportData, frame: pd.DataFrame, provinces: bool = False) -> list[Col]:
    """The columns of a Kinerja sheet: the year before's realisasi where its results exist, the
    Renstra target and the capaian against it where a row of ``frame`` has one."""
    year = data.year
    shown = [
        Col("no", "No.", DECIMALS[0], width=5),
        Col("indicator", "Indikator kinerja", width=46),
        Col("unit", "Satuan", width=18),
        Col("target", f"Target {year}", PER_ROW),
        *([Col("realisasi_before", f"Realisasi {data.previous}", PER_ROW)] if data.previous is not None else []),
        Col("realisasi", f"Realisasi {year}", PER_ROW),
        Col("capaian_pct", "Capaian (%)", DECIMALS[2]),
    ]
    if "target_renstra" in frame and frame["target_renstra"].notna().any():
        shown += [
            Col("target_renstra", "Target akhir Renstra", PER_ROW),
            Col("capaian_renstra_pct", "Capaian terhadap target akhir Renstra (%)", DECIMALS[2]),
        ]
    return [*REGION_COLUMNS, *shown] if provinces else shown


def national_frame(data: ReportData) -> pd.DataFrame:
    """The nation's table: each sasaran's heading, then its indicators."""
    return pd.DataFrame(_region_rows(data, NATIONAL), columns=FRAME)


def province_frame(data: ReportData) -> pd.DataFrame:
    """Each province by code: its heading, then its table as :func:`national_frame`'s."""
    kpi = data.table("kpi")
    codes = [] if kpi is None else sorted(c for c in set(kpi["region_code"]) if level_of(c) == "provinsi")
    rows = []
    for code in codes:
        rows.append(_heading(code, REGION, place_name(code)))
        rows += _region_rows(data, code)
    return pd.DataFrame(rows, columns=FRAME)


def _region_rows(data: ReportData, code: str) -> list[dict]:
    """The rows of one region's table: per kind of measure its heading, then its indicators
    numbered from 1, in the order the reports show them."""
    kpi = data.table("kpi")
    if kpi is None:
        return []
    earlier = data.table("kpi", data.previous) if data.previous is not None else None
    before = {} if earlier is None else earlier.set_index(["region_code", "measure"])["realisasi"].to_dict()
    by_measure = kpi[kpi["region_code"] == code].set_index("measure")
    rows = []
    for kind in SASARAN:
        listed = measures.listed(by_measure, kinds=(kind,))
        if listed:
            rows.append(_heading(code, SASARAN_ROW, HEADINGS[kind]))
        rows += [
            {
                "row": INDICATOR,
                "region_code": code,
                "region": region_name(code),
                "no": number,
                "indicator": indicator(data, m),
                "unit": words.measure_unit(data, m),
                "target": item["target"],
                "realisasi_before": before.get((code, m.id)),
                "realisasi": item["realisasi"],
                "capaian_pct": item["capaian_pct"],
                "target_renstra": item.get("target_renstra"),
                "capaian_renstra_pct": item.get("capaian_renstra_pct"),
                "number_format": DECIMALS[m.decimals],
            }
            for number, (m, item) in enumerate(listed, start=1)
        ]
    return rows


def _heading(code: str, row: str, text: str) -> dict:
    """A heading row (a province or a sasaran), its text where the indicator's name goes."""
    return {"row": row, "region_code": code, "region": region_name(code), "indicator": text}


def indicator(data: ReportData, m: Measure) -> str:
    """The indicator as a Laporan Kinerja names it: an index by its spec's title and abbreviation
    ("Indeks Kabupaten/Kota Tanggap Ancaman Narkoba (IKOTAN)"); another measure by its label,
    with the index it comes from where it comes from one."""
    spec = data.spec(m.index) if m.index else None
    if spec is not None and m.id == m.index:
        return f"{spec.title} ({spec.index})"
    text = words.measure_name(data, m)
    return text if spec is None else f"{text} ({spec.index})"
