"""Which figures the public copy blanks besides the small cells, so that no blanked figure can be
worked out from the published ones (complementary, or secondary, suppression).

The published tables are tied by the formulas that made them: an indicator of a kab/kota is the
mean of its respondent groups scored on it (docs/methodology.md §2.3); an IKP kab/kota value,
indicator and variable the mean over its environments (§3.3); a province and the nation the mean
of their kab/kota (§9.1), and a respondent group's or environment's provincial and national mean
the mean over kab/kota; a band count a count of kab/kota. A blanked figure that is the only
unknown of such a sum is its solution. A figure cannot be worked out when another set of values,
agreeing with everything published, gives it another value; each rule below keeps one:

- **Groups** (a respondent group of IKOTAN, an environment of IKP, in one kab/kota). A blanked
  group is blanked with a second group of its kab/kota scored on the same indicators, and the
  same two groups with a second kab/kota (of the same province where the groups' provincial
  means are published): a rectangle. Raise every score of the first group in the first kab/kota
  and of the second group in the second kab/kota by one amount, lower the other two by it, and
  every indicator mean, variable and value of both kab/kota and every group's mean over kab/kota
  stays as published. A kab/kota with no second group for a blanked one (only keluarga is asked
  the indicators of ketahanan keluarga) has figures that rest on that group alone: it is blanked
  whole. So is a kab/kota with a blanked group under a spec that pools respondents across groups
  (there a group weighs by its respondents, and the rectangle no longer balances).
- **Kab/kota** blanked whole (too few respondents in all, or by the rule above). Each is blanked
  with a partner of its province measured the year before alike (the changes of a region are
  means over the kab/kota measured in both years): raise every figure of one, lower every figure
  of the other, and every provincial and national mean and change stays as published. Where the
  province has no partner, the province is blanked (every row of it) and the partner comes from
  another province, blanked as well; the nation is blanked only when no kab/kota anywhere can be
  a partner. Partners are chosen with the same variables and groups present; a variable or group
  present in one partner and not the other would not balance, and has its provincial and
  national means blanked.
- **Bands.** The partners of a province are chosen, where they can be, of different bands:
  exchanging the values of two of them leaves every band count as published, so the counts do
  not tell a blanked band. Where all candidates share the band, the counts of the province (and,
  where they would tell it, of the nation) are blanked.
- **Changes.** A kab/kota's change is this year's value less the year before's: where the copy of
  the year compared with (the year before, or its back-cast) blanked the kab/kota or region, its
  change goes too. A region's change is a mean over the kab/kota measured in both years; where
  that set holds some but not all of the kab/kota blanked the year before, it could single one
  out, and the region's changes over it go (and the nation's, which would give them back). A
  back-cast (last year recomputed under this year's spec, from the same answers) blanks at least
  what last year's copy blanked, and its count at the success band is planned as this year's.
- **Respondents.** A region's respondents, less those of its published kab/kota, give those of
  the blanked ones; the fewest or most of one kab/kota can name one outright. They are blanked
  for each province holding a blanked kab/kota, and for the nation.
- **What places a blanked kab/kota among the others** is blanked once one is blanked: the ranks
  (national, and provincial in its province; the provinces' ranks among themselves), the
  sensitivity tables (rank intervals, Sobol indices, drop-one), the audit computed over kab/kota
  (and its summary), the association of outputs with the change, and equal-interval band edges
  taken from its value (the lowest or highest of the year).

These rules hold the equations of arithmetic means (every shipped spec). With one of the rules'
perturbations for each blanked figure, the published equations leave every blanked figure free
along a line, however many of them an attacker combines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from bnn_lib.regions import NATIONAL, province_code, province_codes

# Tables computed over every kab/kota together, that a blanked kab/kota could be solved from or
# placed by: blanked whole once a kab/kota of their index is.
WHOLE_SET = ("_rank_intervals", "_sobol", "_drop_one", "_audit_correlations", "_audit_variables", "_audit_summary")


@dataclass
class Plan:
    """What the public copy blanks of one survey index (or of its back-cast)."""

    groups: set[tuple[str, str]] = field(default_factory=set)  # (kab/kota, group): that group's figures
    kabkota: set[str] = field(default_factory=set)  # every figure of the kab/kota
    regions: set[str] = field(default_factory=set)  # every figure of the province, or of the nation "00"
    counts: set[str] = field(default_factory=set)  # the band counts of the province or nation
    group_totals: set[tuple[str, str]] = field(default_factory=set)  # (region, group): its mean over kab/kota
    variable_totals: set[tuple[str, str]] = field(default_factory=set)  # (region, variable): the same
    edges: bool = False  # the band edges
    earlier: set[str] = field(default_factory=set)  # kab/kota and regions blanked in the year compared with
    changes: set[str] = field(default_factory=set)  # regions whose changes over the common kab/kota go

    @property
    def provinces(self) -> set[str]:
        """The provinces that hold a kab/kota blanked whole."""
        return {province_code(code) for code in self.kabkota}


def plans(
    tables: dict[str, pd.DataFrame], pooled: Collection[str] = (), earlier: dict[str, Plan] | None = None
) -> dict[str, Plan]:
    """The plan of every survey index of ``tables`` (flagged with ``small_cell``) by its key, and
    of each back-cast by ``<key>_backcast``. ``pooled``: the keys whose spec pools respondents
    across groups (``unit_weighting = "pooled"``, not computed per group); ``earlier``: the
    plans of the year before (what its public copy blanks), for the changes since."""
    out = {}
    for name in tables:
        key = name.removesuffix("_kabkota")
        if name.endswith("_kabkota") and "small_cell" in tables[name]:
            out[key] = survey_plan(tables, key, key in pooled)
        if name.endswith("_backcast") and "level" in tables[name]:
            out[name] = backcast_plan(tables, name, (earlier or {}).get(name.removesuffix("_backcast")))
    for key in [k for k in out if f"{k}_change" in tables]:
        change = tables[f"{key}_change"]
        backcast = "basis" in change and (change["basis"] == "backcast").any()
        against = out.get(f"{key}_backcast") if backcast else (earlier or {}).get(key)
        if against is not None:
            since(out[key], against, set(change["region_code"]))
    return out


def since(plan: Plan, before: Plan, common: set[str]) -> None:
    """Fill ``plan.earlier`` and ``plan.changes`` from ``before``, the plan of the year the
    changes are computed against; ``common``: the kab/kota measured in both years."""
    plan.earlier = before.kabkota | before.regions
    regions = {province_code(code) for code in before.kabkota}
    for region in [*sorted(regions), NATIONAL]:
        blanked = {k for k in before.kabkota if region == NATIONAL or province_code(k) == region}
        if blanked & common and not blanked <= common:
            plan.changes.add(region)
    if plan.changes:  # the nation's change and the others' would give back a province's
        plan.changes.add(NATIONAL)


def survey_plan(tables: dict[str, pd.DataFrame], key: str, pooled: bool = False) -> Plan:
    """What to blank of the survey index ``key`` (see the module docstring)."""
    kabkota = tables[f"{key}_kabkota"]
    blocks = group_blocks(tables.get(f"{key}_groups"))
    plan = Plan(kabkota=set(kabkota.loc[kabkota["small_cell"].astype(bool), "kabkota_code"]))
    by_province = f"{key}_environment_regions" in tables  # groups' provincial means are published
    plan.groups, whole = rectangles(blocks, plan.kabkota, by_province)
    plan.kabkota |= whole | ({k for k, _ in plan.groups} if pooled else set())
    plan.groups = {(k, u) for k, u in plan.groups if k not in plan.kabkota}
    change = tables.get(f"{key}_change")
    common = set(change["region_code"]) if change is not None else set()
    units = kabkota_units(kabkota.rename(columns={"kabkota_code": "code"}), common, shapes(tables, key, blocks))
    pair(units, plan, counted=True)
    for kind, region, component in odd_components(units, plan):
        if kind == "group" and (by_province or region == NATIONAL):
            plan.group_totals.add((region, component))
        elif kind == "variable":
            plan.variable_totals.add((region, component))
    plan.edges = from_extremes(units, plan, tables.get(f"{key}_bands"))
    return plan


def backcast_plan(tables: dict[str, pd.DataFrame], name: str, before: Plan | None = None) -> Plan:
    """What to blank of a back-cast (last year under this year's spec: kab/kota and regions in
    one table). It starts from what last year's own copy blanks (``before``, where known): the
    back-cast rests on the same answers, and a kab/kota it published that last year's copy
    blanked would give back last year's figures (the same where only the bands changed)."""
    cast = tables[name]
    rows = cast[cast["level"] == "kabkota"].rename(columns={"region_code": "code"})
    plan = Plan(kabkota=set(rows.loc[rows["small_cell"].astype(bool), "code"]))
    if before is not None:
        plan.kabkota |= before.kabkota & set(rows["code"])
        plan.regions |= before.regions
    units = kabkota_units(rows, set(), None)
    pair(units, plan, counted=True)  # its region rows count the kab/kota at the success band
    plan.edges = from_extremes(units, plan, tables.get(f"{name}_bands"))
    return plan


# -- groups ------------------------------------------------------------------------------------


def group_blocks(groups: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (kab/kota, group) of a long groups table: the indicators it has a score for
    (``pattern``), its respondents (``n``) and whether it is a small cell."""
    if groups is None or groups.empty:
        return pd.DataFrame(columns=["pattern", "n", "small"])
    keys = ["kabkota_code", "group"]
    scored = groups[groups["score"].notna()].groupby(keys)["indicator_id"].agg(frozenset)
    out = groups.groupby(keys).agg(n=("n_respondents", "first"), small=("small_cell", "any"))
    pattern = scored.reindex(out.index)
    return out.assign(pattern=[p if isinstance(p, frozenset) else frozenset() for p in pattern])


def rectangles(blocks: pd.DataFrame, whole: set[str], by_province: bool) -> tuple[set[tuple[str, str]], set[str]]:
    """The groups to blank so that each blanked group lies on a rectangle (module docstring), and
    the kab/kota where none can be made. ``whole``: kab/kota blanked whole already (their groups
    are all blanked); ``by_province``: both kab/kota of a rectangle must be of one province."""
    grid = Grid(blocks, by_province)
    hidden = set(blocks.index[blocks["small"].astype(bool)])
    lost: set[str] = set()
    changed = True
    while changed:
        changed = False
        for k, u in sorted(hidden):
            shut = whole | lost
            if k in shut or grid.on_rectangle((k, u), hidden, shut):
                continue
            corners = grid.corners((k, u), hidden, shut)
            if corners is None:
                lost.add(k)
            else:
                hidden |= corners
            changed = True
    return hidden, lost


class Grid:
    """The groups of every kab/kota with the indicators each is scored on: where rectangles can be."""

    def __init__(self, blocks: pd.DataFrame, by_province: bool) -> None:
        self.pattern = blocks["pattern"].to_dict()
        self.n = blocks["n"].to_dict()
        self.groups: dict[str, list[str]] = defaultdict(list)
        for k, u in self.pattern:
            self.groups[k].append(u)
        self.by_province = by_province

    def twins(self, k: str, u: str) -> list[str]:
        """The other groups of kab/kota ``k`` scored on the same indicators as its group ``u``."""
        return [v for v in self.groups[k] if v != u and self.pattern[(k, v)] == self.pattern[(k, u)]]

    def partners(self, k: str, u: str, v: str) -> list[str]:
        """The other kab/kota where groups ``u`` and ``v`` are both scored on the same indicators."""
        return [
            c
            for c in self.groups
            if c != k
            and (not self.by_province or province_code(c) == province_code(k))
            and (c, u) in self.pattern
            and self.pattern.get((c, v)) == self.pattern[(c, u)]
        ]

    def on_rectangle(self, block: tuple[str, str], hidden: set, shut: set[str]) -> bool:
        """Whether blanked ``block`` has a blanked twin in its kab/kota, and the two a blanked
        pair in another (a kab/kota in ``shut`` has every group blanked)."""
        k, u = block
        blank = lambda b: b in hidden or b[0] in shut  # noqa: E731
        return any(
            blank((c, u)) and blank((c, v)) for v in self.twins(k, u) if blank((k, v)) for c in self.partners(k, u, v)
        )

    def corners(self, block: tuple[str, str], hidden: set, shut: set[str]) -> set | None:
        """The three other corners of the cheapest rectangle through ``block``: fewest groups
        newly blanked, then fewest respondents in them; None where there is none."""
        k, u = block
        options = []
        for v in self.twins(k, u):
            for c in self.partners(k, u, v):
                corners = {(k, v), (c, u), (c, v)}
                new = [b for b in corners if b not in hidden and b[0] not in shut]
                options.append((len(new), sum(self.n[b] for b in new), c, v, corners))
        return min(options, key=lambda o: o[:4])[4] if options else None


# -- kab/kota --------------------------------------------------------------------------------------


def shapes(tables: dict[str, pd.DataFrame], key: str, blocks: pd.DataFrame) -> pd.Series | None:
    """The components of each kab/kota of index ``key`` that enter a mean over kab/kota: its
    variables with a score and its groups (environments) with respondents."""
    variables = tables.get(f"{key}_variables")
    if variables is None:
        return None
    scored = variables[variables["score"].notna()]
    parts = [("variable", v) for v in scored["variable_id"]]
    codes = list(scored["kabkota_code"])
    if len(blocks):
        parts += [("group", g) for g in blocks.index.get_level_values("group")]
        codes += list(blocks.index.get_level_values("kabkota_code"))
    return pd.Series(parts, index=codes, dtype=object).groupby(level=0).agg(frozenset)


def kabkota_units(rows: pd.DataFrame, common: set[str], shape: pd.Series | None) -> pd.DataFrame:
    """One row per measured kab/kota (``code``): province, respondents, band, value on the
    0–100 scale, whether it is measured in the previous year too, and its :func:`shapes`."""
    band = rows["band"] if "band" in rows else pd.Series(None, index=rows.index)
    units = pd.DataFrame(
        {
            "province": province_codes(rows["code"]).to_numpy(),
            "n": pd.to_numeric(rows["n_respondents"]).to_numpy(),
            "band": band.astype("object").where(band.notna(), None).to_numpy(),
            "value": rows["value_100" if "value_100" in rows else "value"].to_numpy(dtype=float),
        },
        index=pd.Index(rows["code"], name="code"),
    )
    units["common"] = units.index.isin(common)
    shape = shape.reindex(units.index) if shape is not None else pd.Series(None, index=units.index)
    units["shape"] = [g if isinstance(g, frozenset) else frozenset() for g in shape]
    return units[units["value"].notna()]


def scope(code: str, closed: set[str]) -> str | None:
    """The smallest region whose published means hold kab/kota ``code``: its province, else the
    nation, else none (both blanked)."""
    return next((r for r in (province_code(code), NATIONAL) if r not in closed), None)


def classes(units: pd.DataFrame, hidden: set[str], closed: set[str]) -> dict[tuple[str, bool], list[str]]:
    """The blanked kab/kota by the published sums they share: (region, measured last year)."""
    out: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for code in sorted(hidden & set(units.index)):
        region = scope(code, closed)
        if region is not None:
            out[(region, bool(units.at[code, "common"]))].append(code)
    return dict(out)


def pair(units: pd.DataFrame, plan: Plan, counted: bool) -> None:
    """Give every blanked kab/kota a partner in the sums it enters, and (``counted``) the blanked
    kab/kota of each band count more than one band (module docstring); fills ``plan``."""
    while _pair_once(units, plan) or (counted and _vary_bands_once(units, plan)):
        pass


def _pair_once(units: pd.DataFrame, plan: Plan) -> bool:
    """One step towards every blanked kab/kota having a partner; False when each has one."""
    for (region, common), members in classes(units, plan.kabkota, plan.regions).items():
        if len(members) > 1:
            continue
        partner = _candidate(units, plan, region, common, members[0])
        if partner is None:
            plan.regions.add(region)
        else:
            plan.kabkota.add(partner)
            if region == NATIONAL:  # a partner from another province: that province goes too
                plan.regions.add(province_code(partner))
        return True
    return False


def _vary_bands_once(units: pd.DataFrame, plan: Plan) -> bool:
    """One step towards the blanked kab/kota of every published band count spanning two bands;
    False when they do."""
    for (region, common), members in classes(units, plan.kabkota, plan.regions | plan.counts).items():
        bands = units.loc[members, "band"]
        if bands.nunique(dropna=False) > 1:
            continue
        other = _candidate(units, plan, region, common, members[0], other_band=True) if region != NATIONAL else None
        if other is None:
            plan.counts.add(region)
        else:
            plan.kabkota.add(other)
        return True
    return False


def _candidate(
    units: pd.DataFrame, plan: Plan, region: str, common: bool, like: str, other_band: bool = False
) -> str | None:
    """The kab/kota to blank beside ``like`` in ``region``: measured last year alike, with the
    same variables and groups, of another band (required with ``other_band``, else preferred),
    the fewest respondents; for the nation, preferably from a province already blanked."""
    pool = units[~units.index.isin(plan.kabkota) & (units["common"] == common)]
    if region != NATIONAL:
        pool = pool[pool["province"] == region]
    same_band = pool["band"] == units.at[like, "band"]
    if other_band:
        pool, same_band = pool[~same_band], same_band[~same_band]
    if pool.empty:
        return None
    order = pd.DataFrame(
        {
            "open": ~pool["province"].isin(plan.regions),
            "other_shape": pool["shape"] != units.at[like, "shape"],
            "same_band": same_band,
            "n": pool["n"],
            "code": pool.index.to_numpy(),
        },
        index=pool.index.rename(None),
    )
    return str(order.sort_values(["open", "other_shape", "same_band", "n", "code"]).index[0])


def odd_components(units: pd.DataFrame, plan: Plan) -> set[tuple[str, str, str]]:
    """(kind, region, id) of the means over kab/kota to blank: of a variable or group present in
    some but not all of the blanked kab/kota that balance one another, in their province (where
    its means are published) and the nation."""
    out = set()
    for (region, _), members in classes(units, plan.kabkota, plan.regions).items():
        sets = [units.at[m, "shape"] for m in members]
        odd = frozenset.union(*sets) - frozenset.intersection(*sets)
        out |= {(kind, place, component) for kind, component in odd for place in {region, NATIONAL}}
    return out


def from_extremes(units: pd.DataFrame, plan: Plan, bands: pd.DataFrame | None) -> bool:
    """Whether equal-interval band edges were taken from a blanked value (the lowest or the
    highest of the year that no published kab/kota shares)."""
    if bands is None or "mode" not in bands or not (bands["mode"] == "equal_interval").any():
        return False
    values = units["value"]
    shown = values[~values.index.isin(plan.kabkota)]
    return any(not (shown == extreme).any() for extreme in (values.min(), values.max()))
