"""A whole index spec (:class:`IndexSpec`) built from its sections (:mod:`.sections`); the rules
across sections are in :mod:`.structure`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

from bnn_lib.spec.sections import (
    HEADLINE,
    MIN_CELL,
    MIN_KAWASAN,
    Aggregation,
    Bands,
    Dimension,
    Effect,
    Element,
    Group,
    Indicator,
    Recovery,
    Reporting,
    Rescale,
    Scale,
    StatusRule,
    Variable,
    Weighting,
)
from bnn_lib.spec.structure import check_structure

Kind = Literal["survey", "kawasan", "area", "composite"]


class SpecError(ValueError):
    """A specification that cannot be used: the message names the file and the field."""


class IndexSpec(BaseModel):
    """A whole index specification. Build with :func:`load_spec`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    index: str
    version: str
    title: str
    kind: Kind
    description: str = ""
    scale: Scale | None = None
    groups: dict[str, Group] = {}
    variables: list[Variable] = []
    dimensions: list[Dimension] = []
    weighting: Weighting | None = None
    aggregation: Aggregation | None = None
    rescale: Rescale | None = None
    bands: Bands | None = None
    status_rule: StatusRule | None = None
    recovery: Recovery | None = None
    effect: Effect | None = None
    reporting: Reporting | None = None
    # The years the spec applies to, both included; None: open on that side.
    years_from: int | None = None
    years_to: int | None = None
    path: str = ""

    @model_validator(mode="after")
    def _structure(self) -> Self:
        check_structure(self)
        return self

    def applies_to(self, year: int) -> bool:
        """Whether ``year`` lies in the spec's years (``years_from`` … ``years_to``)."""
        return (self.years_from is None or self.years_from <= year) and (self.years_to is None or year <= self.years_to)

    # -- convenience views -------------------------------------------------------------------
    @property
    def min_cell(self) -> int:
        """The fewest respondents behind a value that is shown or published (``[reporting]``)."""
        return self.reporting.min_cell if self.reporting is not None else MIN_CELL

    @property
    def min_kawasan(self) -> int:
        """The fewest decided kawasan behind a rate shown as a percent (``[reporting]``)."""
        return self.reporting.min_kawasan if self.reporting is not None else MIN_KAWASAN

    @property
    def shows_score(self) -> bool:
        """Whether the index is shown on the scale it is computed on (``[reporting]
        headline_scale = "score"``, e.g. 1–4) rather than its rescaled one (e.g. 0–100); without
        the setting, as :data:`HEADLINE` says for its kind. Without a rescale rule the two scales
        are one, and the results' rescaled columns are read as named: False."""
        chosen = self.reporting.headline_scale if self.reporting is not None else None
        return (chosen or HEADLINE[self.kind][0]) == "score" and self.rescale is not None

    @property
    def headline_decimals(self) -> int:
        """The decimals an index value on the headline scale is written with (``[reporting]``;
        without it, as :data:`HEADLINE` says for its kind)."""
        chosen = self.reporting.headline_decimals if self.reporting is not None else None
        return HEADLINE[self.kind][1] if chosen is None else chosen

    @property
    def indicators(self) -> list[Indicator]:
        """All indicators, in spec order."""
        return [i for v in self.variables for i in v.indicators]

    @property
    def item_ids(self) -> list[str]:
        """The ids of all questionnaire items, in spec order."""
        return [it.id for ind in self.indicators for it in ind.items]

    def items_table(self) -> list[dict]:
        """One row per item: item_id, indicator_id, variable_id, reverse."""
        return [
            {"item_id": it.id, "indicator_id": ind.id, "variable_id": var.id, "reverse": it.reverse}
            for var in self.variables
            for ind in var.indicators
            for it in ind.items
        ]

    def elements(self) -> Iterator[tuple[str, Element]]:
        """Every element with its field path: ("variables[0].indicators[1]", Indicator)."""
        for name in (
            "scale",
            "weighting",
            "aggregation",
            "rescale",
            "bands",
            "status_rule",
            "recovery",
            "effect",
            "reporting",
        ):
            element = getattr(self, name)
            if element is not None:
                yield name, element
        for gid, group in self.groups.items():
            yield f"groups.{gid}", group
        for d, dim in enumerate(self.dimensions):
            yield f"dimensions[{d}]", dim
        for v, var in enumerate(self.variables):
            yield f"variables[{v}]", var
            for i, ind in enumerate(var.indicators):
                yield f"variables[{v}].indicators[{i}]", ind
                for t, item in enumerate(ind.items):
                    yield f"variables[{v}].indicators[{i}].items[{t}]", item

    def content(self) -> dict:
        """The spec as data (JSON types), without the file it was read from: what results record
        and what tells two specs apart."""
        return self.model_dump(mode="json", exclude={"path"}, exclude_none=True)

    def assumptions(self) -> list[dict]:
        """The elements no source states, inferred or assumed (without the items), for the
        methodology note of a report: field, name, provenance, note."""
        return [
            {"field": path, "name": getattr(el, "name", path), "provenance": el.provenance, "note": el.note or ""}
            for path, el in self.elements()
            if not el.documented and ".items[" not in path
        ]
