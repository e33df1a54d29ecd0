"""The charts follow seaborn's convention: the table as ``data=``, an optional ``ax=``, the axes
returned. Given the caller's axes, a chart draws there, makes no figure and leaves matplotlib's
settings as they were; it draws the numbers it is given and computes none."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import bnn_lib
from bnn_lib.kawasan import status_transitions
from bnn_lib.reporting import charts
from bnn_lib.reporting import data as rd
from bnn_lib.reporting import sections as s
from bnn_lib.reporting.fmt import angka

YEARS = [2022, 2023, 2024]
BANDS = pd.DataFrame(
    [(y, label, lo, lo + 1.5) for y in YEARS for label, lo in (("Rendah", 1.0), ("Tinggi", 2.5))],
    columns=["year", "label", "lower", "upper"],
)


@pytest.fixture
def figure():
    """A figure of two axes side by side, made by the caller (the test) with pyplot, and the
    figures and settings that existed once it was made."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    before = (plt.get_fignums(), dict(mpl.rcParams))
    yield fig, left, right, before
    plt.close(fig)


def test_two_charts_share_one_figure_the_caller_made(figure):
    fig, left, right, (fignums, settings) = figure
    series = pd.DataFrame({"IKOTAN Aceh": [3.1, 3.2, 3.3], "IKOTAN nasional": [3.0, 3.1, 3.2]}, index=YEARS)
    marks = charts.SeriesMarks(bands=BANDS)
    profile = pd.DataFrame({"Aceh": [60.0, 70.0], "Nasional": [65.0, 68.0]}, index=["Keluarga", "Masyarakat"])

    drawn = (
        charts.trend(data=series, title="Tren", ylabel="Skala 1–4", marks=marks, ax=left),
        charts.paired_bars(data=profile, title="Profil", scale=(0, 100), ax=right),
    )

    assert drawn == (left, right)
    assert plt.get_fignums() == fignums  # no figure made
    assert dict(mpl.rcParams) == settings  # the report's style held only while they drew
    assert left.figure is fig and right.figure is fig and fig.axes == [left, right]
    # What each drew is on its own axes: lines and bands left, bars right; the legends too
    # (the trend puts its band legend on a figure only when it made the figure).
    assert [line.get_label() for line in left.lines] == list(series.columns)
    assert len(right.patches) == 2 * len(profile)
    assert left.get_title(loc="left") == "Tren" and right.get_title(loc="left") == "Profil"
    assert not fig.legends
    assert "kategori Tinggi" in [t.get_text() for t in left.get_legend().get_texts()]
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["Aceh", "Nasional"]


def test_ranked_bars_and_status_on_the_callers_axes(figure):
    fig, left, right, (fignums, settings) = figure
    table = pd.DataFrame({"kabkota": ["A", "B"], "value_100": [40.0, 70.0], "band": ["Rendah", "Tinggi"]})
    edges = pd.DataFrame({"label": ["Rendah", "Tinggi"], "lower": [0.0, 50.0]})
    counts = pd.DataFrame({"before": [0, 1, 3, 2], "after": [4, 1, 1, 0]}, index=["aman", "siaga", "waspada", "bahaya"])

    ranked = charts.ranked_bars(data=table, edges=edges, national=55.0, title="Peringkat", scale=(0, 100), ax=left)
    status = charts.status_before_after(data=counts, title="Status", ax=right)

    assert (ranked, status) == (left, right)
    assert plt.get_fignums() == fignums and dict(mpl.rcParams) == settings
    assert not fig.legends and [t.get_text() for t in left.get_legend().get_texts()] == ["Rendah", "Tinggi"]
    # The counts are drawn as given: the bars' widths, before (y = 1) and after (y = 0).
    widths = {(round(p.get_y() + p.get_height() / 2), p.get_facecolor()): p.get_width() for p in right.patches}
    assert sorted(w for (y, _), w in widths.items() if y == 1 and w) == [1, 2, 3]
    assert sorted(w for (y, _), w in widths.items() if y == 0 and w) == [1, 1, 4]


def test_a_chart_without_axes_makes_its_own_figure_outside_pyplot():
    fignums = plt.get_fignums()
    ax = charts.trend(data=pd.DataFrame({"x": [3.0, 3.1, 3.2]}, index=YEARS), title="t", ylabel="y")
    assert plt.get_fignums() == fignums
    assert tuple(ax.figure.get_size_inches()) == (charts.WIDTH, 3.0)


def test_status_transitions_count_each_end_by_hand():
    recovered = pd.DataFrame(
        {
            "kabkota_code": ["11.01", "11.01", "11.02", "12.01", "12.01"],
            "status_before": ["bahaya", "waspada", "waspada", None, "siaga"],
            "status_after": ["aman", "siaga", "waspada", "aman", None],
        }
    )
    table = status_transitions(recovered).set_index(["region_code", "status"])
    # Worked by hand; a blank status is counted at neither end where it is blank.
    nation = table.loc["00"].reindex(["aman", "siaga", "waspada", "bahaya"])
    assert nation.to_dict("list") == {"before": [0, 1, 2, 1], "after": [2, 1, 1, 0]}
    aceh = table.loc["11"].reindex(["aman", "siaga", "waspada", "bahaya"])
    assert aceh.to_dict("list") == {"before": [0, 0, 2, 1], "after": [1, 1, 1, 0]}
    assert table.loc[("12.01", "siaga")].to_dict() == {"before": 1, "after": 0}


@pytest.fixture(scope="module")
def audited(sample_dir, tmp_path_factory) -> rd.ReportData:
    """IKOTAN of 2024 from the sample with its audit (no bootstrap or Monte Carlo), saved."""
    out = tmp_path_factory.mktemp("audited")
    analyses = bnn_lib.Analyses(replicates=0, samples=0)
    bnn_lib.compute_year(2024, sample_dir, analyses=analyses, indices=["ikotan"]).save(out / "2024" / "results")
    return rd.load(2024, str(out))


# seaborn 0.13 calls cmap.set_bad, which matplotlib 3.11 plans to deprecate: nothing of ours.
@pytest.mark.filterwarnings("ignore:The set_bad function:PendingDeprecationWarning")
def test_the_audit_heatmap_writes_the_correlations_computed_again_with_numpy(audited):
    [figure] = s.audit_appendix(audited).figures
    ax = figure.axes[0]
    cells = {
        (
            ax.get_yticklabels()[int(t.get_position()[1])].get_text(),
            ax.get_xticklabels()[int(t.get_position()[0])].get_text(),
        ): t.get_text()
        for t in ax.texts
    }
    spec = audited.spec("ikotan")
    indicator, variable = spec.variables[0].indicators[0], spec.variables[0]
    # The second method: Pearson's r by numpy over the kab/kota scores as saved, complete pairs.
    results = audited.folder / "results"
    scores = pd.read_parquet(results / "ikotan_indicators.parquet")
    x = scores[scores["indicator_id"] == indicator.id].set_index("kabkota_code")["score"]
    variables = pd.read_parquet(results / "ikotan_variables.parquet")
    y = variables[variables["variable_id"] == variable.id].set_index("kabkota_code")["score"]
    index = pd.read_parquet(results / "ikotan_kabkota.parquet").set_index("kabkota_code")["value"]

    def pearson(a: pd.Series, b: pd.Series) -> float:
        both = pd.concat([a, b], axis=1, join="inner").dropna().to_numpy()
        return float(np.corrcoef(both[:, 0], both[:, 1])[0, 1])

    assert cells[(indicator.name, "Dengan variabelnya")] == angka(pearson(x, y), 2)
    assert cells[(indicator.name, "Dengan indeks")] == angka(pearson(x, index), 2)
    assert cells[(f"Variabel {variable.name}", "Dengan indeks")] == angka(pearson(y, index), 2)
    assert (f"Variabel {variable.name}", "Dengan variabelnya") not in cells  # no such correlation: left empty
    # Every cell is the table's, and the palette is diverging, centred at 0.
    table = pd.read_parquet(results / "ikotan_audit_correlations.parquet")
    assert len(cells) == table["kind"].isin(["indicator-variable", "indicator-index", "variable-index"]).sum()
    mesh = ax.collections[0]
    assert mesh.norm.vmin == -1 and mesh.norm.vmax == 1
    assert figure.axes[1].get_ylabel() == "Koefisien korelasi r"
