"""The sections and elements of a spec as pydantic models, each checked on its own (field types
and ranges, rules within a section): scale, groups, variables, indicators, items, weighting,
aggregation, rescaling, bands, kawasan status, recovery, effect, reporting."""

from __future__ import annotations

import math
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNegative = Annotated[float, Field(ge=0)]
# Fewer respondents than this and a value is neither shown in reports nor published (a spec may
# set its own, ``[reporting] min_cell``). An assumption of this suite (the public methodology
# sets no rule); statistics offices commonly suppress survey cells under 5 to 10.
MIN_CELL = 5
# A recovery rate, or an effect, from fewer decided kawasan than this is shown as counts, without
# a percent or an interval (a spec may set its own, ``[reporting] min_kawasan``): one kawasan more
# or less would move it by 20 points or more. An assumption of this suite.
MIN_KAWASAN = 5
# The scale and decimals an index is shown on when its spec sets none (``[reporting]
# headline_scale``), by kind: a survey index on the scale it is computed on, as BNN publishes
# IKOTAN (3,1 in 2021) and sets its targets, at two decimals (0,01 on 1–4 is a third of a point
# on 0–100); a kawasan index on the reported scale its recovery rule is set on, at one; a
# composite on the reported scale it is published on (Indeks P4GN 53,14).
HEADLINE: dict[str, tuple[Literal["score", "rescaled"], int]] = {
    "survey": ("score", 2),
    "kawasan": ("rescaled", 1),
    "area": ("rescaled", 1),
    "composite": ("rescaled", 2),
}

# What an element rests on (docs/methodology.md, "How each element is labelled"): a public source
# says so; it follows from documented facts (the note gives the argument); or the suite chose it.
Provenance = Literal["documented", "inferred", "assumed"]
# In the words of the reports and the workbook.
PROVENANCE_WORDS = {"documented": "terdokumentasi", "inferred": "disimpulkan", "assumed": "diasumsikan"}


class Element(BaseModel):
    """Anything in a spec that can be documented, inferred or assumed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provenance: Provenance
    source: str | None = None
    note: str | None = None

    @property
    def documented(self) -> bool:
        """Whether a public source states the element (not inferred, not assumed)."""
        return self.provenance == "documented"

    @model_validator(mode="after")
    def _grounds_given(self) -> Self:
        if self.provenance == "documented" and not self.source:
            raise ValueError("an element marked 'documented' needs a 'source'")
        if self.provenance == "inferred" and not self.note:
            raise ValueError("an element marked 'inferred' needs a 'note' giving the argument")
        return self


class Scale(Element):
    """The answer scale of the questionnaire items and what counts as no answer.

    ``missing_codes`` are answers such as 9 = "tidak tahu" that count as missing; an indicator
    score needs at least ``min_answered_share`` of its items answered. ``labels`` word the points
    min, min + 1, …, max and ``missing_labels`` the missing codes, as survey forms show them.
    """

    min: float = 1
    max: float = 4
    missing_codes: list[float] = []
    min_answered_share: float = Field(0.5, gt=0, le=1)
    labels: list[str] = []
    missing_labels: list[str] = []

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must exceed min ({self.min})")
        if any(self.min <= c <= self.max for c in self.missing_codes):
            raise ValueError("missing_codes must lie outside [min, max]")
        if self.labels and len(self.labels) != len(self.points):
            raise ValueError(f"labels: {len(self.labels)} given for the {len(self.points)} points {self.points}")
        if self.missing_labels and len(self.missing_labels) != len(self.missing_codes):
            raise ValueError("missing_labels: give one label per missing code")
        return self

    @property
    def points(self) -> list[float]:
        """The answers on the scale: min, min + 1, …, max."""
        return [float(x) for x in range(int(self.min), int(self.max) + 1) if self.min <= x <= self.max]

    def choices(self) -> list[tuple[float, str]]:
        """Every valid answer with its label (the number itself where the spec words none)."""
        words = self.labels or [f"{p:g}" for p in self.points]
        missing = self.missing_labels or [f"{c:g}" for c in self.missing_codes]
        return list(zip(self.points, words, strict=True)) + list(zip(self.missing_codes, missing, strict=True))


class Group(Element):
    """A respondent group (observation unit) such as Pemda, Polres or keluarga.

    ``required``: whether the index cannot do without the group. A year without a single
    respondent of a required group is refused. Without those of another group it is a warning,
    and each indicator is computed from the groups present that answer it, as it is in a
    kab/kota without the group; an indicator that no group present answers is refused all the
    same (the index would lose a part).
    """

    name: str
    required: bool = False


class Item(Element):
    """One questionnaire item; ``reverse`` items score ``min + max − answer``."""

    id: str
    text: str = ""
    reverse: bool = False


class Indicator(Element):
    """An indicator: items answered by some groups (survey), or a measured quantity (area)."""

    id: str
    name: str
    weight: NonNegative = 1.0
    groups: list[str] = []
    items: list[Item] = []
    direction: Literal[1, -1] = 1
    goalposts: tuple[float, float] | None = None
    # A measured quantity in percent (0–100): a spreadsheet cell formatted as a percentage is
    # read as the number it shows (35 % as 35), which is refused for other quantities.
    unit: Literal["persen"] | None = None


class Variable(Element):
    """A variable (dimension) of the index: a weighted combination of its indicators.

    ``n_indicators`` stands in for the indicator list where only a variable's mean of
    normalised indicators is published (Indeks P4GN).
    """

    id: str
    name: str
    weight: NonNegative = 1.0
    indicators: list[Indicator] = []
    n_indicators: int | None = Field(None, gt=0)

    @property
    def size(self) -> int:
        """The number of indicators, listed or stated."""
        return self.n_indicators or len(self.indicators)


class Dimension(Element):
    """An optional level above variables (Indeks P4GN: supply and demand reduction)."""

    id: str
    name: str
    weight: NonNegative = 1.0
    variables: list[str]


class Weighting(Element):
    """How weights are set at each level: from the ``weight`` fields, or by counts (P4GN)."""

    variables: Literal["explicit", "n_indicators"] = "explicit"
    dimensions: Literal["explicit", "n_variables"] = "explicit"


class Aggregation(Element):
    """How scores combine.

    ``unit_weighting``: ``equal_unit`` gives each observation unit (group) the same weight in an
    indicator; ``pooled`` averages all respondents together. ``method`` combines variables into
    the index (``arithmetic`` or ``geometric`` weighted mean).
    """

    unit_weighting: Literal["equal_unit", "pooled"] = "equal_unit"
    method: Literal["arithmetic", "geometric"] = "arithmetic"
    by_group: bool = False


class Rescale(Element):
    """Linear map from the score scale to the reported 0–100 scale: (x − lo)/(hi − lo)·100."""

    from_range: tuple[float, float] = (1, 4)
    to_range: tuple[float, float] = (0, 100)


class Band(BaseModel):
    """One fixed band, inclusive at both published edges."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    lower: float
    upper: float


class Bands(Element):
    """The band scheme on the 0–100 scale.

    ``fixed``: published bands, a value (rounded to ``decimals``) belongs to the band whose
    [lower, upper] holds it. ``equal_interval``: ``len(labels)`` classes of equal width over the
    observed [min, max] of the kab/kota set (the 2022/23 practice). ``labels`` run low to high;
    ``success_from`` is the lowest band that counts for the KPI ("Tanggap or above").
    ``rounding`` is how a value is rounded to ``decimals`` before it is banded (and before a
    recovery threshold is applied): ``half_up``, halves away from zero on the printed decimal,
    as Excel's ROUND (the only rule offered; stated so that a report can say it).
    """

    mode: Literal["fixed", "equal_interval"] = "fixed"
    decimals: int = Field(2, ge=0, le=6)
    rounding: Literal["half_up"] = "half_up"
    fixed: list[Band] = []
    labels: list[str] = []
    success_from: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.fixed:
            step = 10.0**-self.decimals
            for i, band in enumerate(self.fixed):
                if band.upper < band.lower:
                    raise ValueError(f"band {band.label!r}: upper {band.upper} < lower {band.lower}")
                if i and not math.isclose(band.lower, self.fixed[i - 1].upper + step, abs_tol=step / 10):
                    prev = self.fixed[i - 1]
                    gap = "overlap" if band.lower <= prev.upper else "gap"
                    raise ValueError(
                        f"{gap} between band {prev.label!r} (upper {prev.upper}) and "
                        f"{band.label!r} (lower {band.lower}): the next lower edge must be "
                        f"{prev.upper + step:.{self.decimals}f}"
                    )
        if self.mode == "fixed" and not self.fixed:
            raise ValueError("mode 'fixed' needs a [[bands.fixed]] list")
        if self.mode == "equal_interval" and len(self.labels) < 2:
            raise ValueError("mode 'equal_interval' needs at least two 'labels'")
        if self.success_from is not None and self.success_from not in self.all_labels:
            raise ValueError(f"success_from {self.success_from!r} is not a band label")
        return self

    @property
    def all_labels(self) -> list[str]:
        """Band labels from low to high for the active mode."""
        return [b.label for b in self.fixed] if self.mode == "fixed" else list(self.labels)


# The statuses of a kawasan, from safe to dangerous, as the status rule assigns them.
STATUSES = ["aman", "siaga", "waspada", "bahaya"]


class StatusRule(Element):
    """Kawasan status from the number of pokok (p) and pendukung (s) indicators present.

    bahaya ⇔ p ≥ bahaya_min_pokok and s ≥ bahaya_min_pendukung; otherwise waspada ⇔
    p ≥ waspada_min_pokok; otherwise siaga ⇔ p ≥ siaga_min_pokok; otherwise aman.
    """

    pokok: list[str]
    pendukung: list[str]
    bahaya_min_pokok: int = Field(5, ge=0)
    bahaya_min_pendukung: int = Field(4, ge=0)
    waspada_min_pokok: int = Field(3, ge=0)
    siaga_min_pokok: int = Field(1, ge=0)

    @model_validator(mode="after")
    def _monotone(self) -> Self:
        if not self.bahaya_min_pokok >= self.waspada_min_pokok >= self.siaga_min_pokok:
            raise ValueError("thresholds must satisfy bahaya_min_pokok ≥ waspada_min_pokok ≥ siaga_min_pokok")
        if self.bahaya_min_pokok > len(self.pokok) or self.bahaya_min_pendukung > len(self.pendukung):
            raise ValueError("a bahaya threshold exceeds the number of listed indicators")
        return self


class Recovery(Element):
    """When a kawasan (or area) counts as recovered (pulih).

    Kawasan (statuses aman < siaga < waspada < bahaya): ``strict`` — before ∈ ``rawan`` and
    after ∉ ``rawan``; ``any_improvement`` — the status fell. Area (IKKTT, ``score``): the
    after score ≥ ``min_score`` and, when ``no_active_indicator`` is set, that indicator is
    zero after. ``missing_before``: for an intervened kawasan with no ``before`` assessment,
    ``previous_mapping`` takes its status from the routine mapping of the year before (the
    methodology's default), ``leave_out`` leaves it out of the recovery counts.
    """

    rule: Literal["strict", "any_improvement", "score"] = "strict"
    missing_before: Literal["previous_mapping", "leave_out"] = "previous_mapping"
    rawan: list[str] = ["waspada", "bahaya"]
    min_score: float | None = None
    no_active_indicator: str | None = None


class Effect(Element):
    """How the effect of an intervention is estimated beside the recovery rate: intervened
    kawasan against kawasan that were not intervened, measured the same way at both ends
    (docs/methodology.md §12).

    ``design``: ``mapping`` — kawasan rawan at the routine mapping of the year ``start_year``
    from the intervention year (−1: the year before, whose mapping selected them), followed to
    the mapping of ``end_year`` (+1: the year after); ``phases`` — the ``before`` and ``after``
    assessments of the intervention year, taken of intervened and comparison kawasan alike (a
    comparison kawasan is marked ``intervensi`` = no). ``strata``: what a comparison kawasan is
    matched on: its status at the start, its province, its kab/kota; the kawasan of a province or
    kab/kota with fewer than ``[reporting] min_kawasan`` decided comparison kawasan of a status
    pool with those of the other thin places of that status.
    """

    design: Literal["mapping", "phases"] = "mapping"
    start_year: int = Field(-1, ge=-5, le=0)
    end_year: int = Field(1, ge=0, le=5)
    strata: list[Literal["status", "province", "kabkota"]] = ["status", "province"]

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.design == "mapping" and self.start_year >= self.end_year:
            raise ValueError(f"start_year ({self.start_year}) must come before end_year ({self.end_year})")
        return self


class Reporting(Element):
    """How the reports show the index: no value resting on fewer than ``min_cell`` respondents
    is shown, and a rate of fewer than ``min_kawasan`` decided kawasan is shown as counts ("2 dari
    4"), without a percent or an interval. Values, intervals, changes, charts and the workbook
    show the index on one ``headline_scale``: "score" (the scale it is computed on, ``[rescale]
    from_range``, e.g. 1–4) or "rescaled" (``to_range``, e.g. 0–100), with ``headline_decimals``
    decimals; the other scale appears only in the method appendix. Optional; without it the
    suite's :data:`MIN_CELL`, :data:`MIN_KAWASAN` and :data:`HEADLINE` apply."""

    min_cell: int = Field(MIN_CELL, ge=1)
    min_kawasan: int = Field(MIN_KAWASAN, ge=1)
    headline_scale: Literal["score", "rescaled"] | None = None
    headline_decimals: int | None = Field(None, ge=0, le=4)
