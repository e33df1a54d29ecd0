"""The check numbers of docs/methodology.md §8, reproduced from their published inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from bnn_lib.aggregate import dimension_values, rescale, top_level, unscale
from bnn_lib.bands import at_or_above, band_edges, classify
from bnn_lib.kawasan import status_counts, status_from_counts
from bnn_lib.rollup import capaian
from bnn_lib.spec import load_spec


def test_p4gn_2020_reproduces_53_14():
    # §8 #1: variable value = Σ normalised / n; published dimension sums 7.69/17 and 17.13/29.
    spec = load_spec("p4gn-stis-2020")
    supply = {"pengurangan_produksi": 4.02 / 8, "pemutusan_distribusi": 3.25 / 6, "perampasan_aset": 0.43 / 3}
    demand = {
        "ketahanan_personal": 3.65 / 7,
        "ketahanan_komunal": 4.22 / 8,
        "pemulihan_kawasan_rawan": 2.89 / 5,
        "program_rehabilitasi": 6.38 / 9,
    }
    variables = pd.DataFrame([{**supply, **demand}])
    dims = dimension_values(spec, variables).iloc[0]
    assert dims["supply_reduction"] == pytest.approx((4.02 + 3.25 + 0.43) / 17)  # 0.45294
    assert dims["demand_reduction"] == pytest.approx((3.65 + 4.22 + 2.89 + 6.38) / 29)  # 0.59103
    index = rescale(top_level(spec, variables), spec.rescale).iloc[0]
    # The variable rows, rounded in the source, sum to 7.70 and 17.14 (not 7.69 and 17.13):
    # 100 × (3 × 7.70/17 + 4 × 17.14/29)/7 = 100 × (1.35882 + 2.36414)/7 = 53.185
    assert index == pytest.approx(53.185, abs=0.001)


def test_p4gn_2020_from_dimension_sums():
    # §6.2 exactly: SR = 7.69/17 = 0.45235, DR = 17.13/29 = 0.59069 → 100 (3 SR + 4 DR)/7 = 53.140
    spec = load_spec("p4gn-stis-2020")
    sr, dr = 7.69 / 17, 17.13 / 29
    variables = pd.DataFrame([{v.id: (sr if v.id in spec.dimensions[0].variables else dr) for v in spec.variables}])
    dims = dimension_values(spec, variables).iloc[0]
    assert dims["supply_reduction"] == pytest.approx(0.45235, abs=5e-5)
    assert dims["demand_reduction"] == pytest.approx(0.59069, abs=5e-5)
    index = rescale(top_level(spec, variables), spec.rescale).iloc[0]
    assert index == pytest.approx(53.14, abs=0.005)
    assert classify(pd.Series([index]), spec.bands).iloc[0] == "Cukup Efektif"


def test_ikotan_2021_national_3_1_is_tanggap(ikotan_spec):
    # §8 #2: (3.1 − 1)/3 × 100 = 70.0 → Tanggap
    value = rescale(pd.Series([3.1]), ikotan_spec.rescale)
    assert value.iloc[0] == pytest.approx(70.0)
    assert classify(value, ikotan_spec.bands).iloc[0] == "Tanggap"
    assert unscale(value, ikotan_spec.rescale).iloc[0] == pytest.approx(3.1)  # the band table's score scale


def test_ikotan_2021_kpi_capaian(ikotan_spec):
    # §8 #3: 4 Sangat + 97 Tanggap = 101 of 173 at Tanggap or above; 101/60 = 168.3 %
    labels = pd.Series(["Sangat Tanggap"] * 4 + ["Tanggap"] * 97 + ["Cukup Tanggap"] * 72)
    labels = labels.astype(pd.CategoricalDtype(ikotan_spec.bands.all_labels, ordered=True))
    realised = int(at_or_above(labels, ikotan_spec.bands).sum())
    assert realised == 101
    assert round(capaian(realised, 60), 1) == 168.3


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "Tidak Tanggap"),
        (25.0, "Tidak Tanggap"),
        (25.004, "Tidak Tanggap"),
        (25.01, "Cukup Tanggap"),
        (50.0, "Cukup Tanggap"),
        (50.01, "Tanggap"),
        (75.0, "Tanggap"),
        (75.006, "Sangat Tanggap"),
        (75.01, "Sangat Tanggap"),
        (100.0, "Sangat Tanggap"),
    ],
)
def test_juknis_2021_band_edges(ikotan_spec, value, band):
    # §8 #4: 0–25 Tidak; 25.01–50 Cukup; 50.01–75 Tanggap; 75.01–100 Sangat, on 2-decimal values
    assert classify(pd.Series([value]), ikotan_spec.bands).iloc[0] == band


def test_equal_interval_2022_edges(ikotan_spec):
    # §8 #5: k = 3 equal classes over the observed [2.600, 4.000]: edges 3.0667 and 3.5333;
    # published 2.600–3.064 / 3.065–3.532 / 3.533–4.000 (±0.003). Garut 3.07 → Tanggap.
    bands = ikotan_spec.bands.model_copy(update={"mode": "equal_interval"})
    observed = rescale(pd.Series([2.6, 3.0, 3.07, 3.5, 4.0]), ikotan_spec.rescale)
    edges = band_edges(bands, observed)
    back = (edges["lower"] / 100 * 3 + 1).to_list()
    assert back[0] == pytest.approx(2.600)
    assert back[1] == pytest.approx(3.065, abs=0.003)
    assert back[2] == pytest.approx(3.533, abs=0.003)
    assert list(edges["label"]) == ["Cukup Tanggap", "Tanggap", "Sangat Tanggap"]
    labels = classify(observed, bands, edges)
    assert list(labels) == ["Cukup Tanggap", "Cukup Tanggap", "Tanggap", "Tanggap", "Sangat Tanggap"]
    # Under the fixed bands 2.600 (53.3) would be Tanggap: the two modes really differ (§2.2 #3).
    assert classify(observed.iloc[:1], ikotan_spec.bands).iloc[0] == "Tanggap"


@pytest.mark.parametrize(
    ("p", "s", "status"),
    [
        (5, 4, "bahaya"),
        (8, 5, "bahaya"),
        (5, 3, "waspada"),
        (4, 5, "waspada"),
        (3, 0, "waspada"),
        (2, 5, "siaga"),
        (1, 0, "siaga"),
        (0, 5, "aman"),
    ],
)
def test_kawasan_rule(p, s, status):
    # §8 #15: bahaya ⇔ p ≥ 5 and s ≥ 4; §7.2 defaults for the rest
    rule = load_spec("ikkrn-dayatif-2024").status_rule
    assert status_from_counts(pd.Series([p]), pd.Series([s]), rule).iloc[0] == status


def test_kawasan_counts_ntb_2024():
    # §7.3: NTB 2024: 6 bahaya, 63 waspada, 570 siaga, 504 aman = 1,143; rawan = 69
    rule = load_spec("ikkrn-dayatif-2024").status_rule
    statuses = ["bahaya"] * 6 + ["waspada"] * 63 + ["siaga"] * 570 + ["aman"] * 504
    frame = pd.DataFrame({"kabkota_code": "52.01", "year": 2024, "phase": "mapping", "status": statuses})
    counts = status_counts(frame, rule).iloc[0]
    assert (counts["bahaya"], counts["waspada"], counts["siaga"], counts["aman"]) == (6, 63, 570, 504)
    assert counts["n_kawasan"] == 1143
    assert counts["n_rawan"] == 69


def test_ikp_2021_and_2017_capaian():
    # §8 #8: 3.181 against a target of 3.15 → 100.98 %; #9: 2.71 vs 2.8 → 96.79 %
    assert round(capaian(3.181, 3.15), 2) == 100.98
    assert round(capaian(2.71, 2.8), 2) == 96.79
