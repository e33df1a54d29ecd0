"""Prioritas tindak lanjut: where to act next, from the results, by rules that are data.

The rules live in ``bnn_lib/data/rules/prioritas.toml`` (:class:`PriorityRules`): each names what it
looks for, its thresholds and its provenance. :func:`priority_table` applies them to a year's
result tables and gives the ``prioritas`` table: for the nation and for every province, the
kab/kota most in need, each with its reasons; for every kab/kota, its own weakest points. Every
row carries the numbers and the interval behind it (``measure``, ``value``, ``lo95``, ``hi95``,
``reference``, ``probability``, ``count``); a rule whose data the results do not hold finds
nothing, and nothing is listed that the numbers do not support (docs/methodology.md §13).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from bnn_lib.aggregate import on_score_scale, rescale
from bnn_lib.bands import at_or_above
from bnn_lib.paths import SHIPPED
from bnn_lib.regions import NATIONAL, province_codes
from bnn_lib.spec import Element, IndexSpec, SpecError
from bnn_lib.uncertainty import REPORTED, bounds

RULES_FILE = SHIPPED / "rules" / "prioritas.toml"
RuleId = Literal[
    "below_success",
    "below_target",
    "may_fall",
    "declining",
    "weak_variable",
    "rawan_not_intervened",
    "relapsed",
    "weak_group",
]
# Rules that speak of a kab/kota's components: listed in its own report, summarised (the weakest
# one) or left out (groups) in the lists of the nation and the provinces.
OWN_ONLY = {"weak_group"}
COLUMNS = [
    "level",
    "code",
    "rank",
    "kabkota_code",
    "reason",
    "index",
    "component",
    "measure",
    "value",
    "lo95",
    "hi95",
    "reference",
    "probability",
    "count",
    "score",
    "n_flagged",
]
# The numbers of a finding on the 0–100 scale, by its measure: levels (a value, an edge, a
# target) and differences (a gap to the nation, a change). Each gets a twin on the score scale
# (``value_score`` …), so that a report shows the finding on its index's headline scale.
NUMBERS = ["value", "lo95", "hi95", "reference", "score"]
LEVELS = {"value_100": NUMBERS, "diff_national": ["reference", "score"]}
DIFFERENCES = {"diff_national": ["value", "lo95", "hi95"], "change": ["value", "lo95", "hi95", "reference"]}
SCORE_TWINS = [f"{c}_score" for c in NUMBERS]


class Rule(Element):
    """One rule: what it looks for (``id``), in which index, with its threshold."""

    id: RuleId
    index: Literal["ikotan", "ikp"] | None = None
    min_probability: float = Field(0.2, gt=0, lt=1)
    min_rawan: int = Field(3, ge=1)
    min_gap: float = Field(0.0, ge=0, le=100, allow_inf_nan=False)  # points on the 0–100 scale


class PriorityRules(Element):
    """The rules of a priority list, in order of weight, and how long a list may be: at most
    ``max_items`` kab/kota for the nation or a province, at most ``max_per_reason`` findings of
    each rule in a kab/kota's own list."""

    id: str
    version: str
    title: str
    max_items: int = Field(10, ge=1, le=100)
    max_per_reason: int = Field(3, ge=1, le=100)
    rules: list[Rule]


def load_rules(path: str | Path = RULES_FILE) -> PriorityRules:
    """The priority rules of ``path``; raises :class:`SpecError` naming the file and field."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return PriorityRules.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: cannot be read as priority rules: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SpecError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def priority_table(
    tables: dict[str, pd.DataFrame],
    specs: dict[str, IndexSpec],
    rules: PriorityRules,
    previous: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The ``prioritas`` table of a year (module docstring) from its result ``tables`` and
    ``specs``; ``previous``: last year's tables (for a decline two years running)."""
    found = [
        hits.assign(reason=rule.id, order=i)
        for i, rule in enumerate(rules.rules)
        if len(hits := _findings(rule, tables, specs, previous or {}))
    ]
    if not found:
        return pd.DataFrame(columns=[*COLUMNS, *SCORE_TWINS, "rules_id", "rules_version"])
    findings = pd.concat(found, ignore_index=True)
    findings["province_code"] = province_codes(findings["kabkota_code"])
    lists = [_own_lists(findings, rules.max_per_reason)]
    regional = _weakest_per_reason(findings[~findings["reason"].isin(OWN_ONLY)])
    lists.append(_ranked(regional.assign(level="nasional", code=NATIONAL), rules.max_items))
    for code, part in regional.groupby("province_code"):
        lists.append(_ranked(part.assign(level="provinsi", code=code), rules.max_items))
    out = _on_score_scale(pd.concat(lists, ignore_index=True), specs)
    return out.reindex(columns=[*COLUMNS, *SCORE_TWINS]).assign(rules_id=rules.id, rules_version=rules.version)


def _on_score_scale(findings: pd.DataFrame, specs: dict[str, IndexSpec]) -> pd.DataFrame:
    """``findings`` with the score-scale twins of their numbers (:data:`NUMBERS`), by measure."""
    parts = []
    for (index, measure), rows in findings.groupby(["index", "measure"], sort=False):
        rule = specs[index].rescale if index in specs else None
        parts.append(on_score_scale(rows, rule, LEVELS.get(measure, ()), DIFFERENCES.get(measure, ())))
    return pd.concat(parts).sort_index() if parts else findings


def _own_lists(findings: pd.DataFrame, per_reason: int) -> pd.DataFrame:
    """Each kab/kota's own list: by rule order, the largest shortfall first, at most
    ``per_reason`` findings of a rule."""
    # The largest shortfall first: the most negative value, or for a count the largest count.
    # No rule that counts may have found anything: then there is no count column.
    counts = findings["count"] if "count" in findings else pd.Series(np.nan, index=findings.index)
    weight = findings["value"].fillna(-counts.astype(float))
    own = findings.assign(weight=weight).sort_values(["kabkota_code", "order", "weight"]).assign(level="kabkota")
    own = own[own.groupby(["kabkota_code", "reason"]).cumcount() < per_reason]
    own["code"] = own["kabkota_code"]
    own["rank"] = own.groupby("code").cumcount() + 1
    own["n_flagged"] = own.groupby("code")["rank"].transform("size")
    return own


def _weakest_per_reason(findings: pd.DataFrame) -> pd.DataFrame:
    """One finding per kab/kota and reason: the largest shortfall (the weakest variable)."""
    return findings.sort_values("value").drop_duplicates(["kabkota_code", "reason", "index"])


def _ranked(findings: pd.DataFrame, max_items: int) -> pd.DataFrame:
    """The kab/kota of one list ranked: most reasons first, then the weightiest rule, then the
    lowest value; the first ``max_items`` kept, all of a kab/kota's reasons beside it."""
    per = findings.groupby("kabkota_code").agg(n=("reason", "size"), first=("order", "min"))
    per = per.sort_values(["n", "first"], ascending=[False, True])
    per["rank"] = np.arange(1, len(per) + 1)
    kept = per[per["rank"] <= max_items]
    out = findings[findings["kabkota_code"].isin(kept.index)].merge(
        kept[["rank"]], left_on="kabkota_code", right_index=True
    )
    return out.sort_values(["rank", "order"]).assign(n_flagged=len(per))


def _findings(
    rule: Rule, tables: dict[str, pd.DataFrame], specs: dict[str, IndexSpec], previous: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """The kab/kota (and components) a rule finds, with their evidence; empty where the
    results lack what it needs."""
    finder = {
        "below_success": _below_success,
        "below_target": _below_target,
        "may_fall": _may_fall,
        "declining": _declining,
        "weak_variable": _weak_component,
        "weak_group": _weak_component,
        "rawan_not_intervened": _rawan_not_intervened,
        "relapsed": _relapsed,
    }[rule.id]
    found = finder(rule, tables, specs, previous)
    return found if found is not None else pd.DataFrame(columns=["kabkota_code"])


LO, HI = bounds()


def _intervals(rule: Rule, tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The kab/kota rows of an index with their intervals and band probabilities."""
    kabkota, intervals = _reliable(rule, tables), tables.get(f"{rule.index}_intervals")
    if kabkota is None or intervals is None:
        return None
    rows = intervals[intervals["level"] == "kabkota"].rename(columns={"region_code": "kabkota_code"})
    return kabkota[["kabkota_code", "band"]].merge(rows.drop(columns=["spec_id", "spec_version"]), on="kabkota_code")


def _reliable(rule: Rule, tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """The kab/kota rows of an index whose value rests on enough respondents to be shown (not a
    small cell): a list must not publish what the public copy blanks."""
    kabkota = tables.get(f"{rule.index}_kabkota")
    if kabkota is None or "small_cell" not in kabkota:
        return kabkota
    return kabkota[~kabkota["small_cell"].astype(bool)]


def _success_edge(rule: Rule, tables: dict[str, pd.DataFrame], specs: dict[str, IndexSpec]) -> float | None:
    """The lower edge (0–100) of the band that counts for the KPI, as it stands this year."""
    spec = specs.get(rule.index)
    bands = tables.get(f"{rule.index}_bands")
    if spec is None or bands is None or not spec.bands.success_from:
        return None
    return float(bands.set_index("label").loc[spec.bands.success_from, "lower"])


def _against_success(
    rule: Rule, tables: dict[str, pd.DataFrame], specs: dict[str, IndexSpec]
) -> tuple[pd.DataFrame, float, pd.Series] | None:
    """The kab/kota rows of :func:`_intervals`, the success band's lower edge (0–100) as it
    stands this year, and each row's share of replicates at that band or above (its edges
    re-estimated in each replicate under equal intervals); None without a success band."""
    rows, edge, spec = _intervals(rule, tables), _success_edge(rule, tables, specs), specs.get(rule.index)
    if rows is None or edge is None:
        return None
    labels = spec.bands.all_labels
    reached = [f"p_{label}" for label in labels[labels.index(spec.bands.success_from) :]]
    return rows, edge, rows.reindex(columns=reached).fillna(0).sum(axis=1)


def _below_success(rule, tables, specs, previous) -> pd.DataFrame | None:
    found = _against_success(rule, tables, specs)
    if found is None:
        return None
    rows, edge, reach = found
    # Below beyond its interval: the success band holds no more replicates than one tail of the
    # reported interval.
    below = rows[(rows["value_100"] < edge) & (reach <= (1 - REPORTED) / 2)]
    return _evidence(below, rule, "value_100", below["value_100"], below[LO], below[HI], reference=edge,
                     probability=reach[below.index])  # fmt: skip


def _below_target(rule, tables, specs, previous) -> pd.DataFrame | None:
    rows, kpi, spec = _intervals(rule, tables), tables.get("kpi"), specs.get(rule.index)
    if rows is None or kpi is None or spec is None:
        return None
    targets = kpi[(kpi["measure"] == rule.index) & kpi["region_code"].str.contains(".", regex=False)]
    target = rescale(targets.set_index("region_code")["target"].dropna(), spec.rescale)  # on 0–100, as the interval
    # As numbers even when no row is left (an empty map would be text, and compare with nothing).
    rows = rows.assign(target=rows["kabkota_code"].map(target).astype(float)).dropna(subset=["target"])
    below = rows[rows[HI] < rows["target"]]
    return _evidence(below, rule, "value_100", below["value_100"], below[LO], below[HI], reference=below["target"])


def _may_fall(rule, tables, specs, previous) -> pd.DataFrame | None:
    found = _against_success(rule, tables, specs)
    if found is None:
        return None
    rows, edge, reach = found
    risky = rows[at_or_above(rows["band"].astype(str), specs[rule.index].bands) & (1 - reach >= rule.min_probability)]
    return _evidence(risky, rule, "value_100", risky["value_100"], risky[LO], risky[HI], reference=edge,
                     probability=1 - reach[risky.index])  # fmt: skip


def _declining(rule, tables, specs, previous) -> pd.DataFrame | None:
    now, before = tables.get(f"{rule.index}_change"), previous.get(f"{rule.index}_change")
    if now is None or before is None:
        return None
    now, before = (t[t["region_code"].str.contains(".", regex=False)].set_index("region_code") for t in (now, before))
    both = now.join(before[["change"]].rename(columns={"change": "change_before"}), how="inner")
    fell = both[(both["change"] < 0) & (both["change_before"] < 0) & (both[HI] < 0)]
    fell = fell.rename_axis("kabkota_code").reset_index()
    return _evidence(fell, rule, "change", fell["change"], fell[LO], fell[HI], reference=fell["change_before"])


def _weak_component(rule, tables, specs, previous) -> pd.DataFrame | None:
    kind = "variable" if rule.id == "weak_variable" else "group"
    table = tables.get(f"{rule.index}_{kind}_intervals")
    if table is None:
        return None
    weak = table[(table[f"diff_{HI}"] < 0) & (table["diff"] <= -rule.min_gap)]
    if kind == "group" and "small_cell" in weak:
        weak = weak[~weak["small_cell"].astype(bool)]
    reliable = _reliable(rule, tables)
    if reliable is not None:
        weak = weak[weak["kabkota_code"].isin(reliable["kabkota_code"])]
    return _evidence(
        weak,
        rule,
        "diff_national",
        weak["diff"],
        weak[f"diff_{LO}"],
        weak[f"diff_{HI}"],
        reference=weak["national_100"],
        score=weak["score_100"],
        component=weak[f"{kind}_id" if kind == "variable" else "group"],
        count=weak.get("n_respondents"),
    )


def _rawan_not_intervened(rule, tables, specs, previous) -> pd.DataFrame | None:
    status = tables.get("ikkrn_status")
    if status is None or "n_intervened" not in status:
        return None
    left = status[(status["n_rawan"] >= rule.min_rawan) & (status["n_intervened"] == 0)]
    return _evidence(left, rule, "count", np.nan, np.nan, np.nan, count=left["n_rawan"])


def _relapsed(rule, tables, specs, previous) -> pd.DataFrame | None:
    relapse = tables.get("ikkrn_relapse")
    if relapse is None or relapse.empty:
        return None
    per = relapse.groupby("kabkota_code")["kawasan_id"].agg(["size", lambda ids: ", ".join(sorted(ids)[:5])])
    per = per.set_axis(["count", "kawasan"], axis=1).reset_index()
    return _evidence(per, rule, "count", np.nan, np.nan, np.nan, count=per["count"], component=per["kawasan"])


def _evidence(rows: pd.DataFrame, rule: Rule, measure: str, value, lo, hi, **more) -> pd.DataFrame:
    """The findings of ``rule``: one row per row of ``rows`` with its evidence columns."""
    out = pd.DataFrame(
        {"kabkota_code": rows["kabkota_code"].to_numpy(), "index": rule.index or "ikkrn", "measure": measure},
        index=rows.index,
    )
    out["value"], out["lo95"], out["hi95"] = value, lo, hi
    for name, column in more.items():
        out[name] = column
    if "count" in out:
        out["count"] = pd.to_numeric(out["count"])
    return out.reset_index(drop=True)
