"""The public copy against an attacker who solves the published equations.

A year of the sample is computed with four kinds of small cell planted in it, exported with
``public=True``, and then attacked: every figure the copy blanks is an unknown, every figure it
publishes a known number, and every documented formula that ties figures together (an indicator
is the mean of its respondent groups, a kab/kota IKP the mean of its environments, a province the
mean of its kab/kota, …; docs/methodology.md §2.3, §3.3, §9.6) an equation. The equations are
written here from the formulas, not from the library's code, and checked first against the true
values, so that a wrong equation cannot make the test pass. Linear algebra then says which
unknowns the equations pin down: an unknown is determined exactly when every solution gives it
the same value, i.e. when the null space of the system is zero in its coordinate. None may be.

The planted cases, one kab/kota each:

- ``group``: 3 of the 7 kejaksaan respondents of 11.06 kept (a small respondent group);
- ``single_group``: 3 of the 60 keluarga respondents of 12.02 kept; only keluarga is asked the
  indicators of ketahanan keluarga, so those indicator means are that small group's own scores;
- ``environment``: 3 of the 12 swasta respondents of IKP in 13.04 kept (a small environment);
- ``region``: 4 of the 180 IKOTAN respondents of 14.01 kept (a small kab/kota, inside its
  province's and the nation's means).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space

from bnn_lib.analyses import Analyses
from bnn_lib.pipeline import compute_year, compute_years
from bnn_lib.publish import export
from bnn_lib.spec import IndexSpec

CASES = {
    "group": ("ikotan", "11.06", "kejaksaan", 3),
    "single_group": ("ikotan", "12.02", "keluarga", 3),
    "environment": ("ikp", "13.04", "swasta", 3),
    "region": ("ikotan", "14.01", None, 4),
}
NATIONAL = "00"


def keep_few(data: Path, index: str, code: str, group: str | None, keep: int, year: int = 2024) -> None:
    """Drop all but ``keep`` respondents of ``group`` (or of the whole kab/kota) of ``code``."""
    folder = data / str(year)
    people = pd.read_parquet(folder / f"{index}_respondents_synthetic.parquet")
    answers = pd.read_parquet(folder / f"{index}_answers_synthetic.parquet")
    chosen = people[(people["kabkota_code"] == code) & ((people["group"] == group) if group else True)]
    gone = set(chosen["respondent_id"].iloc[keep:])
    people[~people["respondent_id"].isin(gone)].to_parquet(folder / f"{index}_respondents_synthetic.parquet")
    answers[~answers["respondent_id"].isin(gone)].to_parquet(folder / f"{index}_answers_synthetic.parquet")


@pytest.fixture(scope="module")
def computed(sample_dir, tmp_path_factory):
    """The true tables of 2024 with the planted small cells, the public copy, and the specs."""
    root = tmp_path_factory.mktemp("disclosure")
    data = root / "data"
    shutil.copytree(Path(sample_dir) / "2024", data / "2024")
    for index, code, group, keep in CASES.values():
        keep_few(data, index, code, group, keep)
    results = compute_year(2024, data, analyses=Analyses(replicates=20, samples=0), indices=("ikotan", "ikp"))
    results.save(root / "results")
    export(root / "results", root / "publik", public=True)
    public = {p.stem: pd.read_parquet(p) for p in (root / "publik").glob("*.parquet")}
    return results.tables, public, results.specs


# -- what is published: every figure by what it is ------------------------------------------------


def to_score(values, spec: IndexSpec):
    """A figure on the 0–100 scale back on the score scale (the documented linear rescale)."""
    (lo, hi), (a, b) = spec.rescale.from_range, spec.rescale.to_range
    return (np.asarray(values, dtype=float) - a) / (b - a) * (hi - lo) + lo


def keyed(tag: str, index: str, *columns) -> list[tuple]:
    """The key of each row's figure: (tag, index, the row's values of ``columns``)."""
    return [(tag, index, *row) for row in zip(*columns, strict=True)]


def figures(tables: dict[str, pd.DataFrame], specs: dict[str, IndexSpec]) -> dict[tuple, list[float]]:
    """Every published place of every figure, by the figure's key (the same figure may stand in
    several tables and on both scales: a reader uses whichever is there)."""
    out: dict[tuple, list[float]] = defaultdict(list)

    def put(keys, values) -> None:
        for key, value in zip(keys, values, strict=True):
            out[key].append(float(value))

    for x, spec in specs.items():
        t = {name.removeprefix(f"{x}_"): frame for name, frame in tables.items() if name.startswith(f"{x}_")}
        g = t["groups"]
        put(keyed("x", x, g["kabkota_code"], g["group"], g["indicator_id"]), g["score"])
        put(keyed("n", x, g["kabkota_code"], g["group"]), g["n_respondents"])
        for name, key in (("indicators", "S"), ("variables", "V")):
            f = t[name]
            ids = f["indicator_id" if key == "S" else "variable_id"]
            put(keyed(key, x, f["kabkota_code"], ids), f["score"])
            put(keyed(key, x, f["kabkota_code"], ids), to_score(f["score_100"], spec))
        k = t["kabkota"]
        put(keyed("I", x, k["kabkota_code"]), k["value"])
        put(keyed("I", x, k["kabkota_code"]), to_score(k["value_100"], spec))
        put(keyed("N", x, k["kabkota_code"]), k["n_respondents"])
        r = t["regions"]
        put(keyed("I", x, r["region_code"]), r["value"])
        put(keyed("I", x, r["region_code"]), to_score(r["value_100"], spec))
        iv = t["intervals"]
        put(keyed("I", x, iv["region_code"]), to_score(iv["value_100"], spec))
        vr = t["variable_regions"]
        put(keyed("V", x, vr["region_code"], vr["variable_id"]), vr["score"])
        vi = t["variable_intervals"]
        put(keyed("V", x, [NATIONAL] * len(vi), vi["variable_id"]), to_score(vi["national_100"], spec))
        put(keyed("V", x, vi["kabkota_code"], vi["variable_id"]), to_score(vi["score_100"], spec))
        gi = t["group_intervals"]
        put(keyed("G", x, gi["kabkota_code"], gi["group"]), to_score(gi["score_100"], spec))
        put(keyed("G", x, [NATIONAL] * len(gi), gi["group"]), to_score(gi["national_100"], spec))
        put(keyed("n", x, gi["kabkota_code"], gi["group"]), gi["n_respondents"])
        if "environments" in t:  # an index computed per environment: its value is the group's index
            e = t["environments"]
            put(keyed("G", x, e["kabkota_code"], e["group"]), e["value"])
            put(keyed("n", x, e["kabkota_code"], e["group"]), e["n_respondents"])
            er = t["environment_regions"]
            put(keyed("G", x, er["region_code"], er["group"]), er["score"])
    kpi = tables["kpi"]
    survey = kpi[kpi["measure"].isin(list(specs))]
    put([("I", m, c) for m, c in zip(survey["measure"], survey["region_code"], strict=True)], survey["realisasi"])
    return out


def known(places: dict[tuple, list[float]]) -> dict[tuple, float]:
    """The value of each figure a reader can read somewhere (NaN where every place is blank)."""
    return {key: next((v for v in values if not np.isnan(v)), np.nan) for key, values in places.items()}


# -- the documented formulas, as equations -------------------------------------------------------


def index_weights(spec: IndexSpec, present: set[str]) -> dict[str, float]:
    """The weight of each present indicator in an index (docs/methodology.md §2.3): a variable is
    the weighted mean of its present indicators, the index the weighted mean of the variables
    that have one; arithmetic, without dimensions (as both specs of 2024)."""
    variables = [(v, [i for i in v.indicators if i.id in present]) for v in spec.variables]
    variables = [(v, own) for v, own in variables if own]
    total = sum(v.weight for v, _ in variables)
    return {i.id: v.weight / total * i.weight / sum(j.weight for j in own) for v, own in variables for i in own}


def equations(truth: dict[tuple, float], specs: dict[str, IndexSpec]) -> list[tuple[tuple, dict[tuple, float]]]:
    """(total, {part: weight}) for every documented relation among the figures that exist."""
    out = []

    def mean_of(total: tuple, parts: list[tuple]) -> None:
        parts = [p for p in parts if p in truth and not np.isnan(truth[p])]
        if total in truth and parts and not np.isnan(truth[total]):
            out.append((total, {p: 1 / len(parts) for p in parts}))

    for x, spec in specs.items():
        assert not spec.dimensions and spec.aggregation.method == "arithmetic"
        assert spec.aggregation.by_group or spec.aggregation.unit_weighting == "equal_unit"
        cells = [key for key in truth if key[:2] == ("x", x) and not np.isnan(truth[key])]
        by_entity: dict[tuple, set[str]] = defaultdict(set)
        for _, _, k, u, i in cells:
            by_entity[(k, u)].add(i)
        kabkota = sorted({k for k, _ in by_entity})
        groups = {k: sorted(u for kk, u in by_entity if kk == k) for k in kabkota}
        indicators = [i.id for i in spec.indicators]
        for (k, u), present in by_entity.items():  # a group's (an environment's) own index
            weights = index_weights(spec, present)
            out.append((("G", x, k, u), {("x", x, k, u, i): w for i, w in weights.items()}))
        for k in kabkota:
            out.append((("N", x, k), {("n", x, k, u): 1.0 for u in groups[k]}))
            for i in indicators:  # an indicator: the mean of the groups scored on it
                mean_of(("S", x, k, i), [("x", x, k, u, i) for u in groups[k]])
            if spec.aggregation.by_group:
                # The kab/kota value and variables are means over its environments.
                mean_of(("I", x, k), [("G", x, k, u) for u in groups[k]])
                for v in spec.variables:
                    env = {}
                    for u in groups[k]:
                        own = [i for i in v.indicators if i.id in by_entity[(k, u)]]
                        for i in own:
                            env[("x", x, k, u, i.id)] = i.weight / sum(j.weight for j in own) / len(groups[k])
                    if env and ("V", x, k, v.id) in truth:
                        out.append((("V", x, k, v.id), env))
            else:
                present = {i for i in indicators if not np.isnan(truth.get(("S", x, k, i), np.nan))}
                for v in spec.variables:
                    own = [i for i in v.indicators if i.id in present]
                    if own:
                        weights = {("S", x, k, i.id): i.weight / sum(j.weight for j in own) for i in own}
                        out.append((("V", x, k, v.id), weights))
                weights = index_weights(spec, present)
                out.append((("I", x, k), {("S", x, k, i): w for i, w in weights.items()}))
        by_region = defaultdict(list)
        for k in kabkota:
            by_region[k[:2]].append(k)
            by_region[NATIONAL].append(k)
        for region, members in by_region.items():  # province and national means of kab/kota
            mean_of(("I", x, region), [("I", x, k) for k in members])
            for v in spec.variables:
                mean_of(("V", x, region, v.id), [("V", x, k, v.id) for k in members])
            for u in spec.groups:
                mean_of(("G", x, region, u), [("G", x, k, u) for k in members])
    return out


# -- the attack ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def attack(computed):
    """The blanked figures (true value, blank in the copy) and those of them the published
    equations determine."""
    truth_tables, public_tables, specs = computed
    truth, public = known(figures(truth_tables, specs)), known(figures(public_tables, specs))
    blanked = sorted(key for key, value in truth.items() if not np.isnan(value) and np.isnan(public.get(key, np.nan)))
    column = {key: j for j, key in enumerate(blanked)}
    rows, right = [], []
    for total, parts in equations(truth, specs):
        row, constant = np.zeros(len(blanked)), 0.0
        for key, weight in [(total, -1.0), *parts.items()]:
            if key in column:
                row[column[key]] += weight
            else:
                constant += weight * public[key]
        # The equation holds for the true values: it is a true statement about the figures.
        assert row @ np.array([truth[k] for k in blanked]) + constant == pytest.approx(0, abs=1e-6), total
        if row.any():
            rows.append(row)
            right.append(-constant)
    free = null_space(np.array(rows)) if rows else np.eye(len(blanked))
    determined = {key for key, j in column.items() if np.abs(free[j]).max(initial=0.0) < 1e-9}
    return set(blanked), determined


@pytest.mark.parametrize("case", list(CASES))
def test_no_blanked_cell_can_be_worked_out_from_the_public_copy(attack, case):
    blanked, determined = attack
    index, code, group, _ = CASES[case]
    # The planted cell is blanked, and so is every figure of it.
    own = {key for key in blanked if key[1] == index and key[2] == code and (group is None or group in key)}
    planted = ("I", index, code) if group is None else ("G", index, code, group)
    assert planted in own
    assert not own & determined, sorted(own & determined)[:10]


def test_nothing_blanked_anywhere_can_be_worked_out(attack):
    blanked, determined = attack
    assert blanked and not determined, sorted(determined)[:10]


# -- what the equations above do not cover: counts, ranks, edges ---------------------------------


def blank_kabkota(truth: dict, public: dict, index: str) -> pd.DataFrame:
    """The true kab/kota rows of ``index`` whose value the public copy blanks."""
    true = truth[f"{index}_kabkota"].set_index("kabkota_code")
    shown = public[f"{index}_kabkota"].set_index("kabkota_code")
    return true[shown["value"].isna() & true["value"].notna()]


@pytest.mark.parametrize("index", ["ikotan", "ikp"])
def test_band_counts_tell_no_blanked_band(computed, index):
    truth, public, _ = computed
    blank = blank_kabkota(truth, public, index)
    if blank.empty:
        pytest.skip(f"no {index} kab/kota is blanked whole in this fixture: no count to check")
    regions = public[f"{index}_regions"].set_index("region_code")
    labels = truth[f"{index}_bands"]["label"]
    counts = [f"n_{label}" for label in labels]
    checked = 0
    for region, row in regions.iterrows():
        if row[counts].isna().any():
            continue
        # The published count less the bands published beside it leaves the bands of the blanked
        # kab/kota it counts (for the nation: those of provinces whose counts are blanked).
        members = [k for k in blank.index if region == NATIONAL or k[:2] == region]
        if region == NATIONAL:
            members = [k for k in members if regions.loc[k[:2], counts].isna().any()]
        if members:
            assert blank.loc[members, "band"].nunique() > 1, (region, members)
            checked += 1
    # Either a published count covered a blanked kab/kota (and was checked), or the counts that
    # would have were blanked; with no blanked kab/kota the fixture would check nothing.
    assert checked or regions[counts].isna().any().any()


@pytest.mark.parametrize("index", ["ikotan", "ikp"])
def test_published_ranks_count_only_published_kabkota(computed, index):
    _, public, _ = computed
    shown = public[f"{index}_kabkota"]
    values = shown["value"].round(9)
    checked = 0
    for column, same in (("rank_national", None), ("rank_province", "province_code")):
        for _, row in shown[shown[column].notna()].iterrows():
            checked += 1
            peers = values[shown[same] == row[same]] if same else values
            assert row[column] == 1 + (peers > round(row["value"], 9)).sum(), (column, row["kabkota_code"])
    assert checked, "every rank blanked: the fixture checks nothing"


def test_band_edges_come_from_published_values(computed):
    truth, public, specs = computed
    for index, spec in specs.items():
        edges = public[f"{index}_bands"]
        if spec.bands.mode != "equal_interval":
            continue
        if edges["lower"].isna().all():  # blanked only where the lowest or highest value is a blanked one
            values = truth[f"{index}_kabkota"].set_index("kabkota_code")["value_100"]
            hidden = public[f"{index}_kabkota"].set_index("kabkota_code")["value_100"].isna()
            assert hidden[values.idxmin()] or hidden[values.idxmax()], index
            continue
        shown = public[f"{index}_kabkota"]["value_100"]
        assert edges["lower"].min() == pytest.approx(shown.min()) and edges["upper"].max() == pytest.approx(shown.max())


def test_the_public_copy_keeps_what_gives_nothing_away(computed):
    _, public, specs = computed
    for index in specs:
        regions = public[f"{index}_regions"].set_index("region_code")
        assert regions["value"].notna().all()  # the nation and every province
        shown = public[f"{index}_kabkota"]
        assert shown["value"].notna().sum() >= len(shown) - 4
    groups = public["ikotan_group_intervals"]
    kept = groups[(groups["kabkota_code"] == "11.06") & ~groups["group"].isin(["kejaksaan", "pengadilan"])]
    assert len(kept) == 7 and kept["score_100"].notna().all()


# -- the rules on tables small enough to work out by hand -----------------------------------------


def survey(rows: list[tuple[str, int, float, str]], mode: str = "fixed") -> dict[str, pd.DataFrame]:
    """IKOTAN tables of a few kab/kota (code, respondents, value on 0–100, band) with their
    province and national means and counts, band edges and KPI rows, as the pipeline writes them."""
    kabkota = pd.DataFrame(rows, columns=["kabkota_code", "n_respondents", "value_100", "band"])
    kabkota = kabkota.assign(
        value=kabkota["value_100"] * 3 / 100 + 1,
        province_code=kabkota["kabkota_code"].str[:2],
        rank_national=kabkota["value_100"].rank(ascending=False).astype(int),
        rank_province=kabkota.groupby(kabkota["kabkota_code"].str[:2])["value_100"].rank(ascending=False).astype(int),
    )
    parts = [kabkota.assign(region_code=kabkota["province_code"]), kabkota.assign(region_code=NATIONAL)]
    both = pd.concat(parts)
    regions = both.groupby("region_code").agg(value_100=("value_100", "mean"), n_measured=("value_100", "size"))
    for band in ("Cukup Tanggap", "Tanggap"):
        regions[f"n_{band}"] = both.assign(hit=both["band"] == band).groupby("region_code")["hit"].sum()
    regions = regions.assign(n_success=regions["n_Tanggap"]).reset_index()
    lowest, highest = kabkota["value_100"].min(), kabkota["value_100"].max()
    edges = pd.DataFrame(
        {"label": ["Cukup Tanggap", "Tanggap"], "lower": [lowest, 65.0], "upper": [65.0, highest], "mode": mode}
    )
    kpi = pd.concat(
        [
            pd.DataFrame({"region_code": both["kabkota_code"], "measure": "ikotan", "realisasi": both["value"]}),
            pd.DataFrame({"region_code": regions["region_code"], "measure": "ikotan_n_tanggap", "realisasi": 1.0}),
        ]
    ).drop_duplicates()
    return {"ikotan_kabkota": kabkota, "ikotan_regions": regions, "ikotan_bands": edges, "kpi": kpi}


def blanked(frame: pd.DataFrame, key: str, column: str) -> list[str]:
    return sorted(frame.loc[frame[column].isna(), key])


def test_a_small_kabkota_is_paired_in_its_province_with_one_of_another_band():
    from bnn_lib.publish import suppress

    rows = [
        ("11.01", 3, 40.0, "Cukup Tanggap"),
        ("11.02", 50, 60.0, "Cukup Tanggap"),
        ("11.03", 60, 70.0, "Tanggap"),
        ("12.01", 80, 90.0, "Tanggap"),
        ("12.02", 80, 55.0, "Cukup Tanggap"),
    ]
    public, _ = suppress(survey(rows, mode="equal_interval"), 5)
    # 11.02 has fewer respondents, but 11.03 is of another band: Aceh's counts then tell neither.
    assert blanked(public["ikotan_kabkota"], "kabkota_code", "value") == ["11.01", "11.03"]
    regions = public["ikotan_regions"]
    assert regions[["value_100", "n_Tanggap", "n_success"]].notna().all().all()
    kpi = public["kpi"]
    assert blanked(kpi[kpi["measure"] == "ikotan"], "region_code", "realisasi") == ["11.01", "11.03"]
    # Ranks would place them among the others: every national rank goes, provincial ones in Aceh.
    kabkota = public["ikotan_kabkota"].set_index("kabkota_code")
    assert kabkota["rank_national"].isna().all()
    assert kabkota["rank_province"].isna().tolist() == [True, True, True, False, False]
    # The equal-interval edges start at the lowest value of the year, 11.01's.
    assert public["ikotan_bands"][["lower", "upper"]].isna().all().all()


def test_a_lone_small_kabkota_is_paired_across_provinces_and_the_nation_stays():
    from bnn_lib.publish import suppress

    rows = [
        ("11.01", 3, 40.0, "Cukup Tanggap"),
        ("12.01", 80, 60.0, "Cukup Tanggap"),
        ("12.02", 70, 70.0, "Tanggap"),
        ("13.01", 90, 80.0, "Tanggap"),
        ("13.02", 90, 50.0, "Cukup Tanggap"),
    ]
    public, _ = suppress(survey(rows), 5)
    # Aceh's mean is 11.01's own value: Aceh goes. The nation less the other provinces would give
    # it: a partner of another band, with fewer respondents than 13.01, and its province go too.
    assert blanked(public["ikotan_kabkota"], "kabkota_code", "value") == ["11.01", "12.02"]
    assert blanked(public["ikotan_regions"], "region_code", "value_100") == ["11", "12"]
    assert public["ikotan_bands"]["lower"].notna().all()  # fixed edges: from the spec


def test_a_small_kabkota_of_the_backcast_is_paired_too():
    from bnn_lib.publish import suppress

    cast = pd.DataFrame(
        {
            "region_code": ["11.01", "11.02", "11.03", "11", NATIONAL],
            "level": ["kabkota"] * 3 + ["provinsi", "nasional"],
            "value_100": [40.0, 60.0, 70.0, 56.7, 56.7],
            "band": ["Cukup Tanggap", "Cukup Tanggap", "Tanggap", "Cukup Tanggap", "Cukup Tanggap"],
            "band_original": ["Tanggap"] * 5,
            "n_respondents": [3, 50, 60, None, None],
        }
    )
    public, _ = suppress({"ikotan_backcast": cast}, 5)
    assert blanked(public["ikotan_backcast"], "region_code", "value_100") == ["11.01", "11.03"]
    assert public["ikotan_backcast"]["band_original"].isna().tolist() == [True, False, True, False, False]


def test_a_backcast_region_gives_back_no_blanked_band_or_respondents():
    """Aceh's three kab/kota are all Tanggap in the back-cast and 11.01 is small: whatever its
    partner, published counts of 3 at the success band and 113 respondents would tell that both
    blanked kab/kota are Tanggap, and with the published 60 how many answered in the two. Both
    go for Aceh and the nation; Sumatera Utara, with nothing blanked, keeps its figures."""
    from bnn_lib.publish import suppress

    cast = pd.DataFrame(
        {
            "region_code": ["11.01", "11.02", "11.03", "12.01", "12.02", "11", "12", NATIONAL],
            "level": ["kabkota"] * 5 + ["provinsi", "provinsi", "nasional"],
            "value_100": [60.0, 62.0, 70.0, 55.0, 65.0, 64.0, 60.0, 62.4],
            "band": ["Tanggap"] * 3 + ["Cukup Tanggap", "Tanggap", "Tanggap", "Tanggap", "Tanggap"],
            "n_success": [None] * 5 + [3, 1, 4],
            "n_respondents": [3, 50, 60, 40, 45, 113, 85, 198],
            "n_respondents_min": [None] * 5 + [3, 40, 3],
        }
    )
    public, _ = suppress({"ikotan_backcast": cast}, 5)
    regions = public["ikotan_backcast"].set_index("region_code")
    assert regions.loc[["11", NATIONAL], ["n_success", "n_respondents", "n_respondents_min"]].isna().all().all()
    assert regions.loc["12", ["n_success", "n_respondents", "n_respondents_min"]].tolist() == [1, 85, 40]


@pytest.mark.parametrize("pooled", [False, True])
def test_a_small_group_is_blanked_on_a_rectangle_or_with_its_kabkota(pooled):
    from bnn_lib.publish import suppress

    tables = survey([("11.01", 53, 60.0, "Tanggap"), ("11.02", 60, 70.0, "Tanggap"), ("11.03", 90, 50.0, "Tanggap")])
    # Two groups asked the same two indicators in every kab/kota; group b of 11.01 has 3 respondents.
    n = {("11.01", "a"): 50, ("11.01", "b"): 3, ("11.02", "a"): 30, ("11.02", "b"): 30, ("11.03", "a"): 45}
    n[("11.03", "b")] = 45
    tables["ikotan_groups"] = pd.DataFrame(
        [(k, g, i, 3.0, count) for (k, g), count in n.items() for i in ("i1", "i2")],
        columns=["kabkota_code", "group", "indicator_id", "score", "n_respondents"],
    )
    public, _ = suppress(tables, 5, pooled=["ikotan"] if pooled else [])
    groups = public["ikotan_groups"].drop_duplicates(["kabkota_code", "group"])
    shown = public["ikotan_kabkota"]
    if pooled:  # b weighs 3/53 in 11.01's indicators: no rectangle balances that; 11.01 goes whole
        assert blanked(shown, "kabkota_code", "value") == ["11.01", "11.02"]
    else:  # b with a of 11.01, and the same two of 11.02 (fewer respondents than 11.03's)
        assert blanked(shown, "kabkota_code", "value") == []
        assert groups["score"].isna().tolist() == [True, True, True, True, False, False]


# -- across years: the change since a year whose copy blanked a kab/kota ---------------------------


@pytest.fixture(scope="module")
def two_years(sample_dir, tmp_path_factory):
    """2023 and 2024 computed and exported, 14.01 small (4 respondents) in 2023 only: the true
    and the public kab/kota, region and change tables of each year."""
    root = tmp_path_factory.mktemp("two_years")
    shutil.copytree(sample_dir, root / "data")
    keep_few(root / "data", "ikotan", "14.01", None, 4, year=2023)
    results, errors = compute_years([2023, 2024], root / "data", analyses=Analyses(replicates=20, samples=0), jobs=1)
    assert not errors
    out = {}
    for year, result in results.items():
        result.save(root / "out" / str(year) / "results")
    for year, result in results.items():
        export(root / "out" / str(year) / "results", root / f"publik-{year}", public=True)
        public = {p.stem: pd.read_parquet(p) for p in (root / f"publik-{year}").glob("ikotan_*.parquet")}
        out[year] = (result.tables, public)
    return out


def test_the_change_gives_back_no_value_the_year_before_blanked(two_years):
    """Unknowns: the kab/kota values of both years (0–100) that either copy blanks, and what the
    copies blank of the region means and changes; equations: the region means of each year, and
    this year's changes (of a kab/kota: its value less last year's; of a region: the mean over
    its kab/kota measured in both years, now less then)."""
    values, facts = {}, []  # (key, true, published) and (total, {part: weight})
    for year, (truth, public) in two_years.items():
        for name, code in (("ikotan_kabkota", "kabkota_code"), ("ikotan_regions", "region_code")):
            true, shown = (t[name].set_index(code)["value_100"] for t in (truth, public))
            values |= {(year, c): (true[c], shown[c]) for c in true.index if not np.isnan(true[c])}
    kabkota = {year: [c for (y, c) in values if y == year and "." in c] for year in two_years}
    for year, codes in kabkota.items():
        for region in {c[:2] for c in codes} | {NATIONAL}:
            members = [c for c in codes if region in (NATIONAL, c[:2])]
            facts.append(((year, region), {(year, c): 1 / len(members) for c in members}))
    truth, public = two_years[2024]
    change = truth["ikotan_change"].set_index("region_code")["change"]
    shown = public["ikotan_change"].set_index("region_code")["change"]
    common = [c for c in change.index if "." in c]
    values |= {("change", c): (change[c], shown[c]) for c in change.index}
    for region in change.index:
        members = [c for c in common if region in (c, c[:2], NATIONAL)]
        parts = {(2024, c): 1 / len(members) for c in members} | {(2023, c): -1 / len(members) for c in members}
        facts.append((("change", region), parts))
    blanked = sorted((k for k, (_, shown) in values.items() if np.isnan(shown)), key=str)
    column = {k: j for j, k in enumerate(blanked)}
    rows = []
    for total, parts in facts:
        row, constant = np.zeros(len(blanked)), 0.0
        for key, weight in [(total, -1.0), *parts.items()]:
            if key in column:
                row[column[key]] += weight
            else:
                constant += weight * values[key][1]
        assert row @ np.array([values[k][0] for k in blanked]) + constant == pytest.approx(0, abs=1e-6), total
        rows.append(row)
    free = null_space(np.array(rows))
    assert (2023, "14.01") in column  # blanked in 2023's copy
    determined = [k for k, j in column.items() if "." in k[1] and np.abs(free[j]).max(initial=0) < 1e-9]
    assert not determined


def test_a_backcast_blanks_what_last_years_copy_blanked():
    from bnn_lib.publish import suppress

    # Last year: 11.01 small; its copy blanked 11.03 beside it (another band than 11.01's).
    last_year = survey(
        [("11.01", 3, 40.0, "Cukup Tanggap"), ("11.02", 50, 60.0, "Cukup Tanggap"), ("11.03", 60, 70.0, "Tanggap")]
    )
    # Its back-cast under this year's bands (the values the same): 11.02 would be the partner of
    # another band now, but publishing 11.03 would give back last year's 11.01 beside Aceh's mean.
    cast = pd.DataFrame(
        {
            "region_code": ["11.01", "11.02", "11.03", "11", NATIONAL],
            "level": ["kabkota"] * 3 + ["provinsi", "nasional"],
            "value_100": [40.0, 60.0, 70.0, 56.7, 56.7],
            "band": ["Cukup Tanggap", "Tanggap", "Tanggap", "Tanggap", "Tanggap"],
            "n_respondents": [3, 50, 60, None, None],
        }
    )
    public, _ = suppress({"ikotan_backcast": cast}, 5, earlier=last_year)
    assert blanked(public["ikotan_backcast"], "region_code", "value_100") == ["11.01", "11.03"]
    alone, _ = suppress({"ikotan_backcast": cast}, 5)  # without last year's copy known
    assert blanked(alone["ikotan_backcast"], "region_code", "value_100") == ["11.01", "11.02"]
