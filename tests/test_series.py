"""A multi-year series: the spec in force each year, the sample's 2022 round against the published
one, and a change across a change of method computed against a back-cast (docs/methodology.md §11)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_spec

from bnn_lib.analyses import Analyses, change_tables
from bnn_lib.build import plan_years
from bnn_lib.pipeline import compute_survey, compute_year, compute_years, series_tables
from bnn_lib.results import Results
from bnn_lib.spec import SPEC_SERIES, IndexSpec, SpecError, choose_specs, default_spec, load_spec, modify

ROOT = Path(__file__).resolve().parents[1]
FAST = Analyses(replicates=20, samples=0)
# The published 2022 round (docs/methodology.md §2.1, §8 #5): class edges on the 1–4 scale and
# the number of kab/kota in Cukup Tanggap, Tanggap and Sangat Tanggap.
PUBLISHED_EDGES = (2.600, 3.065, 3.533)
PUBLISHED_COUNTS = (25, 160, 22)


@pytest.fixture(scope="module")
def across_break(sample_dir):
    """2021 (Juknis fixed bands) and 2022 (equal-interval classes) computed together."""
    results, errors = compute_years([2021, 2022], sample_dir, None, FAST)
    assert not errors
    return results


@pytest.fixture(scope="module")
def direct_2021(sample_dir):
    """2021 computed on its own under the 2022 spec: the back-cast by a second route."""
    return compute_year(2021, sample_dir, specs={"ikotan": load_spec("ikotan-dayamas-2022")})


# -- the spec in force in a year -----------------------------------------------------------------


def test_every_year_has_one_shipped_spec_per_index():
    for index, ids in SPEC_SERIES.items():
        specs = [load_spec(name) for name in ids]
        for year in range(2015, 2031):
            assert sum(s.applies_to(year) for s in specs) == 1, (index, year)


def test_ikotan_changes_method_in_2022():
    assert [default_spec("ikotan", y) for y in (2020, 2021, 2022, 2024)] == [
        "ikotan-juknis-2021",
        "ikotan-juknis-2021",
        "ikotan-dayamas-2022",
        "ikotan-dayamas-2022",
    ]
    assert default_spec("ikotan") == "ikotan-dayamas-2022"  # no year: the latest
    assert choose_specs()["ikotan"].id == choose_specs(year=2030)["ikotan"].id == "ikotan-dayamas-2022"
    assert choose_specs(year=2021)["ikp"].id == "ikp-placeholder-2024"


def test_an_override_holds_whatever_the_year():
    juknis = load_spec("ikotan-juknis-2021")  # its years end in 2021
    assert choose_specs({"ikotan": juknis}, 2024)["ikotan"] is juknis
    assert choose_specs({"ikotan": "ikotan-dayamas-2022"}, 2020)["ikotan"].id == "ikotan-dayamas-2022"


def test_years_in_the_wrong_order_are_refused():
    with pytest.raises(SpecError, match=r"years_from \(2022\) must not come after years_to \(2020\)"):
        modify(load_spec("ikotan-dayamas-2022"), {"years_to": 2020})


def test_the_2022_spec_is_the_juknis_one_with_other_bands():
    juknis, dayamas = load_spec("ikotan-juknis-2021"), load_spec("ikotan-dayamas-2022")
    apart = {"id", "version", "years_from", "years_to", "bands", "path"}
    assert juknis.model_dump(exclude=apart) == dayamas.model_dump(exclude=apart)
    assert (juknis.years_to, dayamas.years_from) == (2021, 2022)
    bands = dayamas.bands
    assert bands.mode == "equal_interval" and bands.labels == ["Cukup Tanggap", "Tanggap", "Sangat Tanggap"]
    assert bands.provenance == "inferred" and bands.source in (ROOT / "docs" / "methodology.md").read_text()
    assert [b.label for b in bands.fixed] == [b.label for b in juknis.bands.fixed]  # the alternative tried
    assert "docs/methodology.md §" in bands.note


# -- the sample ----------------------------------------------------------------------------------


def test_sample_2022_reproduces_the_published_round(across_break):
    kabkota = across_break[2022].table("ikotan_kabkota")
    assert len(kabkota) == 207 and set(kabkota["spec_id"]) == {"ikotan-dayamas-2022"}
    # Edges and counts worked out here from the values (1–4), not from the pipeline's bands.
    lo, hi = kabkota["value"].min(), kabkota["value"].max()
    edges = lo + (hi - lo) * np.arange(3) / 3
    assert edges == pytest.approx(PUBLISHED_EDGES, abs=0.02)
    counts = np.bincount(np.searchsorted(edges, kabkota["value"], side="right") - 1, minlength=3)
    assert np.abs(counts - PUBLISHED_COUNTS).max() <= 3, counts
    bands = across_break[2022].table("ikotan_bands")
    assert bands["lower_scale"].to_numpy() == pytest.approx(edges)
    assert kabkota["band"].value_counts()[list(bands["label"])].tolist() == counts.tolist()


def test_sample_covers_2020_to_2024_with_lasting_profiles(sample_dir):
    meta = json.loads((Path(sample_dir) / "metadata.json").read_text())
    assert meta["years"] == [2020, 2021, 2022, 2023, 2024] and meta["measured"]["2022"] == 207
    reverse = {item.id for ind in load_spec("ikotan-juknis-2021").indicators for item in ind.items if item.reverse}
    means = {}
    for year in meta["years"]:  # the plain mean answer of each kab/kota (reverse items mirrored)
        folder = Path(sample_dir) / str(year)
        people = pd.read_parquet(folder / "ikotan_respondents_synthetic.parquet")
        answers = pd.read_parquet(folder / "ikotan_answers_synthetic.parquet").astype({"respondent_id": str})
        answers = answers[answers["value"].between(1, 4)].merge(people, on="respondent_id")
        answers["value"] = np.where(
            answers["item_id"].astype(str).isin(reverse), 5 - answers["value"], answers["value"]
        )
        means[year] = answers.groupby("kabkota_code")["value"].mean()
    table = pd.DataFrame(means)
    for year in meta["years"][1:]:
        assert table[year - 1].corr(table[year]) > 0.85  # each kab/kota keeps its standing
    rise = table[2024].mean() - table[2020].mean()
    assert 0 < rise < 0.3  # a slight upward trend


# -- a change across a change of method ------------------------------------------------------------


def test_a_change_across_specs_is_against_the_backcast(across_break, direct_2021):
    now = across_break[2022]
    breaks = now.table("method_breaks").set_index("index")
    assert list(breaks.index) == ["ikotan"]
    row = breaks.loc["ikotan"]
    assert (row["year_before"], row["spec_before"], row["spec_now"]) == (
        2021,
        "ikotan-juknis-2021",
        "ikotan-dayamas-2022",
    )
    assert row["backcast"] and "batas tetap" in row["changes"] and "sama lebar" in row["changes"]
    backcast = now.table("ikotan_backcast").set_index(["level", "region_code"])
    assert set(backcast["spec_id"]) == {"ikotan-dayamas-2022"} and set(backcast["year"]) == {2021}
    assert set(backcast["spec_id_original"]) == {"ikotan-juknis-2021"}
    direct = direct_2021.table("ikotan_kabkota").set_index("kabkota_code")
    kabkota = backcast.loc["kabkota"]
    pd.testing.assert_series_equal(kabkota["value_100"], direct["value_100"].reindex(kabkota.index), check_names=False)
    assert (kabkota["band"].astype(str) == direct["band"].astype(str).reindex(kabkota.index)).all()
    regions = direct_2021.table("ikotan_regions").set_index(["level", "region_code"])
    assert backcast.loc[regions.index, "value_100"].to_numpy() == pytest.approx(regions["value_100"].to_numpy())
    original = across_break[2021].table("ikotan_kabkota").set_index("kabkota_code")["band"].astype(str)
    assert (kabkota["band_original"] == original.reindex(kabkota.index)).all()
    change = now.table("ikotan_change").set_index("region_code")
    assert set(change["basis"]) == {"backcast"} and set(change["spec_id"]) == {"ikotan-dayamas-2022"}
    both = (now.table("ikotan_kabkota").set_index("kabkota_code")["value_100"] - direct["value_100"]).dropna()
    assert len(both) == 207 and change.loc[both.index, "change"].to_numpy() == pytest.approx(both.to_numpy())
    assert set(now.table("ikp_change")["basis"]) == {"observed"}  # IKP kept its spec


def test_no_change_is_computed_between_two_specs(across_break):
    changes = change_tables(across_break[2022].tables, across_break[2021].tables, across_break[2022].specs)
    assert "ikotan_change" not in changes and "ikp_change" in changes


def test_without_the_earlier_data_there_is_no_backcast_and_no_change(sample_dir, across_break, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(sample_dir) / "2022", data / "2022")
    results, errors = compute_years([2022], data, None, FAST, earlier={2021: across_break[2021]})
    assert not errors
    now = results[2022]
    assert not now.table("method_breaks").set_index("index").loc["ikotan", "backcast"]
    assert "ikotan_change" not in now.tables and "ikotan_backcast" not in now.tables
    assert any("proyeksi balik 2021 tidak dapat dihitung" in str(w) for w in now.warnings)


def test_each_year_is_planned_with_its_spec(sample_dir, tmp_path):
    plans = plan_years([2021, 2022], Path(sample_dir), tmp_path / "reports", reuse=False)
    assert [p.specs["ikotan"].id for p in plans] == ["ikotan-juknis-2021", "ikotan-dayamas-2022"]
    asked = plan_years([2021, 2022], Path(sample_dir), tmp_path / "reports", {"ikotan": "ikotan-juknis-2021"})
    assert [p.specs["ikotan"].id for p in asked] == ["ikotan-juknis-2021"] * 2  # --spec: every year


def test_a_spec_edited_under_the_same_id_is_never_compared_across_its_edit(sample_dir):
    """A researcher's copy keeps the id and changes the aggregation: the two years differ in
    method, so without a back-cast there is no change at all, never one across the edit."""
    from bnn_lib.pipeline import series_tables

    settings = Analyses(replicates=5, samples=0)
    spec = load_spec(default_spec("ikotan", 2024))
    edited = modify(spec, {"aggregation.method": "geometric"}, id=spec.id)
    prev = compute_year(2023, sample_dir, {"ikotan": spec}, settings, indices=("ikotan",))
    now = compute_year(2024, sample_dir, {"ikotan": edited}, settings, indices=("ikotan",))
    same = compute_year(2024, sample_dir, {"ikotan": spec}, settings, indices=("ikotan",))
    assert "ikotan_change" in series_tables(same, prev, None)  # the same method: an observed change
    tables = series_tables(now, prev, FileNotFoundError("no 2023 data here"))
    assert "ikotan_change" not in tables
    assert tables["method_breaks"]["index"].tolist() == ["ikotan"]


# -- a back-cast worked by hand --------------------------------------------------------------------
#
# Three kab/kota of Aceh, one respondent each (group b of the conftest's TINY spec: I1 = mean of
# i1a and the reversed i1b, I2 = i2a; index = (I1 + I2)/2 on 1–4, (x − 1)/3 × 100 on 0–100).
#
#              2021 answers        index  0–100   fixed band (A)    2022 answers        index  0–100
#   11.01      i1a 2, i1b 3, i2a 2   2    33.33   Cukup Tanggap     i1a 4, i1b 1, i2a 4   4    100
#   11.02      i1a 3, i1b 2, i2a 2   2.5  50      Cukup Tanggap     i1a 3, i1b 2, i2a 2   2.5  50
#   11.03      i1a 3, i1b 2, i2a 3   3    66.67   Tanggap           i1a 2, i1b 3, i2a 2   2    33.33
#
# Spec B bands the year in three classes of equal width over the observed range. 2021 under B
# (the back-cast): range 33.33–66.67, lower edges 33.33, 44.44, 55.56 → Cukup Tanggap, Tanggap,
# Sangat Tanggap. Province and nation (mean of the kab/kota): 50 in 2021, 61.11 in 2022.
# Changes against the back-cast: +66.67, 0, −33.33; province +11.11.

HAND_2021 = {"11.01": (2, 3, 2), "11.02": (3, 2, 2), "11.03": (3, 2, 3)}
HAND_2022 = {"11.01": (4, 1, 4), "11.02": (3, 2, 2), "11.03": (2, 3, 2)}


def _hand_year(answers: dict[str, tuple[int, int, int]], spec: IndexSpec, year: int) -> Results:
    """One year of the hand-worked data computed under ``spec``, with the bootstrap the changes need."""
    people = pd.DataFrame({"respondent_id": list(answers), "kabkota_code": list(answers), "group": "b"})
    items = ("i1a", "i1b", "i2a")
    rows = [(code, item, v) for code, values in answers.items() for item, v in zip(items, values, strict=True)]
    frame = pd.DataFrame(rows, columns=["respondent_id", "item_id", "value"])
    return Results(year, compute_survey(people, frame, spec, "tiny", FAST), {"tiny": spec})


def test_a_backcast_worked_by_hand():
    fixed, equal = tiny_spec(), tiny_spec(id="tiny-equal", bands={"mode": "equal_interval"})
    before, cast, now = (
        _hand_year(HAND_2021, fixed, 2021),
        _hand_year(HAND_2021, equal, 2021),
        _hand_year(HAND_2022, equal, 2022),
    )
    tables = series_tables(now, before, cast)
    assert tables["method_breaks"].set_index("index").loc["tiny", "backcast"]
    backcast = tables["tiny_backcast"].set_index("region_code")
    assert backcast.loc[["11.01", "11.02", "11.03", "11", "00"], "value_100"].to_numpy() == pytest.approx(
        [100 / 3, 50, 200 / 3, 50, 50]
    )
    assert backcast.loc[["11.01", "11.02", "11.03"], "band"].astype(str).tolist() == [
        "Cukup Tanggap",
        "Tanggap",
        "Sangat Tanggap",
    ]
    assert backcast.loc[["11.01", "11.02", "11.03"], "band_original"].tolist() == [
        "Cukup Tanggap",
        "Cukup Tanggap",
        "Tanggap",
    ]
    edges = tables["tiny_backcast_bands"]["lower"].to_numpy()
    assert edges == pytest.approx([100 / 3, 400 / 9, 500 / 9])
    change = tables["tiny_change"].set_index("region_code")
    assert set(change["basis"]) == {"backcast"}
    assert change.loc[["11.01", "11.02", "11.03", "11", "00"], "change"].to_numpy() == pytest.approx(
        [200 / 3, 0, -100 / 3, 100 / 9, 100 / 9]
    )


def test_a_change_is_computed_without_the_bootstrap(sample_dir, tmp_path):
    """Results computed without replicates still state each region's change (its interval blank):
    the national change is the mean over the kab/kota of both years now minus before, worked out
    here from the two kab/kota tables."""
    results, errors = compute_years([2023, 2024], sample_dir, analyses=Analyses(replicates=0, samples=0), jobs=1)
    assert not errors
    before, now = (results[y].tables["ikotan_kabkota"].set_index("kabkota_code") for y in (2023, 2024))
    both = now.index.intersection(before.index)
    change = results[2024].tables["ikotan_change"].set_index("region_code")
    assert change.loc["00", "change"] == pytest.approx(
        now.loc[both, "value_100"].mean() - before.loc[both, "value_100"].mean()
    )
    assert change.loc["00", "change_score"] == pytest.approx(
        now.loc[both, "value"].mean() - before.loc[both, "value"].mean()
    )
    aceh = [c for c in both if c.startswith("11.")]
    assert change.loc["11", "change"] == pytest.approx(
        now.loc[aceh, "value_100"].mean() - before.loc[aceh, "value_100"].mean()
    )
    assert change[["lo95", "hi95", "distinguishable"]].isna().all().all()
    saved = results[2024].save(tmp_path / "results")  # blank intervals save and read back
    assert pd.read_parquet(saved / "ikotan_change.parquet")["distinguishable"].isna().all()
