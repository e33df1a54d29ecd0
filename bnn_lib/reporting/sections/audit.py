"""The national report's appendix on the method itself: the statistical audit of IKOTAN
(consistency and structure) and how far its ranking moves when the assumptions no source
states are varied (Monte Carlo, Sobol indices, dropping one indicator)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from bnn_lib.audit import COLLINEAR, MIN_ALPHA, MIN_COVERAGE, NEGATIVE
from bnn_lib.reporting import charts, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, bilangan, daftar, esc, persen, ringkas
from bnn_lib.reporting.sections.appendix import SECTION_NAMES
from bnn_lib.reporting.sections.components import Section, html_table
from bnn_lib.sensitivity import DELTA
from bnn_lib.spec import PROVENANCE_WORDS

# The assumptions a sensitivity run can vary (:mod:`bnn_lib.sensitivity`), in prose.
INPUT_WORDS = {
    "variable_weights": "bobot variabel",
    "indicator_weights": "bobot indikator",
    "aggregation": "cara agregasi",
    "unit_weighting": "bobot unit observasi",
    "bands": "skema kategori",
}
DROP_SHOWN = 5  # the indicators whose removal moves the ranking most


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
    rows = []
    for r in variables.itertuples():
        rows.append(
            {
                "variable": esc(r.variable),
                "items": str(r.n_items),
                "alpha_items": angka(r.alpha_items, 2),
                "alpha_ind": angka(r.alpha_indicators, 2),
                "pca": persen(100 * r.pca_first_share),
                "coverage": persen(100 * r.coverage) + (" ⚠" if r.low_coverage else ""),
                "flags": angka(r.n_flagged, 0),
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
    counts = data.table("ikotan_audit_summary").iloc[0]
    return Section.of(
        "<h3>Konsistensi dan struktur</h3>"
        + html_table(rows, columns, {"items", "alpha_items", "alpha_ind", "pca", "coverage", "flags"})
        + f"<p class='note'>α Cronbach ≥ {ringkas(MIN_ALPHA)} menandakan butir/indikator suatu variabel konsisten. "
        f"Korelasi ditandai: r &gt; {ringkas(COLLINEAR)} (kolinear) atau r &lt; {ringkas(NEGATIVE)} (berlawanan "
        f"arah). Dari {angka(counts['n_pairs'], 0)} pasangan indikator dalam variabel yang sama, "
        f"{angka(counts['n_collinear'], 0)} kolinear dan {angka(counts['n_negative'], 0)} berlawanan arah. "
        f"Kelengkapan di bawah {ringkas(100 * MIN_COVERAGE)} % ditandai ⚠.</p>",
        _correlation_chart(data, data.table("ikotan_audit_correlations")),
    )


def _correlation_chart(data: ReportData, correlations: pd.DataFrame) -> Figure:
    """The audit's correlations of each indicator with its variable and with the index, and of
    each variable with the index, as a heatmap: one row per indicator, then per variable, in the
    table's order (the spec's), one column per aggregate; a variable has no "its variable"."""
    spec = data.spec("ikotan")
    names = {i.id: i.name for i in spec.indicators} | {v.id: f"Variabel {v.name}" for v in spec.variables}
    columns = {
        "indicator-variable": "Dengan variabelnya",
        "indicator-index": "Dengan indeks",
        "variable-index": "Dengan indeks",
    }
    shown = correlations[correlations["kind"].isin(columns)]
    rows = shown["a"].map(names).fillna(shown["a"])
    matrix = (
        shown.assign(row=rows, column=shown["kind"].map(columns))
        .pivot(index="row", columns="column", values="r")
        .reindex(index=list(dict.fromkeys(rows)), columns=list(dict.fromkeys(columns.values())))
    )
    return charts.correlation_heatmap(
        data=matrix,
        title=f"Korelasi antar-kab/kota dengan agregatnya (Pearson), {spec.index}",
        label="Koefisien korelasi r",
    ).figure


def _sensitivity(data: ReportData) -> Section:
    """The rank intervals under the assumptions, the Sobol indices of each assumption and the
    effect of dropping one indicator (nothing when the Monte Carlo run was not made)."""
    ranks = data.table("ikotan_rank_intervals")
    sobol = data.table("ikotan_sobol")
    if ranks is None or sobol is None:
        return Section()
    runs = angka(sobol["runs"].iloc[0], 0)  # 1.536, with the thousands dot of Indonesian prose
    title = f"Peringkat kab/kota: nominal dan selang {words.rank_interval()} ({runs} simulasi)"
    chart = charts.rank_intervals(data=ranks, title=title).figure
    names = {
        "variable_weights": f"Bobot variabel (±{ringkas(100 * DELTA)} %)",
        "indicator_weights": f"Bobot indikator (±{ringkas(100 * DELTA)} %)",
        "aggregation": "Agregasi aritmetik/geometrik",
        "unit_weighting": "Bobot unit observasi (setara/gabung)",
        "bands": "Skema kategori (tetap/interval sama)",
    }
    wide = sobol.pivot(index="input", columns="output", values=["S1", "S1_conf", "ST", "ST_conf"])
    rows = [
        {
            "input": esc(names.get(i, i)),
            **{
                f"{order.lower()}_{key}": _share(wide.loc[i, (order, output)], wide.loc[i, (f"{order}_conf", output)])
                for order in ("S1", "ST")
                for key, output in (("rank", "mean_abs_rank_shift"), ("band", "share_band_changed"))
            },
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
    summary = data.table("ikotan_audit_summary").iloc[0]
    return Section.of(
        "<h3>Kepekaan peringkat terhadap asumsi</h3>",
        chart,
        html_table(rows, columns, {"s1_rank", "st_rank", "s1_band", "st_band"})
        + "<p class='note'>Indeks Sobol orde pertama (S1) dan total (ST): bagian ragam keluaran yang berasal dari "
        f"tiap asumsi (ST memasukkan interaksi), ± setengah lebar selang {words.level()}-nya. Taksiran di bawah "
        "nol adalah galat taksiran dari simulasi yang terbatas: ditulis ≈ 0. Dihitung dengan SALib. Median lebar "
        "selang peringkat: "
        f"{angka(summary['median_rank_width'], 0)} peringkat; kab/kota dengan kategori yang berubah di sebagian "
        f"simulasi: {angka(summary['n_other_band'], 0)} dari {angka(summary['n_ranked'], 0)}.</p>" + _not_varied(data),
    ) + _drop_one(data)


def _share(estimate: float, conf: float) -> str:
    """A Sobol index with its half-interval: "0,83 ± 0,16"; an estimate below zero, which only the
    finite number of simulations makes, is "≈ 0 ± 0,05"."""
    shown = "≈ 0" if estimate < 0 else angka(estimate, 2)
    return f"{shown} ± {angka(conf, 2)}"


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
