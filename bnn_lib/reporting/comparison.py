"""``perbandingan-<year>.html``: an index under two specs side by side, for a leader (how many
kab/kota change band, the national value and KPI) and a researcher (which assumption, who moves,
by how much, with what uncertainty). It reads a :class:`~bnn_lib.scenarios.Comparison` and
formats it; every figure comes from there."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bnn_lib.measures import measure
from bnn_lib.reporting.charts import rank_shift_bars
from bnn_lib.reporting.fmt import angka, band_colors, daftar, esc, persen
from bnn_lib.reporting.fragments import chip, figure_html, html_table
from bnn_lib.reporting.headline import Headline, headline_of
from bnn_lib.reporting.html import page
from bnn_lib.reporting.words import SYNTHETIC, SYNTHETIC_WHY, level, setting_name, setting_value
from bnn_lib.scenarios import Comparison
from bnn_lib.uncertainty import bounds
from bnn_lib.writing import write_atomic


def write_comparison(comparison: Comparison, year: int, out: Path, synthetic: bool = False) -> Path:
    """Write ``out/perbandingan-<year>.html`` (folder made if needed) and return its path;
    ``synthetic``: the data were the synthetic sample, and the page says so first."""
    path = Path(out) / f"perbandingan-{year}.html"
    write_atomic(path, comparison_page(comparison, year, synthetic))
    return path


def comparison_page(comparison: Comparison, year: int, synthetic: bool = False) -> str:
    """The whole page, self-contained: its charts inline, nothing fetched."""
    name = comparison.base.index
    shown = headline_of(comparison.base)
    title = f"Perbandingan asumsi {name} {year}"
    body = (
        (f'<div class="banner">{SYNTHETIC}. {SYNTHETIC_WHY}.</div>' if synthetic else "") + f"<h1>{esc(title)}</h1>"
        f'<p class="subtitle">Dasar: <b>{esc(comparison.base.id)}</b> · varian: <b>{esc(comparison.variant.id)}</b>'
        f" · skala {esc(shown.scale)}</p>"
        + _assumptions(comparison)
        + _band_changes(comparison, shown)
        + _rank_shifts(comparison)
        + _provinces(comparison, shown)
        + _national(comparison, shown)
        + _intervals(comparison, shown)
    )
    return page(title, body, footer=f"Dibuat dengan <code>bnn compare</code> dari hasil {esc(name)} tahun {year}.")


def _assumptions(comparison: Comparison) -> str:
    """The first paragraph: what differs between the two specs, in words, then as a table."""
    rows = comparison.differences
    if rows.empty:
        return "<p>Kedua spesifikasi menghitung indeks dengan asumsi yang sama; hasilnya tidak berbeda.</p>"
    said = [
        f"{esc(setting_name(r.field, comparison.base))} ({esc(setting_value(r.base))} pada dasar, "
        f"{esc(setting_value(r.variant))} pada varian)"
        for r in rows.itertuples()
    ]
    intro = (
        f"<p>Perhitungan dasar memakai spesifikasi <b>{esc(comparison.base.id)}</b>, varian memakai "
        f"<b>{esc(comparison.variant.id)}</b>. Keduanya berbeda pada {angka(len(rows), 0)} asumsi: "
        f"{daftar(said)}. Data dan tahun sama; setiap perbedaan hasil berasal dari asumsi ini.</p>"
    )
    table = [
        {
            "field": f"{esc(setting_name(r.field, comparison.base))}<br><code>{esc(r.field)}</code>",
            "base": esc(setting_value(r.base)),
            "variant": esc(setting_value(r.variant)),
        }
        for r in rows.itertuples()
    ]
    return intro + html_table(table, [("field", "Asumsi"), ("base", "Dasar"), ("variant", "Varian")])


def _colors(comparison: Comparison) -> dict[str, str]:
    """A colour for every band label of either spec (the labels of each, low to high)."""
    return band_colors(comparison.variant.bands.labels) | band_colors(comparison.base.bands.labels)


def _province_names(comparison: Comparison) -> pd.Series:
    return comparison.provinces.set_index("region_code")["region"]


def _band_changes(comparison: Comparison, shown: Headline) -> str:
    """How many kab/kota change band, and which, with their values and ranks under both."""
    shifts, moved = comparison.shifts, comparison.kabkota[comparison.kabkota["band_changed"]]
    head = (
        f"<h2>Kab/kota yang berpindah kategori</h2><p><b>{angka(shifts['n_band_changed'], 0)}</b> dari "
        f"{angka(shifts['n_compared'], 0)} kab/kota yang terukur pada kedua perhitungan berpindah kategori.</p>"
        + _one_side(comparison)
    )
    if moved.empty:
        return head
    colors, provinces = _colors(comparison), _province_names(comparison)
    rows = [
        {
            "name": esc(r.kabkota),
            "province": esc(provinces.get(r.province_code, r.province_code)),
            "band": f"{chip(r.band_base, colors)} → {chip(r.band_variant, colors)}",
            "base": shown.value(r.value_base),
            "variant": shown.value(r.value_variant),
            "rank": f"{angka(r.rank_base, 0)} → {angka(r.rank_variant, 0)}",
        }
        for r in moved.itertuples()
    ]
    columns = [
        ("name", "Kab/kota"),
        ("province", "Provinsi"),
        ("band", "Kategori dasar → varian"),
        ("base", "Nilai dasar"),
        ("variant", "Nilai varian"),
        ("rank", "Peringkat dasar → varian"),
    ]
    return head + html_table(rows, columns, {"base", "variant", "rank"})


def _one_side(comparison: Comparison) -> str:
    """The kab/kota measured under one spec only, named: they are in neither the band changes nor
    the ranks, but in the province and national values of the side that measured them."""
    if comparison.one_side.empty:
        return ""
    said = [
        f"{esc(r.kabkota)} (hanya pada {'dasar' if r.measured == 'base' else 'varian'})"
        for r in comparison.one_side.itertuples()
    ]
    return (
        f"<p>{angka(len(said), 0)} kab/kota terukur pada satu perhitungan saja: {daftar(said)}. Kab/kota ini tidak "
        "dibandingkan dan tidak diperingkat di sini, tetapi ikut dalam nilai provinsi dan nasional perhitungannya.</p>"
    )


def _rank_shifts(comparison: Comparison) -> str:
    """The distribution of rank shifts: a histogram, the median and the largest moves."""
    shifts = comparison.shifts
    figure = rank_shift_bars(data=comparison.shift_histogram, title="Sebaran pergeseran peringkat").figure
    return (
        "<h2>Pergeseran peringkat</h2>"
        f"<p>{angka(shifts['n_moved'], 0)} dari {angka(shifts['n_compared'], 0)} kab/kota berganti peringkat. "
        f"Median pergeseran {angka(shifts['median_shift'], 1)} peringkat; naik paling jauh "
        f"{angka(shifts['max_up'], 0)} peringkat, turun paling jauh {angka(shifts['max_down'], 0)} peringkat "
        "(peringkat 1 = nilai tertinggi).</p>" + figure_html(figure)
    )


def _provinces(comparison: Comparison, shown: Headline) -> str:
    """Each province's value under both, the change (largest first) and its kab/kota that move."""
    colors = _colors(comparison)
    rows = [
        {
            "name": esc(r.region),
            "base": shown.value(r.value_base),
            "variant": shown.value(r.value_variant),
            "change": shown.change(r.change),
            "band": f"{chip(r.band_base, colors)} → {chip(r.band_variant, colors)}",
            "n": angka(r.n_measured, 0),
            "moved": angka(r.n_band_changed, 0),
        }
        for r in comparison.provinces.itertuples()
    ]
    columns = [
        ("name", "Provinsi"),
        ("base", "Nilai dasar"),
        ("variant", "Nilai varian"),
        ("change", "Perubahan"),
        ("band", "Kategori dasar → varian"),
        ("n", "Kab/kota terukur"),
        ("moved", "Berpindah kategori"),
    ]
    return (
        "<h2>Dampak per provinsi</h2><p>Nilai provinsi adalah rata-rata kab/kotanya yang terukur, diurutkan dari "
        "perubahan terbesar (naik atau turun).</p>"
        + html_table(rows, columns, {"base", "variant", "change", "n", "moved"})
    )


def _national(comparison: Comparison, shown: Headline) -> str:
    """The national value, band, success count and KPI capaian under both specs."""
    national, colors = comparison.national, _colors(comparison)
    rows = [
        {
            "what": "Nilai nasional",
            "base": shown.value(national["value_base"]),
            "variant": shown.value(national["value_variant"]),
        },
        {
            "what": "Kategori nasional",
            "base": chip(national["band_base"], colors),
            "variant": chip(national["band_variant"], colors),
        },
    ]
    if "n_success_base" in national:
        success = esc(comparison.base.bands.success_from)
        rows.append(
            {
                "what": f"Kab/kota kategori {success} ke atas",
                "base": angka(national["n_success_base"], 0),
                "variant": angka(national["n_success_variant"], 0),
            }
        )
    if "target" in national:
        kpi = measure(comparison.index)
        target = angka(national["target"], kpi.decimals)
        rows.append(
            {
                "what": f"Capaian terhadap target {target}",
                "base": persen(national["capaian_base"]),
                "variant": persen(national["capaian_variant"]),
            }
        )
    columns = [("what", ""), ("base", "Dasar"), ("variant", "Varian")]
    return (
        f"<h2>Nasional dan capaian KPI</h2><p>Perubahan nilai nasional: {shown.change(national['change'])}.</p>"
        + html_table(rows, columns, {"base", "variant"})
    )


def _intervals(comparison: Comparison, shown: Headline) -> str:
    """The intervals under both specs of the kab/kota that change band, where given, and how many
    of them had a band already uncertain under the base spec."""
    low, high = bounds()
    columns = [f"{c}_{side}" for side in ("base", "variant") for c in (low, high)]
    moved = comparison.kabkota[comparison.kabkota["band_changed"]]
    if moved.empty or not set(columns) <= set(moved.columns):
        return ""
    rows = [
        {
            "name": esc(r["kabkota"]),
            "base": shown.interval(r[columns[0]], r[columns[1]]),
            "variant": shown.interval(r[columns[2]], r[columns[3]]),
        }
        for _, r in moved.iterrows()
    ]
    return (
        f"<h2>Selang kepercayaan kab/kota yang berpindah kategori</h2><p>Selang kepercayaan {level()} di bawah "
        "kedua asumsi. Datanya sama, jadi perpindahan kategori ini disebabkan oleh asumsinya. Tetapi "
        f"{angka(comparison.shifts['n_changed_uncertain'], 0)} dari {angka(comparison.shifts['n_band_changed'], 0)} "
        "kab/kota ini sudah berkategori belum pasti pada perhitungan dasar (selangnya memotong batas kategori): "
        "dengan responden lain, kategorinya bisa berbeda juga tanpa perubahan asumsi. Perpindahan seperti itu "
        "berada dalam ketidakpastian sampel.</p>"
        + html_table(
            rows, [("name", "Kab/kota"), ("base", "Selang dasar"), ("variant", "Selang varian")], {"base", "variant"}
        )
    )
