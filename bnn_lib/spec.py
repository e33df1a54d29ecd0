"""Index specifications: every formula choice as versioned data (TOML), validated on load.

A spec says what an index is made of (variables, indicators, questionnaire items), who answers
what, how answers become scores, how scores combine, and how values become bands. Each element
carries its provenance: ``documented`` (with a ``source``) or ``assumed`` (with a ``note``).

Shipped specs live in ``data/specs/<id>.toml``. A researcher copies one, edits it and loads it
with ``load_spec("my-copy.toml")``; nothing else changes. An invalid spec raises
:class:`SpecError` naming the file and the field.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal, Self

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bnn_lib.paths import SPECS_DIR

Kind = Literal["survey", "kawasan", "area", "composite"]
# The shipped specs of each index, oldest first. Each spec says the years it applies to
# (``years_from``, ``years_to``); the one whose years hold a year is the index's default that
# year (:func:`default_spec`): BNN changed IKOTAN's banding in 2022 (docs/methodology.md §11).
SPEC_SERIES = {
    "ikotan": ["ikotan-juknis-2021", "ikotan-dayamas-2022"],
    "ikp": ["ikp-placeholder-2024"],
    "ikkrn": ["ikkrn-dayatif-2024"],
    "ikktt": ["ikktt-placeholder-2024"],
}
# The spec each index is computed with when no year is given (and no other is asked for): the
# latest of its series.
DEFAULT_SPECS = {key: ids[-1] for key, ids in SPEC_SERIES.items()}
NonNegative = Annotated[float, Field(ge=0)]
# Fewer respondents than this and a value is neither shown in reports nor published (a spec may
# set its own, ``[reporting] min_cell``). An assumption of this suite (the public methodology
# sets no rule); statistics offices commonly suppress survey cells under 5 to 10.
MIN_CELL = 5
# A recovery rate, or an effect, from fewer decided kawasan than this is shown as counts, without
# a percent or an interval (a spec may set its own, ``[reporting] min_kawasan``): one kawasan more
# or less would move it by 20 points or more. An assumption of this suite.
MIN_KAWASAN = 5
# A spec is a few kilobytes of TOML (the largest shipped one is about 20 kB); a file many times
# that is not a spec, and reading it whole would only delay the message.
MAX_SPEC_BYTES = 1_000_000
# An invalid spec lists its first problems only: a generated or pasted file can have thousands.
MAX_LISTED = 10


class SpecError(ValueError):
    """A specification that cannot be used: the message names the file and the field."""


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
    """A respondent group (observation unit) such as Pemda, Polres or keluarga."""

    name: str


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
    4"), without a percent or an interval. Optional; without it the suite's :data:`MIN_CELL`
    and :data:`MIN_KAWASAN` apply."""

    min_cell: int = Field(MIN_CELL, ge=1)
    min_kawasan: int = Field(MIN_KAWASAN, ge=1)


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


def spec_path(name: str | Path) -> Path:
    """The file of a spec given by shipped id ("ikotan-juknis-2021") or by path."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        # Absolute: results record the path, and a later run from another folder must find the
        # same file, not one of the same name there.
        return path.resolve()
    shipped = SPECS_DIR / f"{name}.toml"
    if not shipped.exists():
        available = ", ".join(sorted(p.stem for p in SPECS_DIR.glob("*.toml")))
        raise SpecError(f"no spec {name!r}: give a .toml path or one of {available}")
    return shipped


def load_spec(name: str | Path) -> IndexSpec:
    """Read and validate a spec by shipped id or path; raises :class:`SpecError`."""
    path = spec_path(name)
    try:
        stat = path.stat()
    except OSError:
        return _read_spec(path)  # which says what is wrong with the path
    return _read_spec_as(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_spec_as(path: Path, mtime_ns: int, size: int) -> IndexSpec:
    """A spec file read once for each state of the file (the years pick a spec per year, and a
    spec is immutable): an edited file is read again."""
    return _read_spec(path)


def _read_spec(path: Path) -> IndexSpec:
    """Read and validate the spec file ``path``; raises :class:`SpecError`."""
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(f"{path}: {size:,} bytes is far larger than a spec (a few kB of TOML); wrong file?")
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise SpecError(f"{path}: is a folder; give the spec's .toml file") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start}); a spec is a TOML text file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per level of nesting
        raise SpecError(f"{path}: nested too deeply to be a spec") from exc
    return parse_spec(raw, source=str(path))


def parse_spec(raw: dict, source: str = "<dict>") -> IndexSpec:
    """Validate a spec given as a dict (as read from TOML); ``source`` names it in errors."""
    try:
        return IndexSpec.model_validate({**raw, "path": source})
    except ValidationError as exc:
        errors = exc.errors()
        problems = [
            f"  {_field(err['loc'])}: {err['msg'].removeprefix('Value error, ')}" for err in errors[:MAX_LISTED]
        ]
        if len(errors) > MAX_LISTED:
            problems.append(f"  … and {len(errors) - MAX_LISTED} more")
        raise SpecError(f"{source}: invalid spec\n" + "\n".join(problems)) from None
    except RecursionError:  # a nesting deeper than the validator's recursion limit
        raise SpecError(f"{source}: nested too deeply to be a spec") from None


def _field(loc: tuple) -> str:
    """Pydantic's error location as a TOML-like field path: variables[0].indicators[2].weight."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "tagged-union", "model_validator")):
            out += ("." if out else "") + str(part)
    return out or "(whole spec)"


def default_spec(index: str, year: int | None = None) -> str:
    """The id of the shipped spec of ``index`` ("ikotan") in force in ``year``: the one of its
    series whose years hold the year; without a year, the latest. Raises :class:`SpecError` for
    an unknown index or a year no shipped spec covers."""
    if index not in SPEC_SERIES:
        raise SpecError(f"no index {index!r}; the indices are {', '.join(SPEC_SERIES)}")
    if year is None:
        return SPEC_SERIES[index][-1]
    in_force = [name for name in SPEC_SERIES[index] if load_spec(name).applies_to(year)]
    if not in_force:
        raise SpecError(f"no shipped spec of {index} applies to {year}; give one with --spec {index}=SPEC")
    return in_force[-1]


def choose_specs(
    overrides: dict[str, str | Path | IndexSpec] | None = None, year: int | None = None
) -> dict[str, IndexSpec]:
    """The spec of every index: the one ``overrides`` gives for its key (``{"ikotan":
    "my-copy.toml"}``), else the shipped spec in force in ``year`` (:func:`default_spec`; no
    year: the latest). An override holds whatever the year. A key that names no index is
    refused, not ignored."""
    unknown = sorted(set(overrides or {}) - set(SPEC_SERIES))
    if unknown:
        raise SpecError(f"no index {', '.join(map(repr, unknown))}; the indices are {', '.join(SPEC_SERIES)}")
    chosen = {key: default_spec(key, year) for key in SPEC_SERIES if key not in (overrides or {})}
    chosen |= overrides or {}
    specs = {key: spec if isinstance(spec, IndexSpec) else load_spec(spec) for key, spec in chosen.items()}
    for key in overrides or {}:
        default = load_spec(DEFAULT_SPECS[key])
        if (specs[key].index.casefold(), specs[key].kind) != (default.index.casefold(), default.kind):
            raise SpecError(
                f"{specs[key].path or key}: a spec of {specs[key].index} ({specs[key].kind}) cannot compute "
                f"{key}, which needs a spec of {default.index} ({default.kind})"
            )
    return {key: specs[key] for key in SPEC_SERIES}


def parse_overrides(items: list[str]) -> dict[str, str]:
    """``INDEX=SPEC`` command-line items as a dict; raises :class:`SpecError` on a malformed one."""
    bad = [item for item in items if "=" not in item or not item.split("=", 1)[1]]
    if bad:
        raise SpecError(f"--spec {bad[0]!r}: write INDEX=SPEC, e.g. ikotan=my-copy.toml")
    return dict(item.split("=", 1) for item in items)


def list_specs() -> list[str]:
    """The ids of the shipped specs."""
    return sorted(p.stem for p in SPECS_DIR.glob("*.toml"))


def modify(spec: IndexSpec, changes: dict[str, object], id: str | None = None) -> IndexSpec:
    """A copy of ``spec`` with fields changed by dotted path; list elements are chosen by id.

        modify(spec, {"variables.ketahanan_keluarga.weight": 2.0, "bands.mode": "equal_interval"})

    The copy is validated like a file; ``id`` renames it (default: "<id>-modified").
    """
    raw = spec.model_dump(exclude={"path"}, exclude_none=True)
    for path, value in changes.items():
        target: object = raw
        *parents, leaf = path.split(".")
        for part in parents:
            if isinstance(target, list):
                matches = [x for x in target if x.get("id") == part]
                if not matches:
                    raise SpecError(f"{spec.path}: no element with id {part!r} on the path {path!r}")
                target = matches[0]
            elif isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise SpecError(f"{spec.path}: no field {part!r} on the path {path!r}")
        target[leaf] = value  # type: ignore[index]
    raw["id"] = id or f"{spec.id}-modified"
    return parse_spec(raw, source=f"{spec.path} (modified: {', '.join(changes)})")


def write_spec(spec: IndexSpec, path: str | Path) -> Path:
    """Write a spec as TOML (for a copy made with :func:`modify`)."""
    from bnn_lib.writing import write_atomic  # pandas and openpyxl: not needed to read specs

    path = Path(path)
    write_atomic(path, tomli_w.dumps(spec.model_dump(exclude={"path"}, exclude_none=True)))
    return path
