"""``reports/<year>/index.html``: every report of a year with its headline numbers, and a search
box that finds a province or kab/kota offline (an inline script, nothing fetched) by the names the
region registry knows: official names, province aliases ("Jabar"), names without "Kab."/"Kota"."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bnn_lib.regions import NATIONAL, TYPE_PREFIXES, normalise_name, regions
from bnn_lib.reporting import data as report_data
from bnn_lib.reporting import is_kabkota, pdf, report_file, words, workbook
from bnn_lib.reporting.fmt import angka, band_colors, esc, persen
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.html import page
from bnn_lib.reporting.jobs import STANDING, Status
from bnn_lib.reporting.words import SYNTHETIC, SYNTHETIC_WHY
from bnn_lib.writing import write_atomic

STATUS = {Status.OK: "", Status.SKIPPED: "", Status.FAILED: "gagal", Status.TIMEOUT: "melewati batas waktu"}

# The search box. Offline, no library: each row carries in ``data-cari`` the names it is known
# by (:func:`search_terms`), already normalised as the registry normalises names, so the script
# only has to normalise what is typed the same way and spell out its type prefix with the
# registry's own patterns (TYPE_PREFIXES, filled in below).
SEARCH = r"""<p><label for="cari">Cari provinsi atau kab/kota: </label>
<input id="cari" type="search" placeholder="mis. Aceh Besar, Jabar, Bogor" autocomplete="off"
 style="padding:4px 8px;width:18em">
<span id="jumlah" class="note"></span></p>
<script>
(function () {
  // A row is shown when what is typed begins a word of one of its names: "bogor" finds
  // "kabupaten bogor" and "kota bogor", "kota bogor" only the kota, "jabar" Jawa Barat (its
  // names) and its kab/kota (their province's names). Not anywhere inside a word: short
  // aliases would hit unrelated names ("nad" in "Manado"). The names are joined by " | ",
  // which no query holds, so a query never runs from one name into the next.
  var prefixes = __PREFIXES__;
  var box = document.getElementById("cari"), count = document.getElementById("jumlah");
  var norm = function (s) {  // as bnn_lib.regions.normalise_name, accents dropped too
    s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    return s.replace(/[^\p{L}\p{N}_\s]/gu, " ").replace(/\s+/g, " ").trim();
  };
  var query = function (s) {  // "Kab. Bogor" -> "kabupaten bogor", as the registry reads it
    var q = norm(s);
    for (var i = 0; i < prefixes.length; i++) {
      var m = q.match(new RegExp(prefixes[i][0]));
      if (m) { return prefixes[i][1] + " " + q.slice(m[0].length); }
    }
    return q;
  };
  box.addEventListener("input", function () {
    // Looked up here: the tables come after this script in the page.
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-cari]"));
    var q = query(box.value), shown = 0;
    rows.forEach(function (r) {
      var hit = !q || (" " + r.getAttribute("data-cari")).indexOf(" " + q) >= 0;
      r.style.display = hit ? "" : "none";
      shown += hit ? 1 : 0;
    });
    count.textContent = q ? shown + " wilayah ditemukan" : "";
  });
})();
</script>""".replace("__PREFIXES__", json.dumps(TYPE_PREFIXES))


def search_terms(code: str) -> str:
    """The names the search box finds the row of region ``code`` by (``NATIONAL`` for the
    nation), normalised as the registry normalises names and joined by " | ". A province: its
    name and aliases, each after "provinsi" ("provinsi jawa barat | provinsi jabar" for "32"). A
    kab/kota: its name with the type spelled out, its official name, and its province's name and
    aliases ("kabupaten bogor | jawa barat | jabar" for "32.01")."""
    if code == NATIONAL:
        return "nasional"
    registry = regions()
    province = registry.province_of(code)
    names = [normalise_name(name) for name in (province.name, *registry.aliases(province.code))]
    if code == province.code:
        terms = [f"provinsi {name}" for name in names]
    else:
        region = registry.kabkota(code)
        terms = [f"{region.type} {normalise_name(region.short_name)}", normalise_name(region.name), *names]
    return " | ".join(dict.fromkeys(terms))


def search_row(code: str) -> str:
    """The opening ``<tr>`` of region ``code``'s row, with the names the search box reads."""
    return f'<tr data-cari="{esc(search_terms(code))}">'


def _regions(data: report_data.ReportData, name: str) -> pd.DataFrame:
    """Rows of a ``*_regions`` table by region code (empty if not computed)."""
    table = data.table(name)
    return pd.DataFrame() if table is None else table.drop_duplicates("region_code").set_index("region_code")


def _kabkota(data: report_data.ReportData, index: str) -> pd.DataFrame:
    table = data.table(f"{index}_kabkota")
    return pd.DataFrame() if table is None else table.set_index("kabkota_code")


def _link(folder: Path, report: dict, name: str) -> str:
    """The region's name, linked to its report when the report was written."""
    # By the report's key, not its recorded path: the year's folder may have moved since.
    link = report_file(report["key"])
    if report["status"] in STANDING and (folder / link).exists():
        # A PDF older than its page was printed from an earlier version: not linked.
        printed = Path(link).with_suffix(".pdf").as_posix()
        extra = f' · <a href="{esc(printed)}">PDF</a>' if pdf.printed(folder / link) else ""
        return f'<a href="{esc(link)}">{esc(name)}</a>{extra}'
    return f'{esc(name)} <span class="fail">({esc(STATUS.get(report["status"], report["status"]))})</span>'


def _chip(band: object, colors: dict[str, str]) -> str:
    if band is None or pd.isna(band):
        return "–"
    return f'<span class="chip" style="background:{colors.get(str(band), "#ddd")}">{esc(band)}</span>'


def _value(table: pd.DataFrame, code: str, column: str, show=angka) -> str:
    return show(table.loc[code, column]) if code in table.index and column in table else "–"


def _shown(data: report_data.ReportData, index: str, table: pd.DataFrame, code: str) -> str:
    """Region ``code``'s value of ``index`` on the index's headline scale ("–" without one)."""
    if data.spec(index) is None:
        return "–"
    shown = headline(data, index)
    return _value(table, code, shown.column("value_100"), shown.value)


def write(folder: Path, year: int, reports: list[dict]) -> Path:
    """Write the index page linking ``reports`` (manifest rows) with headline numbers."""
    data = report_data.load(year, str(folder.parent))
    ikotan, ikp, krn = (_regions(data, name) for name in ("ikotan_regions", "ikp_regions", "ikkrn_regions"))
    bands = data.table("ikotan_bands")
    colors = band_colors(list(bands["label"])) if bands is not None else {}
    regional = [r for r in reports if not is_kabkota(r["key"])]
    local = sorted((r for r in reports if is_kabkota(r["key"])), key=lambda r: r["key"])
    rows = []
    for report in sorted(regional, key=lambda r: (r["key"] != "nasional", r["key"])):
        code = NATIONAL if report["key"] == "nasional" else report["key"]
        name = "Nasional" if code == NATIONAL else regions().province(code).name
        success = (
            f"{int(ikotan.loc[code, 'n_success'])} / {int(ikotan.loc[code, 'n_measured'])}"
            if code in ikotan.index
            else "–"
        )
        rows.append(
            f"{search_row(code)}<td>{_link(folder, report, name)}</td>"
            f'<td class="num">{_shown(data, "ikotan", ikotan, code)}</td>'
            f"<td>{_chip(ikotan.loc[code, 'band'] if code in ikotan.index else None, colors)}</td>"
            f'<td class="num">{success}</td><td class="num">{_shown(data, "ikp", ikp, code)}</td>'
            f'<td class="num">{_value(krn, code, "recovery_rate", persen)}</td></tr>'
        )
    has_ikotan, has_ikp = data.spec("ikotan") is not None, data.spec("ikp") is not None
    success_band = words.success_band(data) if has_ikotan else "–"
    scales = ", ".join(f"{i.upper()} {headline(data, i).scale}" for i in ("ikotan", "ikp") if data.spec(i))
    banner = f'<div class="banner">{SYNTHETIC}. {SYNTHETIC_WHY}.</div>' if data.meta.get("synthetic") else ""
    body = (
        f"{banner}<h1>Laporan Kinerja Pemberdayaan Masyarakat {year}</h1>"
        "<p class='subtitle'>Laporan tahunan nasional, per provinsi dan per kab/kota: IKOTAN, IKP, IKKRN dan "
        "IKKTT.</p>"
        + SEARCH
        + '<table class="data"><thead><tr><th>Wilayah</th><th class="num">IKOTAN</th><th>Kategori</th>'
        f'<th class="num">Kab/kota {esc(success_band)} ke atas</th><th class="num">IKP</th>'
        '<th class="num">Keterpulihan kawasan</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + _kabkota_table(folder, data, local, colors if has_ikotan else {}, has_ikp)
        + f"<p class='note'>Skala nilai: {esc(scales)}; keterpulihan = kawasan rawan diintervensi yang pulih. "
        f"Tabel untuk laporan kinerja (Excel): <a href='{workbook.file_name(year)}'>{workbook.file_name(year)}</a>. "
        "Manifest pembuatan: <a href='manifest.json'>manifest.json</a>.</p>"
    )
    path = folder / "index.html"
    write_atomic(path, page(f"Laporan Kinerja {year}", body))
    return path


def _kabkota_table(
    folder: Path, data: report_data.ReportData, reports: list[dict], colors: dict[str, str], has_ikp: bool
) -> str:
    """The kab/kota reports, by province then code, with IKOTAN, its band and IKP."""
    if not reports:
        return ""
    ikotan, ikp = _kabkota(data, "ikotan"), _kabkota(data, "ikp")
    rows = []
    for report in reports:
        code = report["key"]
        name, province = regions().label(code), regions().province_of(code).name
        rows.append(
            f"{search_row(code)}<td>{_link(folder, report, name)}</td>"
            f"<td>{esc(province)}</td>"
            f'<td class="num">{_shown(data, "ikotan", ikotan, code)}</td>'
            f"<td>{_chip(ikotan.loc[code, 'band'] if code in ikotan.index else None, colors)}</td>"
            f'<td class="num">{_shown(data, "ikp", ikp, code) if has_ikp else "–"}</td></tr>'
        )
    return (
        f"<h2>Laporan kab/kota ({len(reports)})</h2>"
        '<table class="data"><thead><tr><th>Kab/kota</th><th>Provinsi</th><th class="num">IKOTAN</th>'
        '<th>Kategori</th><th class="num">IKP</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )
