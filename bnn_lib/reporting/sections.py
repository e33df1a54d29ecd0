"""The sections of the annual reports, in Bahasa Indonesia.

Each public function displays one section (HTML and figures) for a province (its code) or, with
``province=None``, for the nation. The functions read saved results (:mod:`.data`) and draw;
they compute no index. Text that comes from data is escaped.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from bnn_lib.intake.problems import place
from bnn_lib.regions import regions
from bnn_lib.reporting import charts
from bnn_lib.reporting.data import ReportData, suppress_small
from bnn_lib.reporting.fmt import NO_DATA, angka, band_colors, esc, persen, selisih

NATIONAL = "00"
OUTPUT_ROWS = [
    ("penggiat_formed", "Penggiat anti narkoba yang dibentuk", "orang", 0),
    ("kawasan_intervened", "Kawasan rawan narkoba yang diintervensi", "kawasan", 0),
    ("lifeskill_participants", "Peserta pelatihan life skill", "orang", 0),
]
OUTCOME_ROWS = [
    ("ikotan", "IKOTAN (skala 1–4)", "indeks", 2),
    ("ikotan_n_tanggap", "Kab/kota kategori Tanggap ke atas", "kab/kota", 0),
    ("ikp", "IKP (skala 1–4)", "indeks", 2),
    ("ikkrn_pulih", "Kawasan rawan narkoba yang pulih", "kawasan", 0),
    ("ikkrn_rate", "Tingkat keterpulihan kawasan rawan", "%", 1),
    ("ikktt_pulih", "Kawasan tanaman terlarang yang pulih", "kawasan", 0),
]
SECTION_NAMES = {
    "scale": "skala jawaban",
    "weighting": "pembobotan",
    "aggregation": "agregasi",
    "rescale": "konversi ke 0–100",
    "bands": "kategori",
    "status_rule": "aturan status kawasan",
    "recovery": "aturan pulih",
}
ENVIRONMENTS = {
    "pemerintah": "Pemerintah",
    "swasta": "Swasta",
    "pendidikan": "Pendidikan",
    "masyarakat": "Masyarakat",
}


# -- small helpers ---------------------------------------------------------------------------


def _show(fig: plt.Figure) -> None:
    display(fig)
    plt.close(fig)


def _html(text: str) -> None:
    display(HTML(text))


def _name(province: str | None) -> str:
    return "Nasional" if province is None else f"Provinsi {regions().province(province).name}"


def _code(province: str | None) -> str:
    return NATIONAL if province is None else province


def _chip(label: object, colors: dict[str, str]) -> str:
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return "–"
    color = colors.get(str(label), NO_DATA)
    dark = color in ("#2c7bb6", "#d7191c")
    return f'<span class="chip" style="background:{color};color:{"#fff" if dark else "#111"}">{esc(label)}</span>'


def _table(rows: list[dict], columns: list[tuple[str, str]], numeric: set[str] = frozenset(), caption: str = "") -> str:
    """An HTML table; cell values are already formatted strings (escaped by the caller where
    they come from data)."""
    head = "".join(f'<th class="{"num" if k in numeric else ""}">{esc(label)}</th>' for k, label in columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"num" if k in numeric else ""}">{row.get(k, "–")}</td>' for k, _ in columns)
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _points(change: float) -> str:
    """A change in percentage points: "+13,2 poin"; "–" when there is nothing to compare."""
    text = selisih(change, 1)
    return text if text == "–" else f"{text} poin"


def _value(row: pd.Series | None, column: str) -> float:
    if row is None or column not in row or pd.isna(row[column]):
        return float("nan")
    return float(row[column])


def _kpi(data: ReportData, code: str) -> pd.DataFrame:
    kpi = data.table("kpi")
    return kpi[kpi["region_code"] == code].set_index("measure") if kpi is not None else pd.DataFrame()


def _colors(data: ReportData, index: str = "ikotan") -> dict[str, str]:
    bands = data.table(f"{index}_bands")
    return band_colors(list(bands["label"])) if bands is not None else {}


# -- sections ----------------------------------------------------------------------------------


def header(data: ReportData, province: str | None) -> None:
    """Title, subtitle and, for the sample data, a clear synthetic-data banner."""
    title = f"Laporan Kinerja Pemberdayaan Masyarakat {data.year}"
    banner = ""
    if data.meta.get("synthetic"):
        banner = (
            '<div class="banner">DATA CONTOH SINTETIS — bukan data BNN. Semua angka dalam laporan ini '
            "dibangkitkan untuk uji coba dan demonstrasi.</div>"
        )
    _html(
        f"{banner}<h1>{esc(title)}</h1><p class='subtitle'>{esc(_name(province))} · Deputi Bidang Pemberdayaan "
        "Masyarakat, Badan Narkotika Nasional · IKOTAN, IKP, IKKRN dan IKKTT</p>"
    )


def executive_summary(data: ReportData, province: str | None) -> None:
    """Each index with its band, change, national value and achievement; then sentences."""
    code, prev = _code(province), data.previous
    kpi = _kpi(data, code)
    colors, ikp_colors = _colors(data, "ikotan"), _colors(data, "ikp")
    rows = []
    for index, name, measure, colors_of in (
        ("ikotan", "IKOTAN", "ikotan", colors),
        ("ikp", "IKP", "ikp", ikp_colors),
    ):
        row = data.region_row(f"{index}_regions", code)
        if row is None:
            continue
        before = data.region_row(f"{index}_regions", code, prev) if prev else None
        national = data.region_row(f"{index}_regions", NATIONAL)
        target = kpi["target"].get(measure) if "target" in kpi else None
        rows.append(
            {
                "index": name,
                "value": angka(row["value"], 2),
                "value_100": angka(row["value_100"], 1),
                "band": _chip(row["band"], colors_of),
                "change": selisih(_value(row, "value") - _value(before, "value")),
                "national": angka(national["value"], 2) if province else "–",
                "target": angka(target, 2),
                "capaian": persen(kpi["capaian_pct"].get(measure)) if "capaian_pct" in kpi else "–",
            }
        )
    for index, name, measure in (
        ("ikkrn", "IKKRN (keterpulihan)", "ikkrn_rate"),
        ("ikktt", "IKKTT (keterpulihan)", None),
    ):
        row = data.region_row(f"{index}_regions", code)
        if row is None or not row.get("n_intervened", 0):
            continue
        before = data.region_row(f"{index}_regions", code, prev) if prev else None
        national = data.region_row(f"{index}_regions", NATIONAL)
        target = kpi["target"].get(measure) if measure and "target" in kpi else None
        rows.append(
            {
                "index": name,
                "value": persen(row["recovery_rate"]),
                "value_100": f"{angka(row['n_pulih'], 0)} dari {_decided(row)} kawasan",
                "band": "–",
                "change": _points(_value(row, "recovery_rate") - _value(before, "recovery_rate")),
                "national": persen(national["recovery_rate"]) if province else "–",
                "target": persen(target, 0),
                "capaian": persen(kpi["capaian_pct"].get(measure)) if measure and "capaian_pct" in kpi else "–",
            }
        )
    columns = [
        ("index", "Indeks"),
        ("value", "Nilai"),
        ("value_100", "Skala 0–100 / jumlah"),
        ("band", "Kategori"),
        ("change", f"Perubahan dari {prev}" if prev else "Perubahan"),
        ("national", "Nasional"),
        ("target", "Target"),
        ("capaian", "Capaian"),
    ]
    numeric = {"value", "change", "national", "target", "capaian"}
    findings = summary_sentences(data, province) + uncertainty_summary(data, province)
    sentences = "".join(f"<li>{s}</li>" for s in findings)
    _html(_table(rows, columns, numeric) + f"<ul class='findings'>{sentences}</ul>")


def summary_sentences(data: ReportData, province: str | None) -> list[str]:
    """A few sentences generated from the numbers (already escaped)."""
    code, prev, out = _code(province), data.previous, []
    where = "nasional" if province is None else esc(regions().province(province).name)
    row = data.region_row("ikotan_regions", code)
    if row is not None:
        text = (
            f"IKOTAN {where} tahun {data.year} sebesar <b>{angka(row['value'], 2)}</b> (skala 1–4; "
            f"{angka(row['value_100'], 1)} pada skala 0–100), kategori <b>{esc(row['band'])}</b>"
        )
        before = data.region_row("ikotan_regions", code, prev) if prev else None
        if before is not None:
            delta = row["value"] - before["value"]
            verb = "naik" if delta > 0.005 else "turun" if delta < -0.005 else "tetap"
            text += (
                f"; {verb} {angka(abs(delta), 2)} poin dari {prev}" if verb != "tetap" else f"; tetap dibanding {prev}"
            )
        if province is not None:
            text += f". Rata-rata nasional {angka(data.region_row('ikotan_regions', NATIONAL)['value'], 2)}."
        out.append(text + ("" if text.endswith(".") else "."))
        kpi = _kpi(data, code)
        target = kpi["target"].get("ikotan_n_tanggap") if "target" in kpi else None
        n, measured = int(row["n_success"]), int(row["n_measured"])
        clause = (
            f" (target {angka(target, 0)}; capaian {persen(kpi['capaian_pct'].get('ikotan_n_tanggap'))})"
            if target and not pd.isna(target)
            else ""
        )
        out.append(
            f"<b>{n}</b> dari {measured} kab/kota yang diukur berada pada kategori Tanggap atau lebih tinggi{clause}."
        )
        out.extend(_movers(data, province))
    row = data.region_row("ikkrn_regions", code)
    if row is not None and row.get("n_intervened", 0):
        text = (
            f"{angka(row['n_pulih'], 0)} dari {_decided(row)} kawasan rawan yang diintervensi "
            f"pulih ({persen(row['recovery_rate'])})"
        )
        if not pd.isna(row.get("n_rawan")):
            text += f"; hasil pemetaan mencatat {angka(row['n_rawan'], 0)} kawasan rawan (bahaya + waspada)"
            before = data.region_row("ikkrn_regions", code, prev) if prev else None
            if before is not None and not pd.isna(before.get("n_rawan")):
                moved = row["n_rawan"] - before["n_rawan"]
                text += f", {selisih(moved, 0)} dari {prev}" if moved else f", sama dengan {prev}"
        out.append(text + ".")
    return out


def _movers(data: ReportData, province: str | None) -> list[str]:
    """The kab/kota (or provinces) whose IKOTAN rose and fell most since the previous year."""
    prev = data.previous
    if prev is None:
        return []
    if province is None:
        now, before = (data.table("ikotan_regions", y) for y in (data.year, prev))
        now, before = (t[t["level"] == "provinsi"].set_index("region_code") for t in (now, before))
        label = now["region"]
    else:
        now = data.kabkota("ikotan_kabkota", province).set_index("kabkota_code")
        before = data.kabkota("ikotan_kabkota", province, prev).set_index("kabkota_code")
        label = now["kabkota"]
    change = (now["value"] - before["value"].reindex(now.index)).dropna()
    if len(change) < 2:
        return []
    up, down = change.idxmax(), change.idxmin()
    text = f"Kenaikan terbesar: {esc(label[up])} ({selisih(change[up])})"
    if change[down] < 0:
        text += f"; penurunan terbesar: {esc(label[down])} ({selisih(change[down])})"
    return [text + "."]


def performance(data: ReportData, province: str | None) -> None:
    """Capaian kinerja: programme outputs and outcome indices against their targets."""
    kpi = _kpi(data, _code(province))
    rows = []
    for kind, entries in (("Keluaran (output)", OUTPUT_ROWS), ("Hasil (outcome)", OUTCOME_ROWS)):
        for measure, label, unit, decimals in entries:
            if measure not in kpi.index:
                continue
            item = kpi.loc[measure]
            rows.append(
                {
                    "kind": kind,
                    "label": esc(label),
                    "unit": esc(unit),
                    "target": angka(item["target"], decimals),
                    "realisasi": angka(item["realisasi"], decimals),
                    "capaian": persen(item["capaian_pct"]),
                }
            )
    if not rows:
        _html("<p>Tidak ada data capaian kinerja untuk wilayah ini.</p>")
        return
    columns = [
        ("kind", "Jenis"),
        ("label", "Indikator"),
        ("unit", "Satuan"),
        ("target", "Target"),
        ("realisasi", "Realisasi"),
        ("capaian", "Capaian"),
    ]
    _html(
        _table(rows, columns, {"target", "realisasi", "capaian"})
        + "<p class='note'>Capaian = realisasi ÷ target × 100. Tanda – berarti target belum ditetapkan.</p>"
    )


def ikotan(data: ReportData, province: str | None) -> None:
    """IKOTAN by kab/kota (or by province): ranked chart with band edges, profile, table."""
    edges = data.table("ikotan_bands")
    national = data.region_row("ikotan_regions", NATIONAL)
    if province is None:
        table = data.table("ikotan_regions")
        table = table[table["level"] == "provinsi"].rename(columns={"region": "label"})
        title = "IKOTAN per provinsi (rata-rata kab/kota terukur)"
    else:
        table = data.kabkota("ikotan_kabkota", province).rename(columns={"kabkota": "label"})
        title = f"IKOTAN per kab/kota, {_name(province)} {data.year}"
    if table.empty:
        _html("<p>Tidak ada kab/kota yang diukur IKOTAN di wilayah ini.</p>")
        return
    key = "region_code" if province is None else "kabkota_code"
    table = table.merge(_intervals(data, "ikotan"), left_on=key, right_index=True, how="left")
    _show(charts.ranked_bars(table, edges, _value(national, "value_100"), title, label="label"))
    _html(
        "<p class='note'>Garis titik-titik: batas kategori (Juknis KOTAN 2021). Garis tegas: rata-rata nasional. "
        "Garis kecil di ujung batang: selang kepercayaan 95 % akibat pengambilan sampel responden.</p>"
    )
    _profile(data, province)
    _ikotan_table(data, province, table)


def _intervals(data: ReportData, index: str) -> pd.DataFrame:
    """lo95, hi95 and the uncertain flag by region code (empty when not computed)."""
    table = data.table(f"{index}_intervals")
    if table is None:
        return pd.DataFrame(columns=["lo95", "hi95", "uncertain"])
    return table.drop_duplicates("region_code").set_index("region_code")[["lo95", "hi95", "uncertain"]]


def _changes(data: ReportData, index: str) -> pd.Series:
    """Whether the change since last year is distinguishable from zero, by region code."""
    table = data.table(f"{index}_change")
    return pd.Series(dtype=bool) if table is None else table.set_index("region_code")["distinguishable"]


def _profile(data: ReportData, province: str | None) -> None:
    variables = data.table("ikotan_variable_regions")
    spec = data.results.specs.get("ikotan")
    if variables is None or spec is None:
        return
    names = {v.id: v.name for v in spec.variables}
    national = variables[variables["region_code"] == NATIONAL].set_index("variable_id")["score_100"]
    if province is None:
        return
    own = variables[variables["region_code"] == province].set_index("variable_id")["score_100"]
    order = [v for v in names if v in national.index]
    fig = charts.paired_bars(
        [names[v] for v in order],
        [own.get(v, float("nan")) for v in order],
        [national[v] for v in order],
        "Profil lima variabel IKOTAN",
        (_name(province).replace("Provinsi ", ""), "Nasional"),
    )
    _show(fig)


def _ikotan_table(data: ReportData, province: str | None, table: pd.DataFrame) -> None:
    colors, prev = _colors(data), data.previous
    key = "region_code" if province is None else "kabkota_code"
    before = pd.Series(dtype=float)
    if prev is not None:
        old = data.table("ikotan_regions" if province is None else "ikotan_kabkota", prev)
        if old is not None:
            before = old.drop_duplicates(key).set_index(key)["value"]
    rows, significant = [], _changes(data, "ikotan")
    for rank, row in enumerate(table.sort_values("value", ascending=False).itertuples(), start=1):
        count = row.n_respondents if province is not None else row.n_measured
        code = getattr(row, key)
        delta = selisih(row.value - before.get(code, float("nan")))
        if delta != "–" and code in significant.index:
            delta += " *" if significant[code] else ""
        uncertain = bool(getattr(row, "uncertain", False)) is True
        rows.append(
            {
                "rank": str(rank),
                "label": esc(row.label),
                "value": angka(row.value, 3),
                "value_100": angka(row.value_100, 2),
                "interval": f"{angka(row.lo95, 1)}–{angka(row.hi95, 1)}" if hasattr(row, "lo95") else "–",
                "band": _chip(row.band, colors) + (" <span class='uncertain'>belum pasti</span>" if uncertain else ""),
                "change": delta,
                "n": angka(count, 0),
            }
        )
    what = "Provinsi" if province is None else "Kab/Kota"
    count_label = "Kab/kota terukur" if province is None else "Responden"
    columns = [
        ("rank", "No."),
        ("label", what),
        ("value", "Nilai (1–4)"),
        ("value_100", "Nilai (0–100)"),
        ("interval", "Selang 95 %"),
        ("band", "Kategori"),
        ("change", f"Perubahan dari {prev}" if prev else "Perubahan"),
        ("n", count_label),
    ]
    _html(
        _table(rows, columns, {"value", "value_100", "interval", "change", "n"})
        + "<p class='note'><b>Belum pasti</b>: selang 95 % melintasi batas kategori, sehingga dengan "
        "responden lain kategorinya bisa berbeda. <b>*</b>: perubahan berbeda nyata dari nol (selang 95 % "
        "perubahan tidak memuat nol); tanpa tanda, perubahan masih dalam batas variasi sampel.</p>"
    )


def ikp(data: ReportData, province: str | None) -> None:
    """IKP by environment (lingkungan), region against nation, and by kab/kota."""
    envs = data.table("ikp_environment_regions")
    if envs is None:
        _html("<p>IKP tidak dihitung untuk tahun ini.</p>")
        return
    national = envs[envs["region_code"] == NATIONAL].set_index("group")["score_100"]
    own = envs[envs["region_code"] == _code(province)].set_index("group")["score_100"]
    order = [g for g in ENVIRONMENTS if g in national.index]
    if province is not None:
        _show(
            charts.paired_bars(
                [ENVIRONMENTS[g] for g in order],
                [own.get(g, float("nan")) for g in order],
                [national[g] for g in order],
                "IKP per lingkungan",
                (_name(province).replace("Provinsi ", ""), "Nasional"),
            )
        )
    detail = data.kabkota("ikp_environments", province)
    if detail.empty:
        return
    detail = suppress_small(detail, ["value", "value_100"])
    wide = detail.pivot_table(index="kabkota", columns="group", values="value", aggfunc="mean")
    if province is None:
        return
    colors = _colors(data, "ikp")
    kab = data.kabkota("ikp_kabkota", province).set_index("kabkota")
    rows = [
        {
            "label": esc(name),
            **{g: angka(wide.loc[name].get(g), 2) for g in order},
            "value": angka(kab.loc[name, "value"], 2),
            "band": _chip(kab.loc[name, "band"], colors),
        }
        for name in kab.sort_values("value", ascending=False).index
    ]
    columns = [
        ("label", "Kab/Kota"),
        *[(g, ENVIRONMENTS[g]) for g in order],
        ("value", "IKP"),
        ("band", "Kategori"),
    ]
    _html(
        _table(rows, columns, {*order, "value"})
        + "<p class='note'>IKP kab/kota = rata-rata keempat lingkungan (skala 1–4). "
        "Nilai dengan kurang dari 5 responden tidak ditampilkan.</p>"
    )


def ikkrn(data: ReportData, province: str | None) -> None:
    """IKKRN: status of intervened kawasan before/after, recovery rate, mapping counts."""
    recovery = data.kabkota("ikkrn_recovery", province)
    if recovery.empty:
        _html("<p>Tidak ada kawasan rawan yang diintervensi dan diukur di wilayah ini pada tahun ini.</p>")
        return
    _show(charts.status_before_after(recovery, f"Status kawasan yang diintervensi, {_name(province)} {data.year}"))
    regions_table = data.table("ikkrn_regions")
    level = "provinsi" if province is None else "kabkota"
    rows_table = regions_table[regions_table["level"] == level]
    if province is not None:
        rows_table = rows_table[rows_table["region_code"].str.startswith(province + ".")]
    rows_table = rows_table[rows_table["n_intervened"].fillna(0) > 0]
    rows = [
        {
            "label": esc(r.region),
            "n": _decided(r._asdict()),
            "pulih": angka(r.n_pulih, 0),
            "rate": persen(r.recovery_rate),
            "ci": f"{angka(r.lo95, 0)}–{angka(r.hi95, 0)} %",
            "delta": selisih(getattr(r, "mean_delta", float("nan")), 1),
            "rawan": angka(r.n_rawan, 0),
        }
        for r in rows_table.sort_values("recovery_rate", ascending=False).itertuples()
    ]
    what = "Provinsi" if province is None else "Kab/Kota"
    columns = [
        ("label", what),
        ("n", "Diintervensi"),
        ("pulih", "Pulih"),
        ("rate", "Tingkat keterpulihan"),
        ("ci", "Selang 95 %"),
        ("delta", "Perubahan skor IKKRN (0–100)"),
        ("rawan", "Kawasan rawan (pemetaan)"),
    ]
    _html(
        _table(rows, columns, {"n", "pulih", "rate", "ci", "delta", "rawan"})
        + "<p class='note'>Pulih: status sebelum intervensi bahaya atau waspada, sesudahnya siaga atau aman. "
        "Kawasan rawan = bahaya + waspada. Selang 95 %: selang Wilson untuk proporsi; dengan sedikit kawasan "
        "selangnya lebar.</p>"
    )


def _decided(row) -> str:
    """The kawasan whose recovery is known, and in words those that blank data leave open."""
    unknown = row.get("n_unknown", 0)
    text = angka(row["n_decided"], 0)
    return text + (f" (+{angka(unknown, 0)} belum pasti: data kosong)" if unknown and not pd.isna(unknown) else "")


def ikktt(data: ReportData, province: str | None) -> None:
    """IKKTT where it applies; one line where it does not."""
    recovery = data.kabkota("ikktt_recovery", province)
    if recovery.empty:
        _html(
            "<p>IKKTT tidak berlaku: wilayah ini tidak memiliki kawasan tanaman terlarang yang diukur "
            f"pada tahun {data.year}.</p>"
        )
        return
    table = data.table("ikktt_regions")
    level = "provinsi" if province is None else "kabkota"
    table = table[table["level"] == level]
    if province is not None:
        table = table[table["region_code"].str.startswith(province + ".")]
    rows = [
        {
            "label": esc(r.region),
            "n": _decided(r._asdict()),
            "pulih": angka(r.n_pulih, 0),
            "rate": persen(r.recovery_rate),
            "before": angka(r.mean_before, 1),
            "after": angka(r.mean_after, 1),
        }
        for r in table.itertuples()
    ]
    columns = [
        ("label", "Kab/Kota" if province else "Provinsi"),
        ("n", "Kawasan diukur"),
        ("pulih", "Pulih"),
        ("rate", "Tingkat keterpulihan"),
        ("before", "Skor sebelum (0–100)"),
        ("after", "Skor sesudah (0–100)"),
    ]
    _html(
        _table(rows, columns, {"n", "pulih", "rate", "before", "after"})
        + "<p class='note'>Pulih: skor sesudah intervensi ≥ 50,01 dan tidak ada ladang ganja aktif. "
        "Struktur IKKTT masih berupa asumsi (lihat catatan metodologi).</p>"
    )


def trend(data: ReportData, province: str | None) -> None:
    """The indices across the available years, region against nation."""
    years = sorted(data.history)
    code = _code(province)

    def series(table: str, column: str, region: str) -> pd.Series:
        return pd.Series({y: _value(data.region_row(table, region, y), column) for y in years})

    lines = {}
    where = "Nasional" if province is None else regions().province(province).name
    lines[f"IKOTAN {where}"] = series("ikotan_regions", "value", code)
    if province is not None:
        lines["IKOTAN nasional"] = series("ikotan_regions", "value", NATIONAL)
    lines[f"IKP {where}"] = series("ikp_regions", "value", code)
    if province is not None:
        lines["IKP nasional"] = series("ikp_regions", "value", NATIONAL)
    _show(charts.trend(lines, f"Tren IKOTAN dan IKP, {', '.join(map(str, years))}", "Skala 1–4"))
    rows = []
    for y in years:
        ikot = data.region_row("ikotan_regions", code, y)
        krn = data.region_row("ikkrn_regions", code, y)
        rows.append(
            {
                "year": str(y),
                "ikotan": angka(_value(ikot, "value"), 3),
                "success": angka(_value(ikot, "n_success"), 0),
                "ikp": angka(_value(data.region_row("ikp_regions", code, y), "value"), 3),
                "rate": persen(_value(krn, "recovery_rate")),
                "rawan": angka(_value(krn, "n_rawan"), 0),
            }
        )
    columns = [
        ("year", "Tahun"),
        ("ikotan", "IKOTAN"),
        ("success", "Kab/kota Tanggap ke atas"),
        ("ikp", "IKP"),
        ("rate", "Keterpulihan kawasan"),
        ("rawan", "Kawasan rawan"),
    ]
    _html(_table(rows, columns, {"ikotan", "success", "ikp", "rate", "rawan"}))


def tile_map(data: ReportData, province: str | None, boundary_file: str | None = None) -> None:
    """A map: a built-in tile grid, or real boundaries from a user-supplied GeoJSON file."""
    colors = _colors(data)
    if province is None:
        table = data.table("ikotan_regions")
        table = table[table["level"] == "provinsi"].set_index("region_code")
        codes = list(charts.PROVINCE_TILES)
        tiles = pd.DataFrame(
            {
                "code": codes,
                "col": [charts.PROVINCE_TILES[c][0] for c in codes],
                "row": [charts.PROVINCE_TILES[c][1] for c in codes],
            }
        )
        names = {c: regions().province(c).name for c in codes}
        title = "Peta kategori IKOTAN per provinsi (kisi ubin, bukan skala)"
    else:
        table = data.kabkota("ikotan_kabkota", province).set_index("kabkota_code")
        codes = list(regions().kabkota_of(province)["code"])
        tiles = charts.grid_positions(codes)
        names = {c: regions().get(c).short_name for c in codes}
        title = f"Peta kategori IKOTAN kab/kota, {_name(province)} (kisi ubin menurut kode wilayah)"
    band = {c: str(table.loc[c, "band"]) for c in codes if c in table.index}
    fill = {c: colors.get(band[c], NO_DATA) if c in band else NO_DATA for c in codes}
    if boundary_file and Path(boundary_file).is_file():
        _show(charts.boundary_map(boundary_file, fill, title.split(" (")[0]))
        return
    tiles["label"] = tiles["code"].map(names)
    tiles["note"] = tiles["code"].map(lambda c: angka(table.loc[c, "value"], 2) if c in table.index else "")
    tiles["color"] = tiles["code"].map(fill)
    _show(charts.tile_map(tiles, fill, title, {**colors, "Tidak diukur": NO_DATA}))


def methodology(data: ReportData, province: str | None) -> None:
    """Spec ids and versions, assumptions, coverage, sample sizes, data source, build facts."""
    meta = data.meta
    specs = meta.get("specs", {})
    rows = [
        {
            "index": esc(s["index"]),
            "id": esc(s["id"]),
            "version": esc(s["version"]),
            "n": str(len(s.get("assumptions", []))),
        }
        for s in specs.values()
    ]
    parts = [
        "<h3>Spesifikasi indeks</h3>",
        _table(
            rows,
            [("index", "Indeks"), ("id", "Spesifikasi"), ("version", "Versi"), ("n", "Unsur diasumsikan")],
        ),
    ]
    parts.append(
        "<h3>Asumsi yang berlaku</h3><p>Unsur berikut tidak terdokumentasi dalam sumber publik dan "
        "ditetapkan sebagai asumsi (catatan lengkapnya ada di berkas spesifikasi):</p><ul class='assumptions'>"
    )
    for s in specs.values():
        notes = [a for a in s.get("assumptions", []) if a.get("note")]
        for a in notes[:6]:
            name = SECTION_NAMES.get(a["name"], a["name"])
            parts.append(f"<li><b>{esc(s['index'])}</b> · {esc(name)}: {esc(a['note'])}</li>")
        if len(notes) > 6:
            parts.append(f"<li><b>{esc(s['index'])}</b> · {len(notes) - 6} unsur lain (lihat berkas spesifikasi).</li>")
    parts.append("</ul>")
    parts.append("<h3>Cakupan dan ukuran sampel</h3>")
    parts.append(_coverage(data, province))
    parts.append(_data_warnings(data, province))
    synthetic = meta.get("synthetic")
    files = "; ".join(_input_files(table, read) for table, read in meta.get("inputs", {}).items())
    parts.append(
        "<h3>Sumber data dan pembuatan</h3><ul>"
        + (
            "<li><b>Data contoh sintetis</b> (dibangkitkan oleh <code>bnn sample</code>); bukan data BNN.</li>"
            if synthetic
            else ""
        )
        + f"<li>Berkas masukan: {files}.</li>"
        f"<li>Indeks dihitung: {esc(meta.get('computed_at', '–'))}; laporan dibuat: "
        f"{datetime.now(UTC).isoformat(timespec='seconds')}.</li>"
        f"<li>Perangkat lunak: bnn_lib {esc(version('bnn-lib'))}, pandas {esc(pd.__version__)}.</li></ul>"
    )
    _html("".join(parts))


def _data_warnings(data: ReportData, province: str | None, shown: int = 8) -> str:
    """The warnings raised on the input data: those naming a kab/kota of the province (all of
    them in the national report), a few in full and the count of the rest."""
    warnings = data.meta.get("warnings", [])
    if province is not None:
        codes = set(regions().kabkota_of(province)["code"])
        warnings = [w for w in warnings if codes & set(re.findall(r"\b\d{2}\.\d{2}\b", w))]
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in warnings[:shown])
    if len(warnings) > shown:
        items += f"<li>… dan {len(warnings) - shown} peringatan lain (daftar lengkap di specs.json hasil).</li>"
    return (
        f"<h3>Peringatan data</h3><p>Data masukan dapat dihitung, tetapi {len(warnings)} hal perlu diperiksa "
        f"(tidak menghentikan perhitungan):</p><ul class='assumptions'>{items}</ul>"
    )


def _input_files(table: str, files: list[dict]) -> str:
    """The files a table was read from, in a few words: names, or how many and where."""
    names = [place(f["file"], f.get("sheet")) for f in files]
    if len(names) > 3:
        folders = sorted({str(Path(n).parent) for n in names})
        return f"{esc(table)}: {len(names)} berkas di {esc(', '.join(folders))}"
    return f"{esc(table)}: {esc(', '.join(names))}"


def _coverage(data: ReportData, province: str | None) -> str:
    measured = data.kabkota("ikotan_kabkota", province)
    universe = regions().kabkota_table if province is None else regions().kabkota_of(province)
    missing = universe[~universe["code"].isin(measured["kabkota_code"])]
    text = (
        f"<p>IKOTAN diukur di <b>{len(measured)}</b> dari {len(universe)} kab/kota "
        f"({persen(100 * len(measured) / max(len(universe), 1))}), yaitu kab/kota yang memiliki BNNK dalam data."
    )
    if not measured.empty:
        n = measured["n_respondents"]
        text += f" Responden IKOTAN: {angka(n.sum(), 0)} orang ({angka(n.min(), 0)}–{angka(n.max(), 0)} per kab/kota)."
    ikp_rows = data.kabkota("ikp_kabkota", province)
    if not ikp_rows.empty:
        text += f" Responden IKP: {angka(ikp_rows['n_respondents'].sum(), 0)} orang."
    text += "</p>"
    if province is not None and len(missing):
        names = ", ".join(esc(regions().label(c)) for c in missing["code"])
        text += f"<p class='note'>Tidak diukur: {names}.</p>"
    return text


def band_distribution(data: ReportData) -> None:
    """National report: how many kab/kota of each province fall in each IKOTAN band."""
    table = data.table("ikotan_regions")
    colors = _colors(data)
    labels = list(colors)
    rows = []
    for r in table[table["level"] == "provinsi"].sort_values("value", ascending=False).itertuples():
        row = {
            "label": esc(r.region),
            "n": angka(r.n_measured, 0),
            "success": angka(r.n_success, 0),
            "share": persen(r.pct_success, 0),
        }
        for label in labels:
            row[label] = angka(table.loc[table["region_code"] == r.region_code, f"n_{label}"].iloc[0], 0)
        rows.append(row)
    columns = [
        ("label", "Provinsi"),
        ("n", "Kab/kota terukur"),
        *[(lab, lab) for lab in labels],
        ("success", "Tanggap ke atas"),
        ("share", "Persentase"),
    ]
    _html(_table(rows, columns, {"n", "success", "share", *labels}))


def ikp_provinces(data: ReportData) -> None:
    """National report: IKP by environment for the nation, and each province's IKP."""
    ikp(data, None)
    envs = data.table("ikp_environment_regions")
    table = data.table("ikp_regions")
    if envs is None or table is None:
        return
    wide = envs[envs["level"] == "provinsi"].pivot_table(index="region_code", columns="group", values="score")
    colors = _colors(data, "ikp")
    order = [g for g in ENVIRONMENTS if g in wide.columns]
    rows = [
        {
            "label": esc(r.region),
            **{g: angka(wide.loc[r.region_code].get(g), 2) for g in order},
            "value": angka(r.value, 2),
            "band": _chip(r.band, colors),
        }
        for r in table[table["level"] == "provinsi"].sort_values("value", ascending=False).itertuples()
    ]
    national = envs[envs["region_code"] == NATIONAL].set_index("group")["score"]
    rows.insert(
        0,
        {
            "label": "<b>Nasional</b>",
            **{g: angka(national.get(g), 2) for g in order},
            "value": angka(data.region_row("ikp_regions", NATIONAL)["value"], 2),
            "band": "–",
        },
    )
    columns = [
        ("label", "Provinsi"),
        *[(g, ENVIRONMENTS[g]) for g in order],
        ("value", "IKP"),
        ("band", "Kategori"),
    ]
    _html(_table(rows, columns, {*order, "value"}))


def uncertainty_summary(data: ReportData, province: str | None) -> list[str]:
    """Sentences on how sure the IKOTAN numbers are (already escaped)."""
    intervals = data.table("ikotan_intervals")
    if intervals is None:
        return []
    code = _code(province)
    own = intervals[intervals["region_code"] == code]
    out = []
    if len(own):
        row = own.iloc[0]
        where = "nasional" if province is None else esc(regions().province(province).name)
        out.append(
            f"Selang kepercayaan 95 % IKOTAN {where}: {angka(row['lo95'], 1)}–{angka(row['hi95'], 1)} (skala 0–100)."
        )
    kab = intervals[intervals["level"] == "kabkota"]
    if province is not None:
        kab = kab[kab["region_code"].str.startswith(province + ".")]
    uncertain = kab[kab["uncertain"].astype(bool)]
    if len(uncertain):
        names = ", ".join(esc(regions().label(c)) for c in uncertain["region_code"][:6])
        more = f" dan {len(uncertain) - 6} lainnya" if len(uncertain) > 6 else ""
        out.append(
            f"<b>{len(uncertain)}</b> kab/kota berkategori <b>belum pasti</b> ({names}{more}): nilainya dekat batas "
            "kategori, sehingga dengan responden lain kategorinya bisa berbeda."
        )
    elif len(kab):
        out.append("Kategori semua kab/kota yang diukur sudah pasti: selang 95 % tidak melintasi batas kategori.")
    return out


def audit_appendix(data: ReportData) -> None:
    """National report appendix: the statistical audit and the sensitivity to the assumptions."""
    variables = data.table("ikotan_audit_variables")
    if variables is None:
        _html("<p>Audit statistik tidak dihitung untuk tahun ini.</p>")
        return
    correlations = data.table("ikotan_audit_correlations")
    rows = []
    for r in variables.itertuples():
        related = correlations[(correlations["b"] == r.variable_id) | (correlations["a"] == r.variable_id)]
        rows.append(
            {
                "variable": esc(r.variable),
                "items": str(r.n_items),
                "alpha_items": angka(r.alpha_items, 2),
                "alpha_ind": angka(r.alpha_indicators, 2),
                "pca": persen(100 * r.pca_first_share),
                "coverage": persen(100 * r.coverage) + (" ⚠" if r.low_coverage else ""),
                "flags": str(int(related["collinear"].sum() + related["negative"].sum())),
            }
        )
    columns = [
        ("variable", "Variabel"),
        ("items", "Butir"),
        ("alpha_items", "α butir"),
        ("alpha_ind", "α indikator"),
        ("pca", "Komponen utama pertama"),
        ("coverage", "Kelengkapan"),
        ("flags", "Korelasi ditandai"),
    ]
    pairs = correlations[correlations["kind"] == "indicator-indicator"]
    _html(
        "<h3>Konsistensi dan struktur</h3>"
        + _table(rows, columns, {"items", "alpha_items", "alpha_ind", "pca", "coverage", "flags"})
        + f"<p class='note'>α Cronbach ≥ 0,7 menandakan butir/indikator suatu variabel konsisten. "
        f"Korelasi ditandai: r &gt; 0,9 (kolinear) atau r &lt; −0,4 (berlawanan arah). Dari {len(pairs)} pasangan "
        f"indikator dalam variabel yang sama, {int(pairs['collinear'].sum())} kolinear dan "
        f"{int(pairs['negative'].sum())} berlawanan arah. Kelengkapan di bawah 66 % ditandai ⚠.</p>"
    )
    ranks = data.table("ikotan_rank_intervals")
    sobol = data.table("ikotan_sobol")
    if ranks is None or sobol is None:
        return
    _html("<h3>Kepekaan peringkat terhadap asumsi</h3>")
    _show(
        charts.rank_intervals(
            ranks, f"Peringkat kab/kota: nominal dan selang 5–95 % ({int(sobol['runs'].iloc[0])} simulasi)"
        )
    )
    names = {
        "variable_weights": "Bobot variabel (±25 %)",
        "indicator_weights": "Bobot indikator (±25 %)",
        "aggregation": "Agregasi aritmetik/geometrik",
        "unit_weighting": "Bobot unit observasi (setara/gabung)",
        "bands": "Skema kategori (tetap/interval sama)",
    }
    wide = sobol.pivot_table(index="input", columns="output", values=["S1", "ST"])
    srows = [
        {
            "input": esc(names.get(i, i)),
            "s1_rank": angka(wide.loc[i, ("S1", "mean_abs_rank_shift")], 2),
            "st_rank": angka(wide.loc[i, ("ST", "mean_abs_rank_shift")], 2),
            "s1_band": angka(wide.loc[i, ("S1", "share_band_changed")], 2),
            "st_band": angka(wide.loc[i, ("ST", "share_band_changed")], 2),
        }
        for i in wide.index
    ]
    moved = ranks.assign(width=ranks["p95_rank"] - ranks["p05_rank"])
    _html(
        _table(
            srows,
            [
                ("input", "Asumsi"),
                ("s1_rank", "S1 pergeseran peringkat"),
                ("st_rank", "ST pergeseran peringkat"),
                ("s1_band", "S1 perubahan kategori"),
                ("st_band", "ST perubahan kategori"),
            ],
            {"s1_rank", "st_rank", "s1_band", "st_band"},
        )
        + "<p class='note'>Indeks Sobol orde pertama (S1) dan total (ST): bagian ragam keluaran yang berasal dari "
        "tiap asumsi (ST memasukkan interaksi). Dihitung dengan SALib. Median lebar selang peringkat: "
        f"{angka(moved['width'].median(), 0)} peringkat; kab/kota dengan kategori yang berubah di sebagian "
        f"simulasi: {int((ranks['share_other_band'] > 0).sum())} dari {len(ranks)}.</p>"
    )
    drop = data.table("ikotan_drop_one")
    if drop is not None:
        drop = drop.sort_values("mean_abs_rank_shift", ascending=False).head(5)
        drows = [
            {
                "ind": esc(r.indicator_id.replace("_", " ")),
                "mean": angka(r.mean_abs_rank_shift, 1),
                "max": angka(r.max_abs_rank_shift, 0),
                "bands": str(r.n_band_changed),
            }
            for r in drop.itertuples()
        ]
        _html(
            "<h4>Jika satu indikator dihilangkan (lima terbesar pengaruhnya)</h4>"
            + _table(
                drows,
                [
                    ("ind", "Indikator"),
                    ("mean", "Rata-rata pergeseran peringkat"),
                    ("max", "Pergeseran terbesar"),
                    ("bands", "Kab/kota berubah kategori"),
                ],
                {"mean", "max", "bands"},
            )
        )
