"""``reports/<year>/index.html``: every report of a year with its headline numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import data as report_data
from bnn_lib.reporting.fmt import angka, band_colors, esc, persen
from bnn_lib.reporting.html import page
from bnn_lib.writing import write_atomic

STATUS = {"ok": "", "skipped": "", "failed": "gagal", "timeout": "melewati batas waktu"}


def _regions(data: report_data.ReportData, name: str) -> pd.DataFrame:
    """Province and national rows of a ``*_regions`` table by region code (empty if not computed)."""
    table = data.table(name)
    if table is None:
        return pd.DataFrame()
    return table[table["level"] != "kabkota"].set_index("region_code")


def write(folder: Path, year: int, reports: list[dict]) -> Path:
    """Write the index page linking ``reports`` (manifest rows) with headline numbers."""
    data = report_data.load(year, str(folder.parent))
    ikotan, ikp, krn = (_regions(data, name) for name in ("ikotan_regions", "ikp_regions", "ikkrn_regions"))
    bands = data.table("ikotan_bands")
    colors = band_colors(list(bands["label"])) if bands is not None else {}
    rows = []
    for report in sorted(reports, key=lambda r: (r["key"] != "nasional", r["key"])):
        code = "00" if report["key"] == "nasional" else report["key"]
        name = "Nasional" if code == "00" else regions().province(code).name
        link = Path(report["html"]).name
        ok = report["status"] in ("ok", "skipped") and (folder / link).exists()
        label = f'<a href="{esc(link)}">{esc(name)}</a>' if ok else esc(name)
        if not ok:
            label += f' <span class="fail">({esc(STATUS.get(report["status"], report["status"]))})</span>'
        i = ikotan.loc[code] if code in ikotan.index else None
        band = "" if i is None else str(i["band"])
        chip = f'<span class="chip" style="background:{colors.get(band, "#ddd")}">{esc(band)}</span>' if band else "–"
        success = f"{int(i['n_success'])} / {int(i['n_measured'])}" if i is not None else "–"
        rows.append(
            "<tr>"
            f"<td>{label}</td>"
            f'<td class="num">{angka(i["value"], 2) if i is not None else "–"}</td><td>{chip}</td>'
            f'<td class="num">{success}</td>'
            f'<td class="num">{angka(ikp.loc[code, "value"], 2) if code in ikp.index else "–"}</td>'
            f'<td class="num">{persen(krn.loc[code, "recovery_rate"]) if code in krn.index else "–"}</td>'
            "</tr>"
        )
    banner = '<div class="banner">DATA CONTOH SINTETIS — bukan data BNN.</div>' if data.meta.get("synthetic") else ""
    body = (
        f"{banner}<h1>Laporan Kinerja Pemberdayaan Masyarakat {year}</h1>"
        "<p class='subtitle'>Laporan tahunan per provinsi dan nasional: IKOTAN, IKP, IKKRN dan IKKTT.</p>"
        '<table class="data"><thead><tr><th>Wilayah</th><th class="num">IKOTAN</th><th>Kategori</th>'
        '<th class="num">Kab/kota Tanggap ke atas</th><th class="num">IKP</th>'
        '<th class="num">Keterpulihan kawasan</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
        "<p class='note'>Nilai IKOTAN dan IKP pada skala 1–4; keterpulihan = kawasan rawan diintervensi yang pulih. "
        "Manifest pembuatan: <a href='manifest.json'>manifest.json</a>.</p>"
    )
    path = folder / "index.html"
    write_atomic(path, page(f"Laporan Kinerja {year}", body))
    return path
