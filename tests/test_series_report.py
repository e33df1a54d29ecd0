"""The reports show a series across a method break honestly (docs/methodology.md §11.2).

2020–2024 are computed from the sample (IKOTAN changes spec in 2022) with a small bootstrap;
Aceh's report of 2022 is rendered by the batch, and the sections of 2022 and 2024 are called
directly. Every number checked here is read from the results tables and formatted with the
report's own helpers.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from bnn_lib import cli
from bnn_lib.reporting import batch, charts
from bnn_lib.reporting import data as rd
from bnn_lib.reporting import sections as s
from bnn_lib.reporting.fmt import angka, selisih
from bnn_lib.reporting.headline import Headline
from bnn_lib.reporting.html import SOFT_HYPHEN

ACEH = "11"
BANDS = ("Tidak Tanggap", "Cukup Tanggap", "Tanggap", "Sangat Tanggap")


@pytest.fixture(scope="module")
def series_dir(sample_dir, tmp_path_factory):
    """Results of 2020–2024 (bootstrap of 40 replicates, the fewest the command takes; no
    sensitivity run)."""
    out = tmp_path_factory.mktemp("series")
    years = ["2020", "2021", "2022", "2023", "2024"]
    args = ["compute", "--year", *years, "--data", sample_dir, "--out", str(out), "--replicates", "40"]
    assert cli.main([*args, "--samples", "0"]) == 0
    return out


@pytest.fixture(scope="module")
def page(series_dir) -> str:
    """The visible text of Aceh's report of 2022, rendered by the batch."""
    settings = batch.Batch(year=2022, out=series_dir, provinces=[ACEH], levels=("provinsi",), progress=False)
    [outcome] = batch.run(settings)
    assert outcome.status == "ok", outcome.error
    return visible((series_dir / "2022" / f"provinsi-{ACEH}.html").read_text())


@pytest.fixture(scope="module")
def data(series_dir) -> rd.ReportData:
    return rd.load(2022, str(series_dir))


@pytest.fixture(scope="module")
def method_break(data):
    return data.table("method_breaks").set_index("index").loc["ikotan"]


def visible(html: str) -> str:
    """The text a reader sees (the soft hyphens of table headers only show at a line break)."""
    html = html.replace(SOFT_HYPHEN, "")
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", html))).replace("&gt;", ">")


def test_the_break_is_stated_and_its_specs_named_in_the_appendix(page, method_break):
    assert method_break["spec_before"] != method_break["spec_now"]
    # In the summary, under the IKOTAN table and in the trend's caption: what changed, in a word
    # (the two IKOTAN specs differ in their bands only), the whole of it in the appendix.
    assert method_break["changed"] == "kategori"
    said = "Metode IKOTAN berubah antara 2021 dan 2022 (kategori; rincian: Lampiran metode)."
    assert page.count(said) >= 3
    # The spec ids only in the method appendix, which lists the break and the spec of each year.
    appendix = page.index("Lampiran metode ¶")
    assert "Perubahan metode dalam deret" in page[appendix:]
    assert f"{method_break['spec_before']} → {method_break['spec_now']} {method_break['changes']}" in page[appendix:]
    assert f"IKOTAN: {method_break['spec_before']} (2020–2021), {method_break['spec_now']} (2022)" in page[appendix:]
    for spec in (method_break["spec_before"], method_break["spec_now"]):
        assert spec not in page[:appendix], spec  # named nowhere before the appendix
    assert "batas tetap pada skala 0–100" in page[appendix:] and "skala 0–100" not in page[:appendix]
    # The assumptions cite the methodology by its name, as the workbook does, not by a repository path.
    assert "dokumen metodologi" in page[appendix:] and "docs/methodology.md" not in page


def test_the_earlier_year_is_shown_as_published_beside_its_backcast(page, data, method_break):
    published = data.region_row("ikotan_regions", ACEH, 2021)
    cast = data.table("ikotan_backcast").set_index("region_code")
    back = cast.loc[ACEH]
    assert back["spec_id"] == method_break["spec_now"] and back["spec_id_original"] == method_break["spec_before"]
    assert (
        f"Nilai 2021 menurut metode terbit (metode 2021): {angka(published['value'], 2)} "
        f"({published['band']}); proyeksi balik dengan metode 2022: "
        f"{angka(back['value'], 2)} ({back['band']})."
    ) in page
    # The IKOTAN table: each kab/kota's 2021 value with its band under each method.
    for code, row in cast[cast["level"] == "kabkota"].iterrows():
        if code.startswith(ACEH + "."):
            value = angka(row["value"], 2)  # the headline scale, 1–4 at two decimals
            assert f"{value} ({row['band_original']}) {value} ({row['band']})" in page, code
    # The trend table: the back-cast row beside the published one.
    assert f"2021 {angka(published['value'], 2)}" in page
    assert f"2021 (proyeksi balik) {angka(back['value'], 2)}" in page


def test_the_change_is_stated_against_the_backcast_only(page, data):
    now = data.region_row("ikotan_regions", ACEH)
    back = data.table("ikotan_backcast").set_index("region_code").loc[ACEH]
    delta = now["value"] - back["value"]
    assert set(data.table("ikotan_change")["basis"]) == {"backcast"}
    assert (
        f"IKOTAN (skala 1–4) {angka(now['value'], 2)} {angka(now['n_measured'], 0)} kab/kota terukur {now['band']} "
        f"{selisih(delta)} (proyeksi balik)" in page
    )
    verb = "naik" if delta > 0 else "turun"
    assert f"{verb} {angka(abs(delta), 2)} poin dari 2021 (proyeksi balik dengan metode 2022)" in page
    # Every IKOTAN change from 2021 names the back-cast (the summary table's header serves all
    # indices: its IKOTAN cell says it); no sentence moves a kab/kota from one band to another
    # across the methods.
    assert "Perubahan dari 2021 (proyeksi balik dengan metode 2022) Responden" in page
    for where in re.finditer(r"(Kenaikan terbesar|poin) dari 2021", page):
        assert page[where.end() :].startswith(" (proyeksi balik"), page[where.start() : where.end() + 40]
    bands = "|".join(BANDS)
    assert not re.search(rf"(naik|turun|berubah|pindah|bergeser)[^.;]*(ke|menjadi) (kategori )?({bands})", page)


def trend_figure(data: rd.ReportData, province: str | None):
    figure = s.trend(data, province).figures[0]
    return figure, figure.axes[0]


@pytest.mark.parametrize(("year", "province"), [(2022, ACEH), (2024, ACEH), (2024, None)])
def test_the_trend_marks_the_break_and_draws_the_backcast(series_dir, year, province):
    data = rd.load(year, str(series_dir))
    figure, ax = trend_figure(data, province)
    assert [int(x) for x in ax.get_xticks()] == list(range(2020, year + 1))
    # The break: a dashed vertical line between 2021 and 2022, labelled.
    assert any(list(line.get_xdata()) == [2021.5, 2021.5] and line.get_linestyle() == "--" for line in ax.lines)
    assert "perubahan metode" in [t.get_text() for t in ax.texts]
    # The published series is not joined across the break; its back-cast sits beside 2021, hollow.
    where = "Aceh" if province else "nasional"
    published = [line for line in ax.lines if line.get_label() == f"IKOTAN {where}"]
    assert [list(line.get_xdata()) for line in published] == [[2020, 2021]]
    [hollow] = [line for line in ax.lines if line.get_label() == f"IKOTAN {where}, proyeksi balik"]
    back = data.table("ikotan_backcast", 2022).set_index("region_code").loc[province or "00"]
    assert hollow.get_markerfacecolor() == "white"
    assert list(hollow.get_xdata()) == [2021 + charts.BACKCAST_SHIFT]
    assert list(hollow.get_ydata()) == pytest.approx([back["value"]])
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert f"IKOTAN {where}, proyeksi balik" in legend
    # The legend names the bands the chart shows, read from the drawing: the colours of the
    # shaded rectangles that reach into the visible range are those of its band swatches. The
    # fixed scheme's lowest band (1,00–1,75) lies far below every value, so it is not named.
    low, high = ax.get_ylim()
    drawn = {
        to_hex(p.get_facecolor(), keep_alpha=True)
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_y() < high and p.get_y() + p.get_height() > low
    }
    entries = zip(figure.legends[0].legend_handles, legend, strict=True)
    swatches = {to_hex(h.get_facecolor(), keep_alpha=True): t for h, t in entries if t.startswith("kategori ")}
    assert set(swatches) == drawn and len(swatches) == len(set(swatches.values()))
    assert "Tidak Tanggap" in set(data.table("ikotan_bands", 2021)["label"])
    assert "kategori Tidak Tanggap" not in swatches.values()
    # Each year's bands in its own method: the fixed edges through 2021, that year's equal
    # intervals from 2022.
    for y in (2021, 2022):
        edges = data.table("ikotan_bands", y)
        shaded = sorted(
            edge
            for p in ax.patches
            if isinstance(p, Rectangle) and p.get_x() == y - 0.5
            for edge in (p.get_y(), p.get_y() + p.get_height())
        )
        assert shaded == pytest.approx(sorted([*edges["lower_scale"], *edges["upper_scale"]]))


def test_a_year_without_a_break_since_the_previous_compares_as_published(series_dir):
    data = rd.load(2024, str(series_dir))
    findings = " ".join(s.summary_sentences(data, ACEH))
    assert "poin dari 2023" in findings and "proyeksi balik" not in findings
    assert "Perubahan metode dalam deret" in s.methodology(data, ACEH).html  # still listed in 2024


def test_a_change_is_said_as_it_is_shown():
    # The engine's changes since 2023 on the score scale: one that prints as 0,00 is "tetap",
    # never "naik 0,00"; a half rounds away from zero, as it prints (0.015 → 0,02).
    compared = pd.DataFrame({"value": [3.20], "band": ["Tanggap"]}, index=["11"])
    changes = pd.DataFrame(
        {"change_score": [0.004, 0.006, -0.12, 0.04, 0.015], "change_all_score": 0.0, "n_common": 1},
        index=["11", "12", "13", "14", "15"],
    ).assign(n_now=1, n_before=1)
    on_score = Headline(on_score=True, low=1, high=4, decimals=2)
    base = s.breaks.Baseline(on_score, 2023, compared, compared, None, changes)
    assert base.movement("11") == "; tetap dari 2023"
    assert base.movement("12") == "; naik 0,01 poin dari 2023"
    assert base.movement("13") == "; turun 0,12 poin dari 2023"
    assert base.movement("15") == "; naik 0,02 poin dari 2023"
    assert base.movement("16") == ""  # no change computed: nothing said
    coarse = s.breaks.Baseline(dataclasses.replace(on_score, decimals=1), 2023, compared, compared, None, changes)
    assert coarse.movement("14") == "; tetap dari 2023"  # 0.04 at one decimal


def test_a_change_is_read_on_the_headline_scale():
    # A spec that shows 0–100 reads the engine's 0–100 change (6.0 points), not its 1–4 twin.
    compared = pd.DataFrame({"value": [3.20], "value_100": [73.3], "band": ["Tanggap"]}, index=["11"])
    changes = pd.DataFrame(
        {"change": [6.0], "change_score": [0.18], "change_all": [6.0], "change_all_score": [0.18], "n_common": 1},
        index=["11"],
    ).assign(n_now=1, n_before=1)
    rescaled = Headline(on_score=False, low=0, high=100, decimals=1)
    base = s.breaks.Baseline(rescaled, 2023, compared, compared, None, changes)
    assert base.movement("11") == "; naik 6,0 poin dari 2023"
    assert base.value(compared, "11") == "73,3 (Tanggap)"


def test_a_long_kabkota_name_keeps_the_trend_legend_inside_the_figure():
    # The longest names of the registry, with a back-cast and four bands: eight legend entries
    # that do not fit four to a row. Every entry must be drawn inside the figure, none cut off.
    name, province = "IKOTAN Kab. Kepulauan Siau Tagulandang Biaro", "IKOTAN Sulawesi Utara"
    years = [2020, 2021, 2022, 2023, 2024]
    bands = pd.DataFrame(
        [(y, b, lo, lo + 0.75) for y in years for b, lo in zip(BANDS, (1.0, 1.75, 2.5, 3.25), strict=True)],
        columns=["year", "label", "lower", "upper"],
    )
    series = {name: pd.Series([3.2, 3.3, 3.1, 3.4, 3.35], index=years), province: pd.Series(3.3, index=years)}
    marks = charts.SeriesMarks(
        breaks=(2021.5,),
        break_label="perubahan metode",
        backcast={name: pd.Series({2021: 3.28})},
        backcast_label="proyeksi balik",
        bands=bands,
    )
    ax = charts.trend(data=pd.DataFrame(series), title="Tren IKOTAN", ylabel="Skala 1–4", ylim=(1.0, 4.0), marks=marks)
    figure = ax.figure
    figure.canvas.draw()
    inside = figure.bbox
    [legend] = figure.legends
    assert len(legend.get_texts()) == 2 + 1 + len(BANDS)
    for entry in [legend, *legend.get_texts()]:
        box = entry.get_window_extent()
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, (entry, box, inside)


def test_the_largest_rise_and_fall_are_named_only_when_they_show(series_dir):
    # 2024 against 2023 as published: every kab/kota of Aceh made to rise by 0,004 at most
    # (shown +0,00) says no "kenaikan terbesar"; one that falls by 0,2 is the largest fall.
    # The reports read the change the engine computed (the change table), never a difference of their own.
    data = rd.load(2024, str(series_dir))
    now = data.table("ikotan_kabkota")
    codes = now.loc[now["province_code"] == ACEH, "kabkota_code"]
    change = data.table("ikotan_change").copy()
    of_aceh = change["region_code"].isin(codes)
    change.loc[of_aceh, "change_score"] = 0.004
    tables = {**data.results.tables, "ikotan_change": change}
    changed = dataclasses.replace(data, results=dataclasses.replace(data.results, tables=tables))
    changed = dataclasses.replace(changed, history={**data.history, 2024: changed.results})
    assert s.summary._movers(changed, ACEH) == []
    fell = codes.iloc[0]
    change.loc[change["region_code"] == fell, "change_score"] = -0.2
    said = s.summary._movers(changed, ACEH)
    name = now.set_index("kabkota_code").loc[fell, "kabkota"]
    assert said == [f"Penurunan terbesar dari 2023: {name} ({selisih(-0.2)})."]
