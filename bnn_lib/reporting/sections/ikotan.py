"""IKOTAN: the ranked kab/kota (or provinces) with their band edges, the variable profile, the
table with intervals and changes, and the band map."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import charts, geo, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import NO_DATA, angka, bilangan
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.breaks import Baseline, baseline
from bnn_lib.reporting.sections.components import (
    NATIONAL,
    Section,
    changes,
    chip,
    colors_of,
    html_table,
    intervals,
    linked_name,
    value_of,
)
from bnn_lib.reporting.words import BACKCAST, place_name, short_name
from bnn_lib.uncertainty import bounds


def ikotan(data: ReportData, province: str | None, linked: Collection[str] | None = None) -> Section:
    """IKOTAN by kab/kota (or by province): ranked chart with band edges, profile, table. The
    names (a province's kab/kota, the nation's provinces) link to their reports: those in
    ``linked``, or with None those in the year's folder."""
    shown = headline(data, "ikotan")
    edges = shown.under_names(data.table("ikotan_bands"), ["lower", "upper"])
    national = data.region_row("ikotan_regions", NATIONAL)
    if province is None:
        table = data.table("ikotan_regions")
        table = table[table["level"] == "provinsi"].rename(columns={"region": "label"})
        title = "IKOTAN per provinsi (rata-rata kab/kota terukur)"
    else:
        table = data.kabkota("ikotan_kabkota", province).rename(columns={"kabkota": "label"})
        title = f"IKOTAN per kab/kota, {place_name(province)} {data.year}"
    if table.empty:
        return Section.of("<p>Tidak ada kab/kota yang diukur IKOTAN di wilayah ini.</p>")
    key = "region_code" if province is None else "kabkota_code"
    table = table.merge(intervals(data, "ikotan"), left_on=key, right_index=True, how="left")
    value = shown.column("value_100")
    chart = charts.ranked_bars(
        data=table,
        edges=edges,
        national=value_of(national, value),
        title=title,
        scale=shown.span,
        label="label",
        value=value,
        decimals=shown.decimals,
    ).figure
    note = (
        f"<p class='note'>Garis titik-titik: batas {words.band_rule(data, 'ikotan')}. Garis tegas: rata-rata "
        f"nasional. Garis kecil di ujung batang: selang kepercayaan {words.level()} akibat pengambilan sampel "
        "responden.</p>"
    )
    return Section.of(chart, note) + _profile(data, province) + _ikotan_table(data, province, table, linked)


def _profile(data: ReportData, province: str | None) -> Section:
    """The region's score on each variable of the spec beside the nation's (province only)."""
    variables = data.table("ikotan_variable_regions")
    spec = data.spec("ikotan")
    if variables is None or spec is None or province is None:
        return Section()
    names = {v.id: v.name for v in spec.variables}
    shown = headline(data, "ikotan")
    score = shown.column("score_100")
    national = variables[variables["region_code"] == NATIONAL].set_index("variable_id")[score]
    own = variables[variables["region_code"] == province].set_index("variable_id")[score]
    order = [v for v in names if v in national.index]
    fig = charts.paired_bars(
        data=pd.DataFrame(
            {short_name(province): [own.get(v, float("nan")) for v in order], "Nasional": [national[v] for v in order]},
            index=[names[v] for v in order],
        ),
        title=f"Profil {bilangan(len(order))} variabel {spec.index}",
        scale=shown.span,
        decimals=shown.decimals,
    ).figure
    return Section.of(fig)


def _ikotan_table(
    data: ReportData, province: str | None, table: pd.DataFrame, linked: Collection[str] | None
) -> Section:
    """Rank, value and interval on the headline scale, band, change and count of each row of
    ``table``."""
    colors, base = colors_of(data), baseline(data, "ikotan")
    shown = base.shown
    key = "region_code" if province is None else "kabkota_code"
    rows, significant = [], changes(data, "ikotan")
    lo, hi = bounds()
    table = table.sort_values("value", ascending=False)
    # The rank of a kab/kota in its province, or of a province among the provinces, as the results
    # give it (ties share a rank).
    positions = table["rank_province" if province is not None else "rank_national"].to_numpy()
    for rank, row in zip(positions, table.itertuples(), strict=True):
        count = row.n_respondents if province is not None else row.n_measured
        code = getattr(row, key)
        delta = shown.change(base.change(code))
        if delta != "–" and code in significant.index:
            delta += " *" if significant[code] else ""
        # No interval (results computed without the bootstrap) is no sign of uncertainty.
        uncertain = pd.notna(row.uncertain) and bool(row.uncertain)
        rows.append(
            {
                "rank": angka(rank, 0),
                "label": linked_name(data, code, row.label, linked),
                "value": shown.value(getattr(row, shown.column("value_100"))),
                "interval": shown.interval(getattr(row, lo), getattr(row, hi)),
                "band": chip(row.band, colors) + (" <span class='uncertain'>belum pasti</span>" if uncertain else ""),
                "change": delta,
                "n": angka(count, 0),
                **_earlier(base, code),
            }
        )
    columns = [
        ("rank", "No."),
        ("label", "Provinsi" if province is None else "Kab/Kota"),
        ("value", f"Nilai (skala {shown.scale})"),
        ("interval", f"Selang {words.level()}"),
        ("band", "Kategori"),
        *_earlier_columns(base),
        ("change", f"Perubahan {base.since()}" if base.year else "Perubahan"),
        ("n", "Kab/kota terukur" if province is None else "Responden"),
    ]
    moving = data.spec("ikotan").bands.mode == "equal_interval"
    return Section.of(
        html_table(rows, columns, {"value", "interval", "change", "n", "published", "backcast"})
        + _break_note(base)
        + f"<p class='note'><b>Belum pasti</b>: peluang kategori yang ditampilkan di bawah {words.level()}"
        + (" (batas kategori pun dihitung ulang pada setiap replikasi)" if moving else "")
        + ", sehingga dengan responden lain kategorinya bisa berbeda. <b>*</b>: perubahan berbeda nyata dari nol "
        f"(selang {words.level()} perubahan tidak memuat nol); tanpa tanda, perubahan masih dalam batas variasi "
        "sampel.</p>"
    )


def _earlier(base: Baseline, code: str) -> dict[str, str]:
    """Across a method break, the earlier year's value and band as published and as back-cast."""
    if base.method_break is None:
        return {}
    cells = {}
    for column, table in (("published", base.published), ("backcast", base.compared)):
        cells[column] = base.value(table, code) if code in table.index else "–"
    return cells


def _earlier_columns(base: Baseline) -> list[tuple[str, str]]:
    """The columns of :func:`_earlier`, headed with the specs they were computed under."""
    brk = base.method_break
    if brk is None:
        return []
    return [
        ("published", f"{base.year}, metode terbit"),
        ("backcast", f"{base.year}, {BACKCAST} ({brk.method_now})"),
    ]


def _break_note(base: Baseline) -> str:
    """The method break the change column bridges, with what it compares."""
    brk = base.method_break
    if brk is None:
        return ""
    return (
        f"<p class='note'>{brk.sentence()} Perubahan dihitung terhadap nilai {base.year} yang dihitung ulang "
        f"dengan {brk.method_now} ({BACKCAST}), bukan terhadap nilai terbit {base.year}; kategori "
        "kedua kolom mengikuti metode masing-masing.</p>"
    )


# The sources of the shipped map data, credited as their licence (CC BY 4.0) asks: bnn_lib/data/geo/README.md.
MAP_CREDIT = (
    "Sumber peta: batas provinsi dari indonesia-geojson-topojson-maps-with-38-provinces (denyherianto, "
    "CC BY 4.0); letak kab/kota dari geoBoundaries (Runfola dkk. 2020, CC BY 4.0) melalui "
    "peta-pixel-nusantara. Garis batas disederhanakan; pulau kecil tidak tergambar."
)
# The two provinces whose names are too long for a map, as they are commonly written.
SHORT = {"31": "DKI Jakarta", "34": "DI Yogyakarta"}


def band_map(data: ReportData, province: str | None, boundary_file: str | None = None) -> Section:
    """The IKOTAN band of each province on the map of Indonesia, or of each kab/kota of a
    province as a dot inside it; with ``boundary_file``, a GeoJSON of the user's, filled from it."""
    colors = colors_of(data)
    if province is None:
        table = data.table("ikotan_regions")
        table = table[table["level"] == "provinsi"].set_index("region_code")
        codes = list(regions().province_table["code"])
        names = {c: SHORT.get(c, regions().province(c).name) for c in codes}
        title = f"Peta kategori IKOTAN per provinsi {data.year}"
    else:
        table = data.kabkota("ikotan_kabkota", province).set_index("kabkota_code")
        codes = list(regions().kabkota_of(province)["code"])
        names = {c: regions().label(c) for c in codes}
        title = f"Peta kategori IKOTAN kab/kota, {place_name(province)} {data.year}"
    fill = {c: colors.get(str(table.loc[c, "band"]), NO_DATA) if c in table.index else NO_DATA for c in codes}
    legend = {**colors, "Tidak diukur": NO_DATA}
    filled = pd.DataFrame({"code": codes, "color": [fill[c] for c in codes], "label": [names[c] for c in codes]})
    if boundary_file and Path(boundary_file).is_file():
        return Section.of(charts.boundary_map(data=filled, path=boundary_file, title=title, legend=legend).figure)
    if province is None:
        chart = charts.boundary_map(data=filled, title=title, legend=legend).figure
        return Section.of(chart, f"<p class='note'>{MAP_CREDIT}</p>")
    points = filled.join(geo.kabkota_points()[["lon", "lat"]], on="code")
    outline = [f for f in geo.features() if f["properties"]["code"] == province]
    chart = charts.point_map(data=points, outline=outline, title=title, legend=legend).figure
    dots = "Titik: letak kab/kota di dalam wilayahnya, bukan batasnya."
    return Section.of(chart, f"<p class='note'>{dots} {MAP_CREDIT}</p>")
