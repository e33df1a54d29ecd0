"""The what-if panel for researchers in JupyterLab (``notebooks/bagaimana_jika.ipynb``): change
one assumption of a survey index and see at once what moves.

    panel = whatif_panel()       # IKOTAN, the latest year of the workspace's data
    panel.widget                 # shown by JupyterLab

A slider for each variable's weight, a band rule, an aggregation method and a year. Each change
builds the variant of the spec in force in the year (:func:`bnn_lib.whatif.variant_spec`),
computes its kab/kota table with the year's :class:`bnn_lib.whatif.WhatIf` (read once per year),
compares it with the baseline (:func:`bnn_lib.scenarios.compare`) and shows the comparison's
fields: the national value and KPI capaian, the kab/kota that change band, the rank shifts and
the provinces affected. Display only: every figure shown is a field of the comparison.
"""

from __future__ import annotations

import io
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from bnn_lib import scenarios
from bnn_lib.inputs import data_years
from bnn_lib.intake import DataError
from bnn_lib.measures import measure
from bnn_lib.reporting.charts import rank_shift_bars
from bnn_lib.reporting.fmt import angka, esc, persen
from bnn_lib.reporting.headline import Headline, headline_of
from bnn_lib.reporting.words import VALUE_WORDS, setting_name, setting_value
from bnn_lib.spec import IndexSpec, SpecError, default_spec
from bnn_lib.whatif import METHODS, WhatIf, band_rules, variant_spec
from bnn_lib.workspace import data_folder

KABKOTA_COLUMNS = {
    "kabkota": "Kab/kota",
    "band_base": "Kategori dasar",
    "band_variant": "Kategori varian",
    "rank_base": "Peringkat dasar",
    "rank_variant": "Peringkat varian",
    "rank_shift": "Naik (peringkat)",
}
PROVINCE_COLUMNS = {
    "region": "Provinsi",
    "value_base": "Nilai dasar",
    "value_variant": "Nilai varian",
    "change": "Perubahan",
    "n_band_changed": "Kab/kota berubah kategori",
    "band_base": "Kategori dasar",
    "band_variant": "Kategori varian",
}
LABEL_WIDTH = "18em"  # "Bobot Ketahanan Masyarakat" whole
SCROLL = '<div style="max-height: 16em; overflow: auto">{}</div>'


def index_years(data: str | Path | None, index: str) -> list[int]:
    """The years of ``data`` (default: the workspace's) with a folder of inputs and a shipped
    spec of ``index`` in force, oldest first; none where the folder does not exist."""
    covered = []
    for year in data_years(data_folder(data)):
        try:
            default_spec(index, year)
        except SpecError:
            continue
        covered.append(year)
    return covered


class Panel:
    """The widgets of the what-if and their state: the :class:`WhatIf` of each year shown so far
    with its baseline table. :attr:`widget` is what a notebook shows; :meth:`update` is the
    callback of every control."""

    def __init__(self, data: str | Path | None, index: str, years: list[int], year: int) -> None:
        self.data, self.index = data, index
        self._years: dict[int, tuple[WhatIf, pd.DataFrame]] = {}
        self._quiet = False  # while the controls are set to a year's baseline, no update per control
        wide, room = {"description_width": LABEL_WIDTH}, {"width": "34em"}  # room for "interval sama lebar"
        self.year = widgets.Dropdown(options=years, value=year, description="Tahun", style=wide)
        self.bands = widgets.Dropdown(description="Aturan kategori", style=wide, layout=room)
        methods = [(VALUE_WORDS[m], m) for m in METHODS]
        self.method = widgets.Dropdown(options=methods, description="Agregasi", style=wide, layout=room)
        self.weights: dict[str, widgets.FloatSlider] = {}
        self.sliders = widgets.VBox()
        self.baseline = widgets.HTML()
        self.summary = widgets.HTML()
        # At its own size: in a row beside the summary, the image would be stretched to fill it.
        self.chart = widgets.Image(
            format="png", layout={"width": "450px", "flex": "0 0 auto", "align_self": "flex-start"}
        )
        controls = widgets.VBox([self.year, self.baseline, self.sliders, self.bands, self.method])
        self.widget = widgets.VBox([controls, widgets.HBox([self.summary, self.chart])])
        self.year.observe(self._new_year, names="value")
        self.bands.observe(self.update, names="value")
        self.method.observe(self.update, names="value")
        self._new_year()

    def _year(self, year: int) -> tuple[WhatIf, pd.DataFrame]:
        """The year's what-if and its baseline kab/kota table, read on first use."""
        if year not in self._years:
            whatif = WhatIf(year, self.data, self.index)
            self._years[year] = whatif, whatif.kabkota(whatif.spec)
        return self._years[year]

    def _new_year(self, change: object = None) -> None:
        """Set the controls to the baseline of the year chosen (its spec's weights, band rule and
        method), then show it; or say why the year cannot be read (its inputs fail their checks)."""
        try:
            whatif = self._year(self.year.value)[0]
        except (DataError, OSError) as exc:
            self.baseline.value = ""
            self._refused(f"data {self.year.value} tidak dapat dibaca: {exc}")
            return
        spec = whatif.spec
        self._quiet = True
        self.weights = {v.id: self._slider(v.name, v.weight) for v in spec.variables}
        self.sliders.children = list(self.weights.values())
        self.bands.options = [(VALUE_WORDS[m], m) for m in band_rules(spec)]
        self.bands.value = spec.bands.mode
        self.method.value = spec.aggregation.method
        warned = f"; {len(whatif.warnings)} peringatan pada data masukan tahun ini" if whatif.warnings else ""
        self.baseline.value = f"<b>Dasar {self.year.value}: {esc(spec.id)}</b> versi {esc(spec.version)}{warned}"
        self._quiet = False
        self.update()

    def _slider(self, name: str, weight: float) -> widgets.FloatSlider:
        slider = widgets.FloatSlider(
            value=weight,
            min=0.0,
            max=max(4.0, 4 * weight),
            step=0.25,
            description=f"Bobot {name}",
            style={"description_width": LABEL_WIDTH},
            layout={"width": "40em"},
            continuous_update=False,  # one computation when the slider is let go, not one per step
        )
        slider.observe(self.update, names="value")
        return slider

    def variant(self) -> IndexSpec:
        """The variant spec the controls describe (the baseline where they are at it)."""
        whatif, _ = self._year(self.year.value)
        weights = {v: s.value for v, s in self.weights.items()}
        return variant_spec(whatif.spec, weights, self.bands.value, self.method.value, id=f"{whatif.spec.id}-varian")

    def update(self, change: object = None) -> None:
        """Compute the variant the controls describe, compare it with the baseline and show the
        comparison; or say why the variant cannot be computed (every weight at zero)."""
        if self._quiet:
            return
        whatif, base = self._year(self.year.value)
        if not any(s.value for s in self.weights.values()):
            self._refused("semua bobot variabel nol, tidak ada nilai untuk dirata-ratakan")
            return
        try:
            variant = self.variant()
            variant_table = whatif.kabkota(variant)
            comparison = scenarios.compare(
                base, variant_table, whatif.spec, variant, whatif.year, targets=whatif.targets
            )
        except ValueError as exc:  # a spec that cannot take the change (SpecError is one)
            self._refused(str(exc))
            return
        self.summary.value = summary_html(comparison, headline_of(whatif.spec))
        self.chart.value = rank_shift_png(comparison.shift_histogram)

    def _refused(self, why: str) -> None:
        """Say why the variant is not computed, in place of the comparison."""
        self.summary.value = f"<p><b>Varian tidak dapat dihitung:</b> {esc(why)}</p>"
        self.chart.value = b""


def whatif_panel(data: str | Path | None = None, index: str = "ikotan", year: int | None = None) -> Panel:
    """The what-if panel of ``index`` ("ikotan" or "ikp") over the years of ``data`` (default:
    the workspace's), opened on ``year`` (default: the latest)."""
    years = index_years(data, index)
    if not years:
        raise ValueError(f"tidak ada tahun berdata dengan spesifikasi {index} di {data_folder(data)}")
    return Panel(data, index, years, years[-1] if year is None else year)


def summary_html(comparison: scenarios.Comparison, shown: Headline) -> str:
    """The comparison's fields as HTML: what the variant changes, the national value and KPI
    capaian base → variant, the kab/kota that change band, the provinces affected. Values are
    printed as the reports print them (``shown``: the index's headline scale and decimals)."""
    national, kabkota, provinces = comparison.national, comparison.kabkota, comparison.provinces
    target_decimals = measure(comparison.index).decimals  # as the targets table sets them
    changed = kabkota[kabkota["band_changed"]]
    affected = provinces[(provinces["n_band_changed"] > 0) | (provinces["band_base"] != provinces["band_variant"])]
    said = [
        f"{setting_name(r.field, comparison.base)}: {setting_value(r.base)} → {setting_value(r.variant)}"
        for r in comparison.differences.itertuples()
    ]
    parts = [
        f"<p><b>Varian {esc(comparison.variant.id)}</b> dibanding dasar {esc(comparison.base.id)}</p>",
        "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in said) + "</ul>" if said else "<p>Sama dengan dasar.</p>",
        f"<p>Nilai nasional ({esc(shown.scale)}): {shown.value(national['value_base'])} → "
        f"{shown.value(national['value_variant'])} (target {angka(national.get('target'), target_decimals)}); "
        "capaian KPI: "
        f"{persen(national.get('capaian_base'))} → {persen(national.get('capaian_variant'))}</p>",
        f"<p><b>Kategori berubah pada {len(changed)} dari {len(kabkota)} kab/kota</b></p>",
        SCROLL.format(changed[list(KABKOTA_COLUMNS)].rename(columns=KABKOTA_COLUMNS).to_html(index=False, border=0)),
        f"<p><b>Provinsi terdampak: {len(affected)}</b> (kategorinya atau kategori kab/kotanya berubah)</p>",
        SCROLL.format(
            affected[list(PROVINCE_COLUMNS)]
            .rename(columns=PROVINCE_COLUMNS)
            .to_html(
                index=False,
                border=0,
                formatters={"Nilai dasar": shown.value, "Nilai varian": shown.value, "Perubahan": shown.change},
            )
        ),
    ]
    return "\n".join(parts)


def rank_shift_png(histogram: pd.DataFrame) -> bytes:
    """The report's chart of rank shifts (:func:`~bnn_lib.reporting.charts.rank_shift_bars`) of a
    comparison's ``shift_histogram``, as PNG bytes for the panel."""
    fig = Figure(figsize=(4.5, 3.2), dpi=96)
    rank_shift_bars(data=histogram, title="Pergeseran peringkat", ax=fig.subplots())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
