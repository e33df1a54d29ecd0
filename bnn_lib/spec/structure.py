"""The rules of a spec across its sections (names that must be unique, sections a kind of index
needs, references between sections), checked when a spec is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bnn_lib.spec.schema import IndexSpec


def check_structure(spec: IndexSpec) -> None:
    """Cross-field rules that a single field cannot check; raises ValueError with the field path."""
    if spec.years_from is not None and spec.years_to is not None and spec.years_from > spec.years_to:
        raise ValueError(f"years_from ({spec.years_from}) must not come after years_to ({spec.years_to})")
    if spec.kind in ("survey", "area", "composite") and not spec.variables:
        raise ValueError("the spec defines no [[variables]]")
    _unique("variables", [v.id for v in spec.variables])
    _unique("indicators", [i.id for i in spec.indicators])
    if spec.kind == "survey":
        _unique("items", [it.id for i in spec.indicators for it in i.items])
        for v, var in enumerate(spec.variables):
            if not var.indicators:
                raise ValueError(f"variables[{v}] ({var.id}): has no indicators")
            for i, ind in enumerate(var.indicators):
                where = f"variables[{v}].indicators[{i}] ({ind.id})"
                if not ind.items:
                    raise ValueError(f"{where}: has no items")
                if not ind.groups:
                    raise ValueError(f"{where}: names no respondent groups")
                unknown = [g for g in ind.groups if g not in spec.groups]
                if unknown:
                    raise ValueError(f"{where}.groups: unknown respondent group(s) {unknown}")
        for name in ("scale", "aggregation", "rescale", "bands"):
            if getattr(spec, name) is None:
                raise ValueError(f"a survey spec needs a [{name}] section")
    if spec.kind == "area":
        for v, var in enumerate(spec.variables):
            for i, ind in enumerate(var.indicators):
                if ind.goalposts is None or ind.goalposts[0] >= ind.goalposts[1]:
                    raise ValueError(f"variables[{v}].indicators[{i}] ({ind.id}).goalposts: need [lo, hi], lo < hi")
    if spec.kind == "kawasan" and spec.status_rule is None:
        raise ValueError("a kawasan spec needs a [status_rule] section")
    known = {v.id for v in spec.variables}
    for d, dim in enumerate(spec.dimensions):
        unknown = [v for v in dim.variables if v not in known]
        if unknown:
            raise ValueError(f"dimensions[{d}] ({dim.id}).variables: unknown variable(s) {unknown}")
    if spec.weighting and spec.weighting.variables == "n_indicators":
        for v, var in enumerate(spec.variables):
            if not var.size:
                raise ValueError(f"variables[{v}] ({var.id}): weighting by n_indicators needs indicators")
    if spec.weighting and spec.weighting.dimensions == "n_variables" and not spec.dimensions:
        raise ValueError("weighting.dimensions = 'n_variables' needs [[dimensions]]")


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    dupes = [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
    if dupes:
        raise ValueError(f"duplicate {what} id(s): {sorted(set(dupes))}")
