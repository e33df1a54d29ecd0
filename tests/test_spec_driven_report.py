"""A researcher changes the specs and the report follows: every number, chart and sentence.

One province report is rendered by the batch (in a child process, as ``bnn reports`` does) from
results computed with a changed IKOTAN spec (equal-interval bands with other labels and another
success band, six variables instead of five) and a changed IKP spec (another minimum cell size,
and shown on 0–100 at one decimal instead of 1–4 at two).
"""

from __future__ import annotations

import re

import matplotlib as mpl
import pandas as pd
import pytest

from bnn_lib import cli
from bnn_lib.reporting import batch, charts
from bnn_lib.reporting import data as rd
from bnn_lib.reporting import sections as s
from bnn_lib.reporting.fmt import angka
from bnn_lib.spec import IndexSpec, load_spec, modify, parse_spec, write_spec

LABELS = ["Rendah", "Sedang", "Tinggi", "Sangat Tinggi"]
SUCCESS = "Tinggi"
MIN_CELL = 8
SPLIT = ("Keluarga harmonis dan sadar hukum", "Keluarga guyub dan sehat")


def six_variables(spec: IndexSpec) -> IndexSpec:
    """The shipped IKOTAN spec with its first variable split in two and equal-interval bands."""
    raw = spec.model_dump(exclude={"path"}, exclude_none=True)
    first = raw["variables"][0]
    half = len(first["indicators"]) // 2
    second = {**first, "id": f"{first['id']}_2", "name": SPLIT[1], "indicators": first["indicators"][half:]}
    raw["variables"][0] = {**first, "name": SPLIT[0], "indicators": first["indicators"][:half]}
    raw["variables"].insert(1, second)
    raw["bands"] = {
        "mode": "equal_interval",
        "labels": LABELS,
        "success_from": SUCCESS,
        "provenance": "assumed",
        "note": "Uji: empat kategori berinterval sama.",
    }
    raw["id"] = "ikotan-uji-enam-variabel"
    return parse_spec(raw, "uji")


@pytest.fixture(scope="module")
def changed(sample_dir, tmp_path_factory):
    """Results of 2023 and 2024 under the changed specs, and Aceh's report of 2024."""
    out = tmp_path_factory.mktemp("spec-driven")
    ikotan = write_spec(six_variables(load_spec("ikotan-juknis-2021")), out / "ikotan.toml")
    reporting = {
        "min_cell": MIN_CELL,
        "headline_scale": "rescaled",
        "headline_decimals": 1,
        "provenance": "assumed",
        "note": "Uji: sel kecil, skala 0–100.",
    }
    ikp = write_spec(modify(load_spec("ikp-placeholder-2024"), {"reporting": reporting}), out / "ikp.toml")
    args = ["compute", "--year", "2023", "2024", "--data", sample_dir, "--out", str(out), "--replicates", "0"]
    assert cli.main([*args, "--samples", "0", "--spec", f"ikotan={ikotan}", "--spec", f"ikp={ikp}"]) == 0
    [outcome] = batch.run(batch.Batch(year=2024, out=out, provinces=["11"], levels=("provinsi",), progress=False))
    assert outcome.status == "ok", outcome.error
    return out


def visible(page: str) -> str:
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", page)))


def test_the_report_says_what_the_changed_specs_say(changed):
    page = visible((changed / "2024" / "provinsi-11.html").read_text())
    edges = pd.read_parquet(changed / "2024" / "results" / "ikotan_bands.parquet")
    assert edges["label"].tolist() == LABELS
    # The band edges: equal intervals over the observed range, from the results, named by the spec.
    # IKOTAN keeps its default headline scale, 1–4 at two decimals.
    lowers = "; ".join(f"{r.label} ≥ {angka(r.lower_scale, 2)}" for r in edges.iloc[1:].itertuples())
    assert "empat kategori berinterval sama atas rentang nilai kab/kota terukur" in page
    assert f", skala 1–4: {lowers}." in page
    for old in ("Juknis", "Tidak Tanggap", "Cukup Tanggap", "Sangat Tanggap", "Tanggap ke atas"):
        assert old not in page, old
    # Six variables, by name (IKP keeps its five); the success band of the spec in the sentence,
    # the KPI and the trend.
    assert f"narkoba, diukur dari enam variabel: {SPLIT[0]}, {SPLIT[1]}, Ketahanan Masyarakat" in page
    assert "narkoba, diukur dari lima" not in page
    regions = pd.read_parquet(changed / "2024" / "results" / "ikotan_regions.parquet").set_index("region_code")
    aceh = regions.loc["11"]
    assert f"{int(aceh['n_success'])} dari {int(aceh['n_measured'])} kab/kota yang diukur berada pada " in page
    assert f"kategori {SUCCESS} atau lebih tinggi" in page and f"Kab/kota {SUCCESS} ke atas" in page
    assert f"Kab/kota kategori {SUCCESS} ke atas" in page  # the KPI table
    assert aceh["band"] in LABELS and f"kategori {aceh['band']}" in page
    # The IKP table hides what rests on fewer respondents than the IKP spec's min_cell.
    assert f"kurang dari {MIN_CELL} responden tidak ditampilkan" in page and "kurang dari 5 " not in page


def test_every_ikp_figure_follows_its_headline_scale(changed):
    # The IKP spec shows 0–100 at one decimal: the summary, the kab/kota table and the chart.
    page = visible((changed / "2024" / "provinsi-11.html").read_text())
    results = changed / "2024" / "results"
    aceh = pd.read_parquet(results / "ikp_regions.parquet").set_index("region_code").loc["11"]
    national = pd.read_parquet(results / "ikp_regions.parquet").set_index("region_code").loc["00"]
    value = f"{aceh['value_100']:.1f}".replace(".", ",")  # a second formatter: Python's, with the comma
    nation = f"{national['value_100']:.1f}".replace(".", ",")
    # The summary's IKP row: value, basis, band, change, the nation beside it.
    row = rf"IKP \(skala 0–100\) {value} {int(aceh['n_measured'])} kab/kota terukur {aceh['band']} \S+ {nation} "
    assert re.search(row, page), row
    # Its KPI stays on the scale its target is set on, and says so.
    assert "IKOTAN (skala 1–4)" in page and "IKP (skala 1–4) indeks" in page
    kabkota = pd.read_parquet(results / "ikp_kabkota.parquet")
    for row in kabkota[kabkota["province_code"] == "11"].dropna(subset=["value_100"]).itertuples():
        # Its row of the IKP table: the environments' scores, then its IKP and band.
        value = f"{row.value_100:.1f}".replace(".", ",")
        assert re.search(rf"{row.kabkota} (?:[\d,–]+ )+{value} {row.band}", page), row.kabkota
    data = rd.load(2024, str(changed))
    [chart] = s.ikp(data, "11").figures
    assert chart.axes[0].get_xlim() == (0.0, 100.0)


def test_the_charts_and_tables_follow_the_changed_bands(changed):
    data = rd.load(2024, str(changed))
    section = s.ikotan(data, "11")
    ranked, profile = section.figures
    assert [t.get_text() for t in ranked.legends[0].get_texts()] == LABELS
    edges = data.table("ikotan_bands")["lower_scale"].iloc[1:].tolist()  # on 1–4, the headline scale
    assert [line.get_xdata()[0] for line in ranked.axes[0].get_lines() if line.get_linestyle() == ":"] == edges
    assert profile.axes[0].get_title(loc="left") == "Profil enam variabel IKOTAN"
    names = [t.get_text() for t in profile.axes[0].get_yticklabels()]
    assert names[:2] == list(SPLIT) and len(names) == 6
    alt = re.findall(r'<img alt="([^"]*)"', section._repr_html_())
    assert f"({', '.join(LABELS)})" in alt[0]
    chips = set(re.findall(r'class="chip"[^>]*>([^<]+)<', section.html))
    assert chips and chips <= set(LABELS)
    assert "belum pasti" not in section.html  # computed without intervals: nothing is uncertain


def test_charts_leave_matplotlib_settings_alone():
    before = dict(mpl.rcParams)
    ax = charts.trend(data=pd.DataFrame({"x": [3.0, 3.1]}, index=[2023, 2024]), title="Judul", ylabel="Skala")
    assert dict(mpl.rcParams) == before
    assert ax.figure.dpi == charts.STYLE["figure.dpi"] and ax.title.get_fontweight() == "bold"
