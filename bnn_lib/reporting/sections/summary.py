"""The opening of a report: header, executive summary with its generated sentences, and the
performance (KPI) table."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from bnn_lib import measures
from bnn_lib.regions import province_code, regions
from bnn_lib.reporting import is_kabkota, report_file, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen, selang, selisih, tanggal
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.appendix import uncertainty_summary
from bnn_lib.reporting.sections.breaks import baseline, breaks
from bnn_lib.reporting.sections.components import (
    NATIONAL,
    Section,
    chip,
    code_of,
    colors_of,
    decided,
    html_table,
    kpi_of,
    points,
    value_of,
)
from bnn_lib.reporting.sections.effect import effect_sentences
from bnn_lib.reporting.words import BACKCAST, SYNTHETIC, SYNTHETIC_WHY, place_name, short_name
from bnn_lib.rounding import sign_at
from bnn_lib.uncertainty import bounds


def header(data: ReportData, province: str | None) -> Section:
    """The way up to the reports above this one, then the title, subtitle and, for the sample
    data, a clear synthetic-data banner."""
    title = f"Laporan Kinerja Pemberdayaan Masyarakat {data.year}"
    banner = ""
    if data.meta.get("synthetic"):
        banner = f'<div class="banner">{SYNTHETIC}. {SYNTHETIC_WHY}.</div>'
    return Section.of(
        f"{breadcrumb(data, province)}{banner}<h1>{esc(title)}</h1>"
        f"<p class='subtitle'>{esc(place_name(province))}{_as_of(data)} · Deputi Bidang Pemberdayaan "
        "Masyarakat, Badan Narkotika Nasional · IKOTAN, IKP, IKKRN dan IKKTT</p>"
    )


def _as_of(data: ReportData) -> str:
    """ " · data per 7 Desember 2026": the day the results were computed, in words (none if the
    results do not say)."""
    computed = data.meta.get("computed_at")
    return f" · data per {tanggal(datetime.fromisoformat(computed))}" if computed else ""


def breadcrumb(data: ReportData, province: str | None) -> str:
    """Links to the reports above this one, from the year's index down (a kab/kota report, in a
    folder of its own, reaches them one folder up): "Semua laporan 2024 › Nasional › Provinsi
    Aceh › Kab. Aceh Besar"."""
    up = "../" if is_kabkota(province) else ""
    trail = [(f"{up}index.html", f"Semua laporan {data.year}")]
    if province is not None:
        trail.append((up + report_file("nasional"), "Nasional"))
    if is_kabkota(province):
        trail.append((up + report_file(province_code(province)), f"Provinsi {regions().province_of(province).name}"))
    here = "Nasional" if province is None else short_name(province)
    links = [f'<a href="{href}">{esc(label)}</a>' for href, label in trail]
    return f'<nav class="crumbs" aria-label="Letak laporan">{" › ".join([*links, esc(here)])}</nav>'


def executive_summary(data: ReportData, province: str | None) -> Section:
    """Each index with its band, change, national value and achievement; then sentences."""
    rows = _survey_rows(data, province) + _kawasan_rows(data, province)
    prev = data.previous
    columns = [
        ("index", "Indeks"),
        ("value", "Nilai"),
        ("basis", "Dasar"),
        ("band", "Kategori"),
        ("change", f"Perubahan dari {prev}" if prev else "Perubahan"),
        ("national", "Nasional"),
        ("target", "Target"),
        ("capaian", "Capaian"),
    ]
    numeric = {"value", "change", "national", "target", "capaian"}
    findings = summary_sentences(data, province) + uncertainty_summary(data, province)
    sentences = "".join(f"<li>{s}</li>" for s in findings)
    return Section.of(html_table(rows, columns, numeric) + f"<ul class='findings'>{sentences}</ul>")


def _survey_rows(data: ReportData, province: str | None) -> list[dict]:
    """The summary rows of IKOTAN and IKP on their headline scales: value, what it rests on, band,
    change, nation, target."""
    code = code_of(province)
    kpi = kpi_of(data, code)
    rows = []
    for index, name in (("ikotan", "IKOTAN"), ("ikp", "IKP")):
        row = data.region_row(f"{index}_regions", code)
        if row is None:
            continue
        national = data.region_row(f"{index}_regions", NATIONAL)
        target = kpi["target"].get(index) if "target" in kpi else None
        base, shown = baseline(data, index), headline(data, index)
        change = shown.change(base.change(code))
        if base.method_break is not None and change != "–":
            change += f" ({BACKCAST})"
        rows.append(
            {
                "index": f"{name} (skala {shown.scale})",
                "value": shown.value(row[shown.column("value_100")]),
                "basis": _basis(row),
                "band": chip(row["band"], colors_of(data, index)),
                "change": change,
                "national": shown.value(national[shown.column("value_100")]) if province else "–",
                "target": _target(data, index, target),
                "capaian": persen(kpi["capaian_pct"].get(index)) if "capaian_pct" in kpi else "–",
            }
        )
    return rows


def _target(data: ReportData, index: str, target: float | None) -> str:
    """An index's target as its measure is set (on the score scale, at the measure's decimals),
    its scale named where the index is shown on the other one."""
    text = angka(target, measures.measure(index).decimals)
    if headline(data, index).on_score or text == "–":
        return text
    return f"{text} (skala {words.score_scale(data, index)})"


def _kawasan_rows(data: ReportData, province: str | None) -> list[dict]:
    """The summary rows of IKKRN and IKKTT: recovery rate, counts, change, nation, target."""
    code = code_of(province)
    kpi = kpi_of(data, code)
    rows = []
    for index, name, measure in (
        ("ikkrn", "IKKRN (keterpulihan)", "ikkrn_rate"),
        ("ikktt", "IKKTT (keterpulihan)", None),
    ):
        row = data.region_row(f"{index}_regions", code)
        if row is None or not row.get("n_intervened", 0):
            continue
        national = data.region_row(f"{index}_regions", NATIONAL)
        target = kpi["target"].get(measure) if measure and "target" in kpi else None
        rows.append(
            {
                "index": name,
                "value": "–" if _few(row) else persen(row["recovery_rate"]),
                "basis": f"{angka(row['n_pulih'], 0)} pulih dari {decided(row)} kawasan",
                "band": "–",
                "change": points(_change_of(data, index, code, "recovery_rate_change")),
                "national": persen(national["recovery_rate"]) if province and not _few(national) else "–",
                "target": persen(target, 0),
                "capaian": persen(kpi["capaian_pct"].get(measure)) if measure and "capaian_pct" in kpi else "–",
            }
        )
    return rows


def _change_of(data: ReportData, index: str, code: str, column: str) -> float:
    """``column`` of region ``code`` in the engine's change table of ``index`` since last year
    (NaN where it has none)."""
    table = data.table(f"{index}_change")
    rows = table[table["region_code"] == code] if table is not None else ()
    return value_of(rows.iloc[0] if len(rows) else None, column)


def _few(row: pd.Series | None) -> bool:
    """Whether a recovery row rests on fewer kawasan than the spec shows as a percent."""
    return row is not None and bool(row.get("few", False))


def summary_sentences(data: ReportData, province: str | None) -> list[str]:
    """A few sentences generated from the numbers (already escaped)."""
    code, out = code_of(province), []
    row = data.region_row("ikotan_regions", code)
    if row is not None:
        out.append(_ikotan_sentence(data, province, row))
        out.extend(_break_sentences(data, code))
        out.append(_success_sentence(data, code, row))
        out.extend(_movers(data, province))
    row = data.region_row("ikkrn_regions", code)
    if row is not None and row.get("n_intervened", 0):
        out.append(_ikkrn_sentence(data, code, row))
    return out + effect_sentences(data, code)


def _basis(row: pd.Series) -> str:
    """What a survey index's value rests on: "12 kab/kota terukur" for a region, "180
    responden" for a kab/kota."""
    if "n_measured" in row and pd.notna(row["n_measured"]):
        return f"{angka(row['n_measured'], 0)} kab/kota terukur"
    return f"{angka(row['n_respondents'], 0)} responden" if pd.notna(row.get("n_respondents")) else "–"


def _ikotan_sentence(data: ReportData, province: str | None, row: pd.Series) -> str:
    """IKOTAN of the region on its headline scale: value, band, change, national mean."""
    code, base, shown = code_of(province), baseline(data, "ikotan"), headline(data, "ikotan")
    where = "nasional" if province is None else esc(regions().province(province).name)
    text = (
        f"IKOTAN {where} tahun {data.year} sebesar <b>{shown.value(row[shown.column('value_100')])}</b> (skala "
        f"{shown.scale}), kategori <b>{esc(row['band'])}</b>"
    )
    text += base.movement(code)
    if province is not None:
        national = data.region_row("ikotan_regions", NATIONAL)
        text += f". Rata-rata nasional {shown.value(national[shown.column('value_100')])}."
    return text + ("" if text.endswith(".") else ".")


def _break_sentences(data: ReportData, code: str) -> list[str]:
    """Across a method break since the previous year: the break, and the earlier year's value
    as published beside its back-cast (the value the change above is computed against)."""
    base = baseline(data, "ikotan")
    if base.method_break is None:
        return []
    return [base.method_break.sentence() + " " + base.earlier_values(code)]


def _success_sentence(data: ReportData, code: str, row: pd.Series) -> str:
    """How many kab/kota reach the success band of the spec, with its interval, against the
    target, and how the count moved: over the kab/kota measured in both years, with its
    interval, and whether the change lies within what sampling and the moving edges give."""
    kpi = kpi_of(data, code)
    target = kpi["target"].get("ikotan_n_tanggap") if "target" in kpi else None
    n, measured = int(row["n_success"]), int(row["n_measured"])
    interval = _kpi_interval(data, code)
    clause = (
        f" (target {angka(target, 0)}; capaian {persen(kpi['capaian_pct'].get('ikotan_n_tanggap'))})"
        if target and not pd.isna(target)
        else ""
    )
    text = (
        f"<b>{n}</b> dari {measured} kab/kota yang diukur berada pada kategori "
        f"{esc(words.success_band(data))} atau lebih tinggi{interval}{clause}."
    )
    return text + _kpi_change(data, code) + _edges_moved(data)


def _kpi_interval(data: ReportData, code: str) -> str:
    """ " (selang 95 %: 166–182)" from the region's KPI interval, "" without one."""
    intervals = data.table("ikotan_intervals")
    lo, hi = (f"n_success_{c}" for c in bounds())
    rows = intervals[intervals["region_code"] == code] if intervals is not None and lo in intervals else ()
    if not len(rows) or pd.isna(rows.iloc[0][lo]):
        return ""
    return f" (selang {words.level()}: {selang(rows.iloc[0][lo], rows.iloc[0][hi], 0)})"


def _kpi_change(data: ReportData, code: str) -> str:
    """The change of the KPI count since last year, as the change table gives it."""
    table = data.table("ikotan_change")
    rows = table[table["region_code"] == code] if table is not None and "n_success_change" in table else ()
    if not len(rows):
        return ""
    row, (lo, hi) = rows.iloc[0], (f"n_success_{c}" for c in bounds())
    base = baseline(data, "ikotan")
    text = f" Dibanding {base.since().removeprefix('dari ')}: {selisih(row['n_success_change'], 0)} kab/kota"
    if row["n_common"] != row["n_now"] or row["n_common"] != row["n_before"]:
        text += (
            f" di antara {angka(row['n_common'], 0)} kab/kota yang diukur pada kedua tahun (atas semua kab/kota "
            f"terukur: {selisih(row['n_success_change_all'], 0)})"
        )
    if pd.isna(row[lo]):  # computed without the bootstrap: the change, without its precision
        return text + "."
    moving = " dan pergeseran batas kategori" if data.spec("ikotan").bands.mode == "equal_interval" else ""
    verdict = (
        "berbeda nyata dari nol"
        if row["n_success_distinguishable"]
        else f"masih dalam rentang yang dapat ditimbulkan oleh sampel responden{moving}"
    )
    return text + f" (selang {words.level()}: {selang(row[lo], row[hi], 0)}; {verdict})."


def _edges_moved(data: ReportData) -> str:
    """Under equal-interval bands of one spec in both years, how far the success edge moved."""
    spec, prev = data.spec("ikotan"), data.previous
    now, before = data.table("ikotan_bands"), data.table("ikotan_bands", prev) if prev else None
    if spec.bands.mode != "equal_interval" or before is None or baseline(data, "ikotan").method_break:
        return ""
    shown = headline(data, "ikotan")
    lower = shown.column("lower")
    edge = [shown.value(t.set_index("label").loc[spec.bands.success_from, lower]) for t in (now, before)]
    if edge[0] == edge[1]:  # moved, as printed
        return ""
    return (
        f" Batas kategori {esc(spec.bands.success_from)} bergeser dari {edge[1]} ({prev}) ke "
        f"{edge[0]}: batas dihitung dari kab/kota terendah dan tertinggi tahun itu, sehingga jumlah ini "
        "ikut berubah bila kedua kab/kota itu berubah."
    )


def _ikkrn_sentence(data: ReportData, code: str, row: pd.Series) -> str:
    """Recovered kawasan, and the rawan count of the mapping against last year."""
    prev = data.previous
    text = f"{angka(row['n_pulih'], 0)} dari {decided(row)} kawasan rawan yang diintervensi pulih"
    text += "" if _few(row) else f" ({persen(row['recovery_rate'])})"
    if not pd.isna(row.get("n_rawan")):
        text += f"; hasil pemetaan mencatat {angka(row['n_rawan'], 0)} kawasan rawan ({words.rawan(data)})"
        moved = _change_of(data, "ikkrn", code, "n_rawan_change")
        if not pd.isna(moved):
            text += f", {selisih(moved, 0)} dari {prev}" if moved else f", sama dengan {prev}"
    return text + "."


def _movers(data: ReportData, province: str | None) -> list[str]:
    """The kab/kota (or provinces) whose IKOTAN rose and fell most since the previous year."""
    base = baseline(data, "ikotan")
    if base.year is None:
        return []
    if province is None:
        now = data.table("ikotan_regions")
        now = now[now["level"] == "provinsi"].set_index("region_code")
        label = now["region"]
    else:
        now = data.kabkota("ikotan_kabkota", province).set_index("kabkota_code")
        label = now["kabkota"]
    change = pd.Series({c: base.change(c) for c in now.index}, dtype=float).dropna()
    if len(change) < 2:
        return []
    up, down = change.idxmax(), change.idxmin()
    # Only a change that shows as one: "kenaikan terbesar (+0,00)" would say nothing rose.
    said = []
    shown = base.shown
    if sign_at(change[up], shown.decimals) > 0:
        said.append(f"Kenaikan terbesar {base.since()}: {esc(label[up])} ({shown.change(change[up])})")
    if sign_at(change[down], shown.decimals) < 0:
        word = "penurunan terbesar" if said else f"Penurunan terbesar {base.since()}"  # "since" said once
        said.append(f"{word}: {esc(label[down])} ({shown.change(change[down])})")
    return ["; ".join(said) + "."] if said else []


def performance(data: ReportData, province: str | None) -> Section:
    """Capaian kinerja: programme outputs and outcome indices against their targets."""
    kpi = kpi_of(data, code_of(province))
    kinds = {"output": "Keluaran (output)", "outcome": "Hasil (outcome)"}
    rows = [
        {
            "kind": kinds[m.kind],
            "label": esc(words.measure_name(data, m)),
            "unit": esc(m.unit),
            "target": angka(item["target"], m.decimals),
            "realisasi": angka(item["realisasi"], m.decimals),
            "capaian": persen(item["capaian_pct"]),
        }
        for m, item in measures.listed(kpi, tuple(kinds))
    ]
    if not rows:
        return Section.of("<p>Tidak ada data capaian kinerja untuk wilayah ini.</p>")
    columns = [
        ("kind", "Jenis"),
        ("label", "Indikator"),
        ("unit", "Satuan"),
        ("target", "Target"),
        ("realisasi", "Realisasi"),
        ("capaian", "Capaian"),
    ]
    return Section.of(
        html_table(rows, columns, {"target", "realisasi", "capaian"})
        + "<p class='note'>Capaian = realisasi ÷ target × 100. Tanda – berarti target belum ditetapkan."
        + _kpi_breaks(data)
        + "</p>"
    )


def _kpi_breaks(data: ReportData) -> str:
    """Why the realisations of IKOTAN are not comparable with those before a method break."""
    return "".join(
        f" Realisasi {b.name} sejak {b.year} dihitung dengan {b.method_now}; sebelumnya dengan "
        f"{b.method_before}, sehingga realisasi dan capaian kedua periode tidak sebanding langsung "
        f"(lihat Tren)."
        for b in breaks(data, "ikotan")
    )
