"""The sheets of the performance workbook as tables (:mod:`.workbook` writes them): for each
sheet, its rows from the saved results in report order, and its columns with their headings,
Excel number formats and, for long text, the width it wraps at.

- the sheets of an index (:func:`index_frame`, :func:`index_sheets`): one, or two where its
  columns would not print legibly on one page width;
- ``Output`` (:func:`output_frame`) and ``Prioritas`` (:func:`priority_frame`);
- the Kinerja sheets are shaped as a Laporan Kinerja: :mod:`.kinerja`.

The number formats carry the decimals of the measures table and the reports (a value is shown
as the reports print it; Excel rounds a shown value half away from zero, as the reports do).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from bnn_lib import measures
from bnn_lib.kawasan import UNKNOWN
from bnn_lib.regions import NATIONAL, province_codes, regions
from bnn_lib.reporting import is_kabkota, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.reasons import REASON_NAMES, on_a_scale, reason
from bnn_lib.reporting.words import BACKCAST, place_name
from bnn_lib.spec import STATUSES
from bnn_lib.uncertainty import bounds

LEVEL_NAMES = {"nasional": "Nasional", "provinsi": "Provinsi", "kabkota": "Kab/Kota"}
LEVEL_ORDER = {"nasional": 0, "provinsi": 1, "kabkota": 2}
# The interval shown is the widest computed (95 %), in the columns the results name after it.
LO, HI = bounds()
# Excel's invariant format codes: Indonesian Excel shows 1,234.5 as 1.234,5.
DECIMALS = {d: "#,##0" + ("." + "0" * d if d else "") for d in range(5)}


def change_format(decimals: int) -> str:
    """A change shows its sign, as the reports write it: "+0.00;-0.00;0.00" for two decimals."""
    return "+{0};-{0};{0}".format("0" + ("." + "0" * decimals if decimals else ""))


YEAR = "0"
WHEN = "yyyy-mm-dd hh:mm"
PER_ROW = "per-row"  # a column whose number format each row gives (column "number_format")
YES_NO = {True: "ya", False: "tidak"}


@dataclass(frozen=True)
class Col:
    """A column of a sheet: the frame column it shows, its heading, its number format (None:
    text), for text that can run long, the width it wraps at (None: as wide as its values) and,
    for a change, the decimals its cells are rounded to as the reports round it (Excel signs the
    stored value, not the shown one: a change printed as 0,00 is then neither + nor −)."""

    key: str
    header: str
    fmt: str | None = None
    width: float | None = None
    rounded: int | None = None


# Names wrap beyond these widths, so that a sheet of every kab/kota prints legibly: each province
# and most kab/kota on one line, the longest (Kab. Kepulauan Siau Tagulandang Biaro) on two.
PLACE = [
    Col("level_name", "Tingkat"),
    Col("region_code", "Kode"),
    Col("region", "Wilayah", width=28),
    Col("province", "Provinsi", width=30),
]


# -- Prioritas -------------------------------------------------------------------------------------

# The text columns wrap, so that the sheet prints legibly on one page width.
PRIORITAS = [
    Col("list", "Daftar", width=16),
    Col("code", "Kode daftar"),
    Col("rank", "No.", DECIMALS[0], width=5),
    Col("kabkota_code", "Kode kab/kota"),
    Col("kabkota", "Kab/Kota", width=16),
    Col("reason_name", "Alasan", width=16),
    Col("sentence", "Keterangan", width=62),
    Col("value", "Nilai", PER_ROW),
    Col("lo95", "Selang bawah", PER_ROW),
    Col("hi95", "Selang atas", PER_ROW),
    Col("reference", "Pembanding", PER_ROW),
    Col("probability", "Peluang", DECIMALS[2]),
    Col("count", "Jumlah", DECIMALS[0]),
]


def priority_frame(data: ReportData) -> pd.DataFrame:
    """The ``prioritas`` table as the sheet shows it: each list, each finding with its sentence
    (as the reports write it) and its numbers on its index's headline scale (empty when not
    computed)."""
    table = data.table("prioritas")
    if table is None or table.empty:
        return pd.DataFrame()
    labels = regions().labels
    out = table.assign(
        list=[place_name(None if c == NATIONAL else c) for c in table["code"]],
        kabkota=table["kabkota_code"].map(labels),
        reason_name=table["reason"].map(REASON_NAMES).fillna(table["reason"]),
        sentence=[html.unescape(re.sub("<[^>]+>", "", reason(data, r))) for r in table.itertuples()],
        **{c: _on_headline(data, table, c) for c in ("value", "lo95", "hi95", "reference")},
        # At the decimals of the index's headline scale; a count of kawasan whole.
        number_format=[
            DECIMALS[headline(data, r.index).decimals if on_a_scale(data, r) else 0] for r in table.itertuples()
        ],
    )
    order = {"nasional": 0, "provinsi": 1, "kabkota": 2}
    return out.sort_values(["level", "code", "rank"], key=lambda c: c.map(order) if c.name == "level" else c)


def _on_headline(data: ReportData, table: pd.DataFrame, column: str) -> list[float]:
    """``column`` of each finding (named as on the rescaled scale) on the headline scale of its index; a
    finding about kawasan (counts) as it is."""
    return [
        getattr(r, headline(data, r.index).column(column) if on_a_scale(data, r) else column)
        for r in table.itertuples()
    ]


# -- regions ---------------------------------------------------------------------------------------


def level_of(code: str) -> str:
    """The level of a region code: "00" the nation, "11" a province, "11.01" a kab/kota."""
    if code == NATIONAL:
        return "nasional"
    return "kabkota" if is_kabkota(code) else "provinsi"


def region_name(code: str) -> str:
    """ "Nasional", or the province's name."""
    return place_name(None) if code == NATIONAL else regions().label(code)


# -- a sheet per index ---------------------------------------------------------------------------


def index_frame(data: ReportData, index: str) -> pd.DataFrame:
    """Every row of ``index`` in report order, with its interval and change by region code
    (kab/kota of a survey index come from ``<index>_kabkota``, the regions from
    ``<index>_regions``; a kawasan index has every level in ``<index>_regions``)."""
    frame = data.table(f"{index}_regions")
    kabkota = data.table(f"{index}_kabkota")
    if kabkota is not None:
        kabkota = kabkota.rename(columns={"kabkota_code": "region_code", "kabkota": "region"})
        frame = pd.concat([frame[frame["level"] != "kabkota"], kabkota.assign(level="kabkota")], ignore_index=True)
        # The interval and the change on the index's headline scale, under the names the columns show.
        shown = headline(data, index)
        intervals, changes = (data.table(f"{index}_{t}") for t in ("intervals", "change"))
        if intervals is not None:
            frame = _join(frame, shown.under_names(intervals, [LO, HI]), [LO, HI, "uncertain"])
        if changes is not None:
            frame = _join(frame, shown.under_names(changes, ["change"]), ["change", "distinguishable"])
    # A word that a filter offers, not TRUE/FALSE (assigned to a copy: the loaded table is shared).
    flags = {f: frame[f].map(YES_NO) for f in ("uncertain", "distinguishable", "small_cell") if f in frame}
    return _in_order(frame.assign(**flags))


def _join(frame: pd.DataFrame, table: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` of ``table`` by region code (unchanged without the table)."""
    if table is None:
        return frame
    return frame.merge(table[["region_code", *columns]], on="region_code", how="left", validate="many_to_one")


def _in_order(frame: pd.DataFrame, then: tuple[str, ...] = ()) -> pd.DataFrame:
    """The nation first, then each province followed by its kab/kota, by code (then by
    ``then``); with the level and province names to show."""
    province = province_codes(frame["region_code"])
    out = frame.assign(_province=province, _level=frame["level"].map(LEVEL_ORDER))
    out = out.sort_values(["_province", "_level", "region_code", *then], kind="stable").reset_index(drop=True)
    out["level_name"] = out["level"].map(LEVEL_NAMES)
    out["province"] = [None if p == NATIONAL else regions().label(p) for p in out["_province"]]
    return out.drop(columns=["_province", "_level"])


def index_sheets(data: ReportData, index: str, frame: pd.DataFrame) -> list[tuple[str, list[Col]]]:
    """The sheets of an index as (sheet name, columns), the place columns first on each, with
    the columns that have a value in ``frame``. A survey index is one sheet named by the
    index; a kawasan index is its mapping (``IKKRN pemetaan``) and its recovery
    (``IKKRN pemulihan``), apart: its fifteen or so counts and rates on one page width would
    print too small to read. A kawasan index with one of the two (IKKTT has no mapping) is one
    sheet named by the index."""
    name = data.spec(index).index
    if data.table(f"{index}_kabkota") is not None:
        parts = {name: _survey_columns(data, index)}
    else:
        parts = {f"{name} pemetaan": _mapping_columns(), f"{name} pemulihan": _recovery_columns(data, index)}
    shown = {
        title: [c for c in columns if c.key in frame and frame[c.key].notna().any()] for title, columns in parts.items()
    }
    shown = {title: columns for title, columns in shown.items() if columns}
    if len(shown) == 1:
        return [(name, [*PLACE, *columns]) for columns in shown.values()]
    return [(title, [*PLACE, *columns]) for title, columns in shown.items()]


def _survey_columns(data: ReportData, index: str) -> list[Col]:
    """Value, band, interval, change and respondents of a survey index, on its headline scale
    (:func:`index_frame` joins the interval and the change of that scale)."""
    shown, level = headline(data, index), words.level()
    number = DECIMALS[shown.decimals]
    return [
        Col(shown.column("value_100"), f"Nilai (skala {shown.scale})", number),
        Col("band", "Kategori"),
        Col(LO, f"Batas bawah selang {level} (skala {shown.scale})", number),
        Col(HI, f"Batas atas selang {level} (skala {shown.scale})", number),
        Col("uncertain", "Kategori belum pasti"),
        Col(
            "change",
            _change_header(data, index, shown.scale),
            change_format(shown.decimals),
            rounded=shown.decimals,
        ),
        Col("distinguishable", "Perubahan berbeda nyata dari nol"),
        Col("n_respondents", "Responden", DECIMALS[0]),
        Col("small_cell", f"Sel kecil (kurang dari {data.min_cell(index)} responden)"),
    ]


def _change_header(data: ReportData, index: str, scale: str) -> str:
    """ "Perubahan dari 2023 (poin skala 1–4)", saying when the earlier year is a back-cast.
    The change tables compare consecutive years (:func:`bnn_lib.pipeline.compute_years`)."""
    table = data.table(f"{index}_change")
    across = table is not None and "basis" in table and (table["basis"] == "backcast").any()
    return f"Perubahan dari {data.year - 1}{f', {BACKCAST}' if across else ''} (poin skala {scale})"


def _mapping_columns() -> list[Col]:
    """What the routine mapping of a kawasan index found (IKKRN): kawasan by status."""
    count = DECIMALS[0]
    statuses = [Col(s, f"Status {s.replace('_', ' ')}", count) for s in [*reversed(STATUSES), UNKNOWN]]
    return [Col("n_kawasan", "Kawasan dipetakan", count), Col("n_rawan", "Kawasan rawan", count), *statuses]


def _recovery_columns(data: ReportData, index: str) -> list[Col]:
    """The kawasan intervened and recovered, the recovery rate and its interval, and the scores
    before and after of a kawasan index (IKKRN, IKKTT), on its headline scale as the reports
    write them."""
    level, count, shown = words.level(), DECIMALS[0], headline(data, index)
    return [
        Col("n_intervened", "Kawasan diintervensi", count),
        Col("n_pulih", "Kawasan pulih", count),
        Col("n_unknown", "Belum pasti (data kosong)", count),
        Col("n_decided", "Kawasan dengan hasil", count),
        Col("recovery_rate", "Tingkat keterpulihan (%)", DECIMALS[1]),
        Col(LO, f"Batas bawah selang {level} (%)", DECIMALS[1]),
        Col(HI, f"Batas atas selang {level} (%)", DECIMALS[1]),
        Col("mean_before", f"Skor sebelum intervensi (skala {shown.scale})", DECIMALS[shown.decimals]),
        Col("mean_after", f"Skor sesudah intervensi (skala {shown.scale})", DECIMALS[shown.decimals]),
        Col("mean_delta", "Perubahan skor (poin)", change_format(shown.decimals), rounded=shown.decimals),
    ]


# -- Output ----------------------------------------------------------------------------------------

# What a Laporan Kinerja shows of an output: its unit, target, realisation and achievement.
OUTPUT = [
    *PLACE,
    Col("output", "Keluaran", width=40),
    Col("unit", "Satuan"),
    Col("target", "Target", PER_ROW),
    Col("realisasi", "Realisasi", PER_ROW),
    Col("capaian_pct", "Capaian (%)", DECIMALS[2]),
]


def output_frame(data: ReportData) -> pd.DataFrame:
    """Each programme output of the nation and each province against its target (``kpi``), and of
    each kab/kota (``outputs``; its target and capaian where ``kpi`` has them)."""
    listed = {m.id: m for m in measures.outputs()}
    order = {measure: position for position, measure in enumerate(listed)}
    parts = []
    kpi = data.table("kpi")
    if kpi is not None:
        kpi = kpi[kpi["measure"].isin(list(listed))]
        # From the filtered rows' own codes: assigning to an empty frame would adopt another
        # frame's index and invent rows.
        kpi = kpi.assign(level=kpi["region_code"].map(level_of))
        regional = kpi[kpi["level"] != "kabkota"]
        parts.append(regional.assign(region=regional["region_code"].map(region_name)))
    outputs = data.table("outputs")
    if outputs is not None:
        long = outputs.melt(
            id_vars=["kabkota_code", "kabkota"],
            value_vars=[m for m in listed if m in outputs],
            var_name="measure",
            value_name="realisasi",
        )
        long = long.rename(columns={"kabkota_code": "region_code", "kabkota": "region"}).assign(level="kabkota")
        if kpi is not None:
            goals = kpi[["region_code", "measure", "target", "capaian_pct"]]
            long = long.merge(goals, on=["region_code", "measure"], how="left", validate="one_to_one")
        parts.append(long)
    if not parts:
        return pd.DataFrame(columns=[*[c.key for c in OUTPUT], "number_format"])
    frame = pd.concat(parts, ignore_index=True)
    frame = _in_order(frame.assign(order=frame["measure"].map(order)), then=("order",))
    frame["output"] = [listed[m].label for m in frame["measure"]]
    frame["unit"] = [listed[m].unit for m in frame["measure"]]
    frame["number_format"] = [DECIMALS[listed[m].decimals] for m in frame["measure"]]
    return frame
