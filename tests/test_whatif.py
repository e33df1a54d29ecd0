"""The what-if (bnn_lib.whatif): a variant's kab/kota table from the year read once equals the
table of the whole pipeline run under that variant; its panel (bnn_lib.lab) and notebook."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from conftest import research_notebook_outputs

from bnn_lib.pipeline import compute_year
from bnn_lib.spec import IndexSpec, load_spec, modify
from bnn_lib.whatif import WhatIf, band_rules, variant_spec

YEAR = 2024


@pytest.fixture(scope="module")
def whatif(sample_dir) -> WhatIf:
    return WhatIf(YEAR, sample_dir)


def pipeline_kabkota(data: str, spec: IndexSpec, index: str = "ikotan") -> pd.DataFrame:
    """The kab/kota table of ``index`` as compute_year computes it under ``spec``."""
    return compute_year(YEAR, data, specs={index: spec}, indices=[index]).tables[f"{index}_kabkota"]


def moved(table: pd.DataFrame, base: pd.DataFrame) -> bool:
    """Whether a value, band or rank of ``table`` differs from ``base``'s."""
    columns = ["value", "band", "rank_national"]
    return not table[columns].astype(str).equals(base[columns].astype(str))


VARIANTS = {
    "bobot variabel pertama ×2": lambda s: variant_spec(s, {s.variables[0].id: 2 * s.variables[0].weight}),
    "agregasi geometrik": lambda s: variant_spec(s, method="geometric"),
    "aturan kategori lain": lambda s: variant_spec(s, bands=next(m for m in band_rules(s) if m != s.bands.mode)),
    "responden digabung": lambda s: modify(s, {"aggregation.unit_weighting": "pooled"}),
}


def test_the_baseline_is_the_kabkota_table_of_the_year(whatif, results_2024):
    assert whatif.spec.id == "ikotan-dayamas-2022"  # the spec in force in 2024
    pd.testing.assert_frame_equal(whatif.kabkota(whatif.spec), results_2024.tables["ikotan_kabkota"], check_exact=True)


@pytest.mark.parametrize("name", VARIANTS)
def test_a_variant_gives_the_kabkota_table_of_the_whole_pipeline(whatif, sample_dir, name):
    spec = VARIANTS[name](whatif.spec)
    fast = whatif.kabkota(spec)
    pd.testing.assert_frame_equal(fast, pipeline_kabkota(sample_dir, spec), check_exact=True)
    assert moved(fast, whatif.kabkota(whatif.spec))  # not two baselines found equal


def test_ikp_takes_the_same_path(sample_dir):
    """IKP is computed per environment; a kab/kota is the mean of its environments."""
    ikp = WhatIf(YEAR, sample_dir, "ikp")
    first = ikp.spec.variables[0]
    spec = variant_spec(ikp.spec, {first.id: 3 * first.weight}, method="geometric")
    fast = ikp.kabkota(spec)
    pd.testing.assert_frame_equal(fast, pipeline_kabkota(sample_dir, spec, "ikp"), check_exact=True)
    assert moved(fast, ikp.kabkota(ikp.spec))


def test_a_change_reads_and_scores_nothing_again(whatif, monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("read or scored again")

    for module, name in [
        ("bnn_lib.whatif", "load_inputs"),
        ("bnn_lib.survey", "respondent_scores"),
        ("bnn_lib.survey", "group_sums"),
    ]:
        monkeypatch.setattr(sys.modules[module], name, refused)
    assert whatif.kabkota(VARIANTS["agregasi geometrik"](whatif.spec))["value"].notna().all()


def test_a_spec_that_scores_otherwise_is_refused(whatif):
    with pytest.raises(ValueError, match="skor responden harus dihitung dan diperiksa ulang"):
        whatif.kabkota(modify(whatif.spec, {"scale.min_answered_share": 0.75}))
    with pytest.raises(ValueError, match="bukan IKOTAN"):
        whatif.kabkota(load_spec("ikp-placeholder-2024"))


def test_the_variant_spec_changes_only_what_differs():
    base = load_spec("ikotan-dayamas-2022")
    same = variant_spec(base, {v.id: v.weight for v in base.variables}, base.bands.mode, base.aggregation.method)
    assert same is base
    variant = variant_spec(base, {"ketahanan_keluarga": 2.0, "ketahanan_masyarakat": 1.0}, "fixed", id="coba")
    assert variant.id == "coba" and variant.bands.mode == "fixed" and variant.aggregation.method == "arithmetic"
    assert [v.weight for v in variant.variables if v.id == "ketahanan_keluarga"] == [2.0]
    assert "modified: variables.ketahanan_keluarga.weight, bands.mode)" in str(variant.path)
    assert band_rules(base) == ["fixed", "equal_interval"]


# -- the panel ------------------------------------------------------------------------------------


@pytest.fixture
def lab():
    """bnn_lib.lab, where bnn_lib.scenarios (whose comparison it shows) is installed."""
    from bnn_lib import lab

    return lab


def test_the_panel_builds_and_a_slider_updates_it(lab, sample_dir):
    panel = lab.whatif_panel(sample_dir)
    assert panel.year.value == YEAR and list(panel.year.options) == [2020, 2021, 2022, 2023, 2024]
    assert "Dasar 2024: ikotan-dayamas-2022" in panel.baseline.value
    names = [s.description for s in panel.weights.values()]
    assert "Bobot Ketahanan Keluarga" in names
    assert panel.bands.value == "equal_interval" and panel.method.value == "arithmetic"
    assert "Sama dengan dasar" in panel.summary.value and bytes(panel.chart.value).startswith(b"\x89PNG")

    panel.weights["ketahanan_keluarga"].value = 3.0  # the slider's observer calls update
    assert "Varian ikotan-dayamas-2022-varian" in panel.summary.value
    assert "Sama dengan dasar" not in panel.summary.value
    shown = panel.summary.value
    panel.method.value = "geometric"
    assert panel.summary.value != shown
    assert panel.variant().aggregation.method == "geometric"

    for slider in panel.weights.values():  # no weight left: nothing to compute, and it says so
        slider.value = 0.0
    assert "semua bobot variabel nol" in panel.summary.value and bytes(panel.chart.value) == b""


def test_the_panel_changes_year_to_its_own_baseline(lab, sample_dir):
    panel = lab.whatif_panel(sample_dir)
    panel.weights["ketahanan_keluarga"].value = 2.0
    panel.year.value = 2021
    assert "Dasar 2021: ikotan-juknis-2021" in panel.baseline.value
    assert panel.bands.value == "fixed" and panel.weights["ketahanan_keluarga"].value == 1.0
    assert "Sama dengan dasar" in panel.summary.value


def test_the_notebook_shows_the_panel(sample_dir, tmp_path):
    outputs = research_notebook_outputs("bagaimana_jika.ipynb", tmp_path, sample_dir)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
