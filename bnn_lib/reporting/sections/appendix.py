"""The back of a report: methodology note (specs, assumptions, coverage, data warnings,
sources), the band distribution by province, the uncertainty sentences and the statistical
audit with the sensitivity analysis."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from bnn_lib.audit import COLLINEAR, MIN_ALPHA, MIN_COVERAGE, NEGATIVE
from bnn_lib.intake.problems import place
from bnn_lib.regions import regions
from bnn_lib.reporting import charts, is_kabkota
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, bertanda, bilangan, daftar, esc, persen, ringkas, selang, selisih
from bnn_lib.reporting.sections import method
from bnn_lib.reporting.sections.breaks import BACKCAST, breaks
from bnn_lib.reporting.sections.components import OUTPUT_ROWS, Section, code_of, colors_of, html_table
from bnn_lib.sensitivity import DELTA, rank_columns
from bnn_lib.spec import PROVENANCE_WORDS
from bnn_lib.uncertainty import bounds

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
# The assumptions a sensitivity run can vary (:mod:`bnn_lib.sensitivity`), in prose.
INPUT_WORDS = {
    "variable_weights": "bobot variabel",
    "indicator_weights": "bobot indikator",
    "aggregation": "cara agregasi",
    "unit_weighting": "bobot unit observasi",
    "bands": "skema kategori",
}
ASSUMPTIONS_SHOWN = 6  # per index; the spec file has the rest
DROP_SHOWN = 5  # the indicators whose removal moves the ranking most


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
        "<h3>Asumsi yang berlaku</h3><p>Unsur berikut tidak terdokumentasi dalam sumber publik: disimpulkan dari "
        "fakta yang terdokumentasi, atau ditetapkan sebagai asumsi (catatan lengkapnya ada di berkas "
        "spesifikasi):</p><ul class='assumptions'>",
        *(_assumptions(s) for s in specs.values()),
        "</ul>",
        _method_breaks(data),
        "<h3>Cakupan dan ukuran sampel</h3>",
        _coverage(data, province),
        _data_warnings(data, province),
        _sources(meta),
    ]
    return Section.of("".join(parts))


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


def _assumptions(spec: dict) -> str:
    """The first elements of a spec that no source states (as the results record it), each with
    what it rests on and its note."""
    notes = [a for a in spec.get("assumptions", []) if a.get("note")]
    items = [
        f"<li><b>{esc(spec['index'])}</b> · {esc(SECTION_NAMES.get(a['name'], a['name']))} "
        f"({esc(PROVENANCE_WORDS.get(a.get('provenance', 'assumed'), ''))}): {esc(a['note'])}</li>"
        for a in notes[:ASSUMPTIONS_SHOWN]
    ]
    if len(notes) > ASSUMPTIONS_SHOWN:
        items.append(
            f"<li><b>{esc(spec['index'])}</b> · {len(notes) - ASSUMPTIONS_SHOWN} unsur lain (lihat berkas "
            "spesifikasi).</li>"
        )
    return "".join(items)


def _sources(meta: dict) -> str:
    """Where the data came from and when and with what the numbers and the report were made."""
    files = "; ".join(_input_files(table, read) for table, read in meta.get("inputs", {}).items())
    synthetic = (
        "<li><b>Data contoh sintetis</b> (dibangkitkan oleh <code>bnn sample</code>); bukan data BNN.</li>"
        if meta.get("synthetic")
        else ""
    )
    return (
        f"<h3>Sumber data dan pembuatan</h3><ul>{synthetic}<li>Berkas masukan: {files}.</li>"
        f"<li>Indeks dihitung: {esc(meta.get('computed_at', '–'))}; laporan dibuat: "
        f"{datetime.now(UTC).isoformat(timespec='seconds')}.</li>"
        f"<li>Perangkat lunak: bnn_lib {esc(version('bnn-lib'))}, pandas {esc(pd.__version__)}.</li></ul>"
    )


def warnings_naming(data: ReportData, codes: set[str]) -> list[str]:
    """The warnings on the input data that name one of the kab/kota ``codes``."""
    return [w for w in data.meta.get("warnings", []) if codes & set(re.findall(r"\b\d{2}\.\d{2}\b", w))]


def _data_warnings(data: ReportData, province: str | None, shown: int = 8) -> str:
    """The warnings raised on the input data: those naming the kab/kota, or a kab/kota of the
    province (all of them in the national report), a few in full and the count of the rest."""
    warnings = data.meta.get("warnings", [])
    if province is not None:
        warnings = warnings_naming(
            data, {province} if is_kabkota(province) else set(regions().kabkota_of(province)["code"])
        )
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
        ("success", f"{method.success_band(data)} ke atas"),
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
        lo, hi = bounds()
        out.append(
            f"Selang kepercayaan {method.level()} IKOTAN {where}: {angka(row[lo], 1)}–{angka(row[hi], 1)} "
            f"(skala {method.report_scale(data, 'ikotan')})."
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
            f"Kategori semua kab/kota yang diukur sudah pasti: masing-masing berpeluang sedikitnya {method.level()}."
        )
    return out


def audit_appendix(data: ReportData) -> Section:
    """National report appendix: the statistical audit and the sensitivity to the assumptions."""
    if data.table("ikotan_audit_variables") is None:
        return Section.of("<p>Audit statistik tidak dihitung untuk tahun ini.</p>")
    return _audit_intro(data) + _consistency(data) + _sensitivity(data)


def _audit_intro(data: ReportData) -> Section:
    """What the appendix shows; the assumptions it names are those the sensitivity run varied."""
    text = "Seberapa konsisten butir dan indikator IKOTAN"
    sobol = data.table("ikotan_sobol")
    if sobol is not None:
        varied = daftar([INPUT_WORDS.get(i, i) for i in sobol["input"].unique()])
        text += (
            f", dan seberapa jauh peringkat kab/kota bergeser bila asumsi yang tidak terdokumentasi ({esc(varied)}) "
            "diubah"
        )
    return Section.of(f"<p>{text}.</p>")


def _consistency(data: ReportData) -> Section:
    """Cronbach's α, first principal component, coverage and flagged correlations per variable,
    with the audit's thresholds."""
    variables = data.table("ikotan_audit_variables")
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
    return Section.of(
        "<h3>Konsistensi dan struktur</h3>"
        + html_table(rows, columns, {"items", "alpha_items", "alpha_ind", "pca", "coverage", "flags"})
        + f"<p class='note'>α Cronbach ≥ {ringkas(MIN_ALPHA)} menandakan butir/indikator suatu variabel konsisten. "
        f"Korelasi ditandai: r &gt; {ringkas(COLLINEAR)} (kolinear) atau r &lt; {ringkas(NEGATIVE)} (berlawanan "
        f"arah). Dari {len(pairs)} pasangan indikator dalam variabel yang sama, {int(pairs['collinear'].sum())} "
        f"kolinear dan {int(pairs['negative'].sum())} berlawanan arah. Kelengkapan di bawah "
        f"{ringkas(100 * MIN_COVERAGE)} % ditandai ⚠.</p>"
    )


def _sensitivity(data: ReportData) -> Section:
    """The rank intervals under the assumptions, the Sobol indices of each assumption and the
    effect of dropping one indicator (nothing when the Monte Carlo run was not made)."""
    ranks = data.table("ikotan_rank_intervals")
    sobol = data.table("ikotan_sobol")
    if ranks is None or sobol is None:
        return Section()
    chart = charts.rank_intervals(
        ranks,
        f"Peringkat kab/kota: nominal dan selang {method.rank_interval()} ({int(sobol['runs'].iloc[0])} simulasi)",
    )
    names = {
        "variable_weights": f"Bobot variabel (±{ringkas(100 * DELTA)} %)",
        "indicator_weights": f"Bobot indikator (±{ringkas(100 * DELTA)} %)",
        "aggregation": "Agregasi aritmetik/geometrik",
        "unit_weighting": "Bobot unit observasi (setara/gabung)",
        "bands": "Skema kategori (tetap/interval sama)",
    }
    wide = sobol.pivot_table(index="input", columns="output", values=["S1", "ST"])
    rows = [
        {
            "input": esc(names.get(i, i)),
            "s1_rank": angka(wide.loc[i, ("S1", "mean_abs_rank_shift")], 2),
            "st_rank": angka(wide.loc[i, ("ST", "mean_abs_rank_shift")], 2),
            "s1_band": angka(wide.loc[i, ("S1", "share_band_changed")], 2),
            "st_band": angka(wide.loc[i, ("ST", "share_band_changed")], 2),
        }
        for i in wide.index
    ]
    columns = [
        ("input", "Asumsi"),
        ("s1_rank", "S1 pergeseran peringkat"),
        ("st_rank", "ST pergeseran peringkat"),
        ("s1_band", "S1 perubahan kategori"),
        ("st_band", "ST perubahan kategori"),
    ]
    low, high = rank_columns()
    moved = ranks.assign(width=ranks[high] - ranks[low])
    return Section.of(
        "<h3>Kepekaan peringkat terhadap asumsi</h3>",
        chart,
        html_table(rows, columns, {"s1_rank", "st_rank", "s1_band", "st_band"})
        + "<p class='note'>Indeks Sobol orde pertama (S1) dan total (ST): bagian ragam keluaran yang berasal dari "
        "tiap asumsi (ST memasukkan interaksi). Dihitung dengan SALib. Median lebar selang peringkat: "
        f"{angka(moved['width'].median(), 0)} peringkat; kab/kota dengan kategori yang berubah di sebagian "
        f"simulasi: {int((ranks['share_other_band'] > 0).sum())} dari {len(ranks)}.</p>" + _not_varied(data),
    ) + _drop_one(data)


def _not_varied(data: ReportData) -> str:
    """The elements no source states that the Monte Carlo could not vary, and why."""
    table = data.table("ikotan_sensitivity_inputs")
    if table is None:
        return ""
    rest = table[table["varied"] == ""]
    if rest.empty:
        return ""
    items = "".join(
        f"<li>{esc(SECTION_NAMES.get(r.element, r.element))} ({esc(PROVENANCE_WORDS[r.provenance])}): "
        f"{esc(r.reason)}</li>"
        for r in rest.itertuples()
    )
    intro = "<p class='note'>Unsur yang tidak terdokumentasi tetapi tidak divariasikan:</p>"
    return f"{intro}<ul class='assumptions'>{items}</ul>"


def association_appendix(data: ReportData) -> Section:
    """National report appendix: programme outputs beside the change of IKOTAN and IKP per
    kab/kota, an association and not evidence of an effect."""
    table = data.table("output_association")
    if table is None or table["slope"].isna().all():
        return Section.of(
            "<p>Hubungan keluaran dan hasil tidak dihitung untuk tahun ini (perlu perubahan dari tahun "
            "sebelumnya dan data keluaran per kab/kota).</p>"
        )
    outputs = {m: label for m, label, *_ in OUTPUT_ROWS}
    rows = [
        {
            "index": esc(r.index.upper()),
            "output": f"{esc(outputs.get(r.output, r.output))} (per {angka(r.per, 0)})",
            "n": angka(r.n, 0),
            "slope": "–" if pd.isna(r.slope) else f"{selisih(r.slope, 2)} ({selang(r.slope_low, r.slope_high, 2)})",
            "r": "–" if pd.isna(r.r) else f"{bertanda(r.r, 2)} ({selang(r.r_low, r.r_high, 2)})",
        }
        for r in table.itertuples()
    ]
    columns = [
        ("index", "Indeks"),
        ("output", "Keluaran program"),
        ("n", "Kab/kota"),
        ("slope", f"Perubahan indeks, poin (selang {method.level()})"),
        ("r", f"Korelasi r (selang {method.level()})"),
    ]
    return Section.of(
        html_table(rows, columns, {"n", "slope", "r"})
        + f"<p class='note'>Kemiringan: berapa poin (skala {method.report_scale(data, 'ikotan')}) perubahan indeks "
        "sejak tahun lalu berbeda antara kab/kota yang keluarannya berselisih satu satuan yang disebut, atas "
        "kab/kota yang diukur pada kedua tahun. <b>Hubungan, bukan bukti sebab-akibat</b>: keluaran diarahkan ke "
        "tempat yang membutuhkannya, dan kab/kota berbeda dalam banyak hal yang tidak tercatat dalam data ini.</p>"
    )


def _drop_one(data: ReportData) -> Section:
    """The indicators whose removal moves the kab/kota ranking most."""
    drop = data.table("ikotan_drop_one")
    if drop is None:
        return Section()
    drop = drop.sort_values("mean_abs_rank_shift", ascending=False).head(DROP_SHOWN)
    rows = [
        {
            "ind": esc(r.indicator_id.replace("_", " ")),
            "mean": angka(r.mean_abs_rank_shift, 1),
            "max": angka(r.max_abs_rank_shift, 0),
            "bands": str(r.n_band_changed),
        }
        for r in drop.itertuples()
    ]
    columns = [
        ("ind", "Indikator"),
        ("mean", "Rata-rata pergeseran peringkat"),
        ("max", "Pergeseran terbesar"),
        ("bands", "Kab/kota berubah kategori"),
    ]
    return Section.of(
        f"<h4>Jika satu indikator dihilangkan ({bilangan(DROP_SHOWN)} terbesar pengaruhnya)</h4>"
        + html_table(rows, columns, {"mean", "max", "bands"})
    )
