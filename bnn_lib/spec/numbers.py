"""The numbers of a spec: finite, and within the ranges the computation needs.

The rule: a spec that loads computes. Whatever the data, no number of an accepted spec makes
``bnn compute`` fail or fill its tables with NaN; a number that would is refused when the spec
is read (by ``bnn specs`` and by every command alike, through :func:`bnn_lib.spec.parse_spec`),
with the file, the key and the value, in Bahasa Indonesia.

Two passes: :func:`non_finite` over the TOML as read (NaN and ±inf are valid TOML, and pydantic
lets them through or words them badly), then :func:`out_of_range` over the validated spec.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bnn_lib.limits import FIRST_YEAR, LAST_YEAR, MAX_MIN_CELL, year_range

if TYPE_CHECKING:
    from bnn_lib.spec.schema import IndexSpec
    from bnn_lib.spec.sections import Bands

# Weights are relative; a ratio of a million between two of them is beyond any index, and a sum
# of larger ones can overflow to inf.
MAX_WEIGHT = 1e6
# Points of an answer scale: 0–100 at most (a slider); every point is listed in forms and checks.
MAX_SCALE_POINTS = 101
# A variable stated by its number of indicators (``n_indicators``) has tens, not thousands.
MAX_INDICATORS = 1000
# TOML integers are 64-bit; Python's reader takes any size, which no field can use.
MAX_INTEGER = 2**63 - 1
# The reported scale when a spec has no [rescale] (its default to_range).
DEFAULT_REPORTED = (0.0, 100.0)

Problem = tuple[str, object, str]  # key, value, what is wrong


def non_finite(raw: object, key: str = "") -> list[Problem]:
    """Every NaN, ±inf or out-of-range integer in the TOML as read, with its key."""
    if isinstance(raw, dict):
        return [p for name, value in raw.items() for p in non_finite(value, f"{key}.{name}" if key else str(name))]
    if isinstance(raw, list):
        return [p for i, value in enumerate(raw) for p in non_finite(value, f"{key}[{i}]")]
    if isinstance(raw, float) and not math.isfinite(raw):
        return [(key, raw, "harus angka terhingga (bukan nan atau inf)")]
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) > MAX_INTEGER:
        return [(key, raw, "terlalu besar untuk sebuah angka spesifikasi")]
    return []


def out_of_range(spec: IndexSpec) -> list[Problem]:
    """Every number of a validated spec outside the range the computation needs."""
    return [
        *_years(spec),
        *_scale(spec),
        *_rescale(spec),
        *_weights(spec),
        *_bands(spec),
        *_recovery(spec),
        *_reporting(spec),
    ]


def reported_scale(spec: IndexSpec) -> tuple[float, float]:
    """The scale values are reported on (``rescale.to_range``; 0–100 without a [rescale])."""
    return tuple(spec.rescale.to_range) if spec.rescale is not None else DEFAULT_REPORTED


def _years(spec: IndexSpec) -> Iterator[Problem]:
    for name in ("years_from", "years_to"):
        year = getattr(spec, name)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            yield name, year, f"tahun harus dalam {year_range()}"


def _scale(spec: IndexSpec) -> Iterator[Problem]:
    """Whole-number ends (the points are the whole numbers between them) and a listable length."""
    if spec.scale is None:
        return
    for name in ("min", "max"):
        value = getattr(spec.scale, name)
        if not float(value).is_integer():
            yield f"scale.{name}", value, "ujung skala harus bilangan bulat (titik skala adalah bilangan bulat)"
    points = spec.scale.max - spec.scale.min + 1
    if points > MAX_SCALE_POINTS:
        yield "scale.max", spec.scale.max, f"skala {points:g} titik; paling banyak {MAX_SCALE_POINTS}"


def _rescale(spec: IndexSpec) -> Iterator[Problem]:
    """Both ranges increasing (else every value divides by zero or turns round), and the score
    range holding the answer scale (else a value lands outside the reported scale)."""
    if spec.rescale is None:
        return
    for name in ("from_range", "to_range"):
        lo, hi = getattr(spec.rescale, name)
        if not lo < hi:
            yield (
                f"rescale.{name}",
                [lo, hi],
                "rentang kosong atau terbalik: batas bawah harus lebih kecil dari batas atas",
            )
    lo, hi = spec.rescale.from_range
    if spec.kind == "survey" and spec.scale is not None and not lo <= spec.scale.min < spec.scale.max <= hi:
        yield (
            "rescale.from_range",
            [lo, hi],
            f"harus mencakup skala jawaban {spec.scale.min:g}–{spec.scale.max:g}: skor di luarnya jatuh di luar "
            "skala laporan",
        )


def _weights(spec: IndexSpec) -> Iterator[Problem]:
    """No weight beyond MAX_WEIGHT, and at each level not every weight zero (a weighted mean over
    weights that sum to zero is 0/0)."""
    for v, var in enumerate(spec.variables):
        yield from _bounded(f"variables[{v}].weight", var.weight, MAX_WEIGHT)
        if var.n_indicators is not None and var.n_indicators > MAX_INDICATORS:
            yield f"variables[{v}].n_indicators", var.n_indicators, f"paling banyak {MAX_INDICATORS}"
        for i, ind in enumerate(var.indicators):
            yield from _bounded(f"variables[{v}].indicators[{i}].weight", ind.weight, MAX_WEIGHT)
        if var.indicators and not any(ind.weight for ind in var.indicators):
            yield f"variables[{v}].indicators", 0, f"semua bobot indikator variabel {var.id!r} nol"
    for d, dim in enumerate(spec.dimensions):
        yield from _bounded(f"dimensions[{d}].weight", dim.weight, MAX_WEIGHT)
    explicit = spec.weighting is None or spec.weighting.variables == "explicit"
    if explicit and spec.variables and not any(var.weight for var in spec.variables):
        yield "variables", 0, "semua bobot variabel nol"
    explicit = spec.weighting is None or spec.weighting.dimensions == "explicit"
    if explicit and spec.dimensions and not any(dim.weight for dim in spec.dimensions):
        yield "dimensions", 0, "semua bobot dimensi nol"


def _bounded(key: str, value: float, most: float) -> Iterator[Problem]:
    if value > most:
        yield key, value, f"paling besar {most:g} (bobot bersifat relatif)"


def _bands(spec: IndexSpec) -> Iterator[Problem]:
    """Labels unique in each scheme (a band is found by its label), and fixed bands that cover
    the reported scale from its bottom to its top (their order and contiguity are checked with
    the section)."""
    bands = spec.bands
    if bands is None:
        return
    yield from _unique_labels("bands.fixed", [b.label for b in bands.fixed])
    yield from _unique_labels("bands.labels", list(bands.labels))
    if bands.fixed:
        yield from _covering(bands, reported_scale(spec))


def _unique_labels(key: str, labels: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, label in enumerate(labels):
        if label in seen:
            yield f"{key}[{i}]" + (".label" if key.endswith("fixed") else ""), label, "label kategori ganda"
        seen.add(label)


def _covering(bands: Bands, scale: tuple[float, float]) -> Iterator[Problem]:
    lo, hi = scale
    step = 10.0**-bands.decimals / 10  # the edges are written to ``decimals`` places
    first, last = bands.fixed[0], bands.fixed[-1]
    if not math.isclose(first.lower, lo, abs_tol=step):
        yield "bands.fixed[0].lower", first.lower, f"kategori terendah harus mulai di ujung bawah skala laporan {lo:g}"
    if not math.isclose(last.upper, hi, abs_tol=step):
        key = f"bands.fixed[{len(bands.fixed) - 1}].upper"
        yield key, last.upper, f"kategori tertinggi harus berakhir di ujung atas skala laporan {hi:g}"


def _recovery(spec: IndexSpec) -> Iterator[Problem]:
    """A score threshold on the reported scale, and an indicator that the spec has."""
    recovery = spec.recovery
    if recovery is None:
        return
    lo, hi = reported_scale(spec)
    if recovery.min_score is not None and not lo <= recovery.min_score <= hi:
        yield "recovery.min_score", recovery.min_score, f"ambang harus dalam skala laporan {lo:g}–{hi:g}"
    if recovery.rule == "score" and recovery.min_score is None:
        yield "recovery.min_score", None, "aturan 'score' memerlukan ambang min_score"
    known = {ind.id for ind in spec.indicators}
    if recovery.no_active_indicator is not None and recovery.no_active_indicator not in known:
        yield "recovery.no_active_indicator", recovery.no_active_indicator, "bukan indikator spesifikasi ini"


def _reporting(spec: IndexSpec) -> Iterator[Problem]:
    if spec.reporting is None:
        return
    if spec.kind in ("kawasan", "area") and spec.reporting.headline_scale == "score":
        # A kawasan's scores, changes and recovery threshold exist on the reported scale only.
        yield (
            "reporting.headline_scale",
            spec.reporting.headline_scale,
            "indeks kawasan ditampilkan pada skala laporan: 'rescaled'",
        )
    for name in ("min_cell", "min_kawasan"):
        value = getattr(spec.reporting, name)
        if value > MAX_MIN_CELL:
            yield (
                f"reporting.{name}",
                value,
                f"paling banyak {MAX_MIN_CELL}; lebih dari itu menyembunyikan setiap nilai",
            )
