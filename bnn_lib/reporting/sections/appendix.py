"""The back of a report: methodology note (specs, assumptions, coverage, data warnings,
sources), the band distribution by province, the uncertainty sentences and the statistical
audit with the sensitivity analysis."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import is_kabkota, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen, rentang, ringkas, waktu
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.breaks import breaks
from bnn_lib.reporting.sections.components import NATIONAL, Section, code_of, colors_of, html_table
from bnn_lib.reporting.words import BACKCAST
from bnn_lib.spec import PROVENANCE_WORDS, IndexSpec
from bnn_lib.uncertainty import bounds
from bnn_lib.workspace import suite_version

SECTION_NAMES = {
    "indicators": "kelompok responden per indikator",
    "variables": "struktur variabel",
    "groups": "kelompok responden",
    "effect": "efek intervensi",
    "scale": "skala jawaban",
    "weighting": "pembobotan",
    "aggregation": "agregasi",
    "rescale": "konversi skala",
    "bands": "kategori",
    "status_rule": "aturan status kawasan",
    "recovery": "aturan pulih",
    "reporting": "pelaporan",
}
ASSUMPTIONS_SHOWN = 6  # per index; the spec file has the rest
KABKOTA_CODE = re.compile(r"\b\d{2}\.\d{2}\b")  # "11.09", as a warning names a kab/kota


def methodology(data: ReportData, province: str | None) -> Section:
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
        html_table(
            rows,
            [("index", "Indeks"), ("id", "Spesifikasi"), ("version", "Versi"), ("n", "Unsur tidak terdokumentasi")],
        ),
        _series_specs(data),
        _other_scales(data),
        "<h3>Asumsi yang berlaku</h3><p>Unsur berikut tidak terdokumentasi dalam sumber publik: disimpulkan dari "
        "fakta yang terdokumentasi, atau ditetapkan sebagai asumsi (catatan lengkapnya ada di berkas "
        "spesifikasi):</p><ul class='assumptions'>",
        *(_assumptions(s, data.spec(key)) for key, s in specs.items()),
        "</ul>",
        _method_breaks(data),
        "<h3>Cakupan dan ukuran sampel</h3>",
        _coverage(data, province),
        _data_warnings(data, province),
        _sources(meta),
    ]
    return Section.of("".join(parts))


def _other_scales(data: ReportData) -> str:
    """Each index on the scale the reports do not show, with the linear map between the two and
    the nation's value on it: the only place the other scale appears."""
    lines = []
    for index in data.meta.get("specs", {}):
        spec, national = data.spec(index), data.region_row(f"{index}_regions", NATIONAL)
        if spec is None or spec.rescale is None or national is None or "value_100" not in national:
            continue
        shown, (lo, hi), (a, b) = headline(data, index), spec.rescale.from_range, spec.rescale.to_range
        other = rentang(a, b) if shown.on_score else rentang(lo, hi)
        lines.append(
            f"{esc(index.upper())} ditampilkan pada skala {shown.scale}; skala {rentang(lo, hi)} dipetakan linear ke "
            f"{rentang(a, b)} ({ringkas(lo)} → {ringkas(a)}, {ringkas(hi)} → {ringkas(b)}). Nilai nasional pada skala "
            f"{other}: {angka(national[shown.other('value_100')], shown.decimals)}."
        )
    return "".join(f"<p>{line}</p>" for line in lines)


def _series_specs(data: ReportData) -> str:
    """The spec of each year of the series, where an index's spec changed within it: "IKOTAN:
    ikotan-juknis-2021 (2020–2021), ikotan-dayamas-2022 (2022–2024)"."""
    years = sorted(data.history)
    lines = []
    for index in data.meta.get("specs", {}):
        runs: list[list] = []
        for y in years:
            spec = data.history[y].specs.get(index)
            spec_id = spec.id if spec is not None else "–"
            if runs and runs[-1][0] == spec_id:
                runs[-1][2] = y
            else:
                runs.append([spec_id, y, y])
        if len(runs) > 1:
            spans = ", ".join(f"{esc(s)} ({a}" + (f"–{b})" if b != a else ")") for s, a, b in runs)
            lines.append(f"{esc(index.upper())}: {spans}")
    return f"<p>Spesifikasi tiap tahun dalam deret: {'; '.join(lines)}.</p>" if lines else ""


def _method_breaks(data: ReportData) -> str:
    """The method breaks in the series up to the report year, each with what changed and
    whether the earlier year was back-cast ("" when the series has none)."""
    found = [b for index in data.meta.get("specs", {}) for b in breaks(data, index)]
    if not found:
        return ""
    rows = [
        {
            "index": esc(b.name),
            "years": f"{b.year_before} → {b.year}",
            "specs": f"{esc(b.spec_before)} → {esc(b.spec_now)}",
            "changes": esc(b.changes),
            "backcast": f"ya ({b.year_before} dihitung ulang dengan {esc(b.spec_now)})" if b.backcast else "tidak",
        }
        for b in sorted(found, key=lambda b: (b.year, b.index))
    ]
    columns = [
        ("index", "Indeks"),
        ("years", "Tahun"),
        ("specs", "Spesifikasi"),
        ("changes", "Yang berubah"),
        ("backcast", BACKCAST.capitalize()),
    ]
    return (
        "<h3>Perubahan metode dalam deret</h3><p>Nilai dua tahun dengan metode berbeda tidak dibandingkan "
        f"langsung: tahun sebelum perubahan dihitung ulang dari datanya sendiri dengan metode baru ({BACKCAST}), "
        "dan perubahan dihitung terhadap nilai itu.</p>" + html_table(rows, columns)
    )


def _assumptions(spec: dict, loaded: IndexSpec) -> str:
    """The first elements of a spec that no source states (as the results record it), each with
    what it rests on and its note, in a reader's words as the workbook gives it
    (:func:`~bnn_lib.reporting.words.plain_note`: no repository path, no field name)."""
    notes = [a for a in spec.get("assumptions", []) if a.get("note")]
    items = [
        f"<li><b>{esc(spec['index'])}</b> · {esc(SECTION_NAMES.get(a['name'], a['name']))} "
        f"({esc(PROVENANCE_WORDS.get(a.get('provenance', 'assumed'), ''))}): "
        f"{esc(words.plain_note(a['note'], loaded))}</li>"
        for a in notes[:ASSUMPTIONS_SHOWN]
    ]
    if len(notes) > ASSUMPTIONS_SHOWN:
        items.append(
            f"<li><b>{esc(spec['index'])}</b> · {len(notes) - ASSUMPTIONS_SHOWN} unsur lain (lihat berkas "
            "spesifikasi).</li>"
        )
    return "".join(items)


def _when(stamp: str | None) -> str:
    """A timestamp of the results in words ("–" where they have none)."""
    return waktu(datetime.fromisoformat(stamp)) if stamp else "–"


def _sources(meta: dict) -> str:
    """Where the data came from and when and with what the numbers and the report were made.
    The input files are counted, not named: the report is shared, and their list (with the hash
    of each) is the analyst's, in the results' ``specs.json``."""
    inputs = meta.get("inputs", {})
    synthetic = (
        "<li><b>Data contoh sintetis</b> (dibangkitkan oleh <code>bnn sample</code>); bukan data BNN.</li>"
        if meta.get("synthetic")
        else ""
    )
    return (
        f"<h3>Sumber data dan pembuatan</h3><ul>{synthetic}<li>Berkas masukan: "
        f"{sum(len(files) for files in inputs.values())} berkas untuk {len(inputs)} tabel; daftarnya ada pada "
        "<code>results/specs.json</code> hasil perhitungan.</li>"
        f"<li>Indeks dihitung: {_when(meta.get('computed_at'))}; laporan dibuat: {waktu(datetime.now(UTC))}.</li>"
        f"<li>Perangkat lunak: bnn_lib {esc(suite_version())}, pandas {esc(pd.__version__)}.</li></ul>"
    )


def named_kabkota(warning: str, codes: set[str]) -> set[str]:
    """The kab/kota of ``codes`` that a warning on the input data names."""
    return codes & set(KABKOTA_CODE.findall(warning))


def warnings_naming(data: ReportData, codes: set[str]) -> list[str]:
    """The warnings on the input data that name one of the kab/kota ``codes``."""
    return [w for w in data.meta.get("warnings", []) if named_kabkota(w, codes)]


def _data_warnings(data: ReportData, province: str | None, shown: int = 8) -> str:
    """How many warnings the input data raised, and on which kab/kota: those naming the kab/kota,
    or a kab/kota of the province (all of them in the national report). The warnings are not
    quoted: they name input files and quote input rows, which stay with the analyst (the
    validation report, the results' ``specs.json``)."""
    if province is None:
        codes, warnings = set(regions().kabkota_table["code"]), data.meta.get("warnings", [])
    else:
        codes = {province} if is_kabkota(province) else set(regions().kabkota_of(province)["code"])
        warnings = warnings_naming(data, codes)
    if not warnings:
        return ""
    named = Counter(code for w in warnings for code in named_kabkota(w, codes))
    places = [f"{esc(regions().label(c))} ({n})" for c, n in sorted(named.items(), key=lambda x: (-x[1], x[0]))]
    if len(places) > shown:
        places = [*places[:shown], f"dan {len(places) - shown} kab/kota lain"]
    where = f" Menyangkut: {'; '.join(places)}." if places else ""
    others = sum(not named_kabkota(w, codes) for w in warnings)
    rest = f" {others} hal tidak menyangkut kab/kota tertentu." if others else ""
    return (
        f"<h3>Peringatan data</h3><p>Data masukan dapat dihitung, tetapi {len(warnings)} hal perlu diperiksa "
        f"(tidak menghentikan perhitungan).{where}{rest} Rinciannya (berkas, baris, nilai) ada pada laporan "
        "validasi data (<code>bnn validate</code>) dan pada <code>results/specs.json</code>.</p>"
    )


def _coverage(data: ReportData, province: str | None) -> str:
    """How many kab/kota IKOTAN measured out of all, and how many respondents answered (for a
    kab/kota: its respondents of each index)."""
    if is_kabkota(province):
        counts = [
            f"{index.upper()}: {angka(row['n_respondents'], 0)} responden"
            for index in ("ikotan", "ikp")
            if (row := data.index_row(index, province)) is not None
        ]
        return f"<p>{'; '.join(counts) or 'Tidak ada responden survei'} di {esc(regions().label(province))}.</p>"
    measured = data.kabkota("ikotan_kabkota", province)
    universe = regions().kabkota_table if province is None else regions().kabkota_of(province)
    missing = universe[~universe["code"].isin(measured["kabkota_code"])]
    code = code_of(province)
    row = data.region_row("ikotan_regions", code)
    n, of = (0, len(universe)) if row is None else (row["n_measured"], row["n_kabkota"])
    text = (
        f"<p>IKOTAN diukur di <b>{angka(n, 0)}</b> dari {angka(of, 0)} kab/kota "
        f"({persen(row['pct_measured'] if row is not None else 0)}), yaitu kab/kota yang memiliki BNNK dalam data."
    )
    if not measured.empty and row is not None:
        spread = f"{angka(row['n_respondents_min'], 0)}–{angka(row['n_respondents_max'], 0)}"
        text += f" Responden IKOTAN: {angka(row['n_respondents'], 0)} orang ({spread} per kab/kota)."
    if (row := data.region_row("ikp_regions", code)) is not None and row["n_measured"]:
        text += f" Responden IKP: {angka(row['n_respondents'], 0)} orang."
    text += "</p>"
    if province is not None and len(missing):
        names = ", ".join(esc(regions().label(c)) for c in missing["code"])
        text += f"<p class='note'>Tidak diukur: {names}.</p>"
    return text


def band_distribution(data: ReportData) -> Section:
    """National report: how many kab/kota of each province fall in each IKOTAN band."""
    table = data.table("ikotan_regions")
    labels = list(colors_of(data))
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
        ("success", f"{words.success_band(data)} ke atas"),
        ("share", "Persentase"),
    ]
    return Section.of(html_table(rows, columns, {"n", "success", "share", *labels}))


def uncertainty_summary(data: ReportData, province: str | None) -> list[str]:
    """Sentences on how sure the IKOTAN numbers are (already escaped)."""
    intervals = data.table("ikotan_intervals")
    if intervals is None:
        return []
    own = intervals[intervals["region_code"] == code_of(province)]
    out = []
    if len(own):
        row = own.iloc[0]
        where = "nasional" if province is None else esc(regions().province(province).name)
        shown = headline(data, "ikotan")
        lo, hi = (shown.column(c) for c in bounds())
        out.append(
            f"Selang kepercayaan {words.level()} IKOTAN {where}: {shown.interval(row[lo], row[hi])} "
            f"(skala {shown.scale})."
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
        out.append(
            f"Kategori semua kab/kota yang diukur sudah pasti: masing-masing berpeluang sedikitnya {words.level()}."
        )
    return out
