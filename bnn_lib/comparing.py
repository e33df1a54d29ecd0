"""The body of ``bnn compare``: one index of a year computed under two specs, compared
(:func:`bnn_lib.scenarios.compare`) and written as ``perbandingan-<year>.html``."""

from __future__ import annotations

from pathlib import Path

from bnn_lib.analyses import Analyses
from bnn_lib.pipeline import compute_year
from bnn_lib.spec import SURVEY_INDICES, IndexSpec, SpecError, default_spec, load_spec, parse_overrides


def run_comparison(year: int, data: Path, base: str | None, variant: str, analyses: Analyses, out: Path) -> Path:
    """Compute ``year`` from ``data`` with the spec of ``base`` and of ``variant`` (``INDEX=SPEC``
    each; no ``base``: the shipped spec in force that year), compare them and write the page in
    ``out``; returns its path. Two specs of different indices, or of an index without kab/kota
    values, are refused (:class:`SpecError`, in the console's words) before anything is computed."""
    from bnn_lib.reporting.comparison import write_comparison  # the report stack only once specs are sound
    from bnn_lib.scenarios import compare

    key, variant_spec = _spec("--variant", variant)
    if base is None:
        base_spec = load_spec(default_spec(key, year))
    else:
        base_key, base_spec = _spec("--base", base)
        if base_key != key:
            raise SpecError(f"--base {base_key} dan --variant {key}: keduanya harus spesifikasi indeks yang sama")
    results = {
        side: compute_year(year, data, {key: spec}, analyses, indices=[key])
        for side, spec in (("base", base_spec), ("variant", variant_spec))
    }
    tables = {side: r.tables for side, r in results.items()}
    comparison = compare(
        tables["base"][f"{key}_kabkota"],
        tables["variant"][f"{key}_kabkota"],
        base_spec,
        variant_spec,
        year,
        base_intervals=tables["base"].get(f"{key}_intervals"),
        variant_intervals=tables["variant"].get(f"{key}_intervals"),
        targets=tables["base"]["kpi"],  # the year's targets, as the pipeline read them
    )
    return write_comparison(comparison, year, out, synthetic=results["base"].synthetic)


def _spec(option: str, item: str) -> tuple[str, IndexSpec]:
    """The index key and the spec of an ``INDEX=SPEC`` option, checked to be a survey index's spec
    of that index."""
    if "=" not in item:
        raise SpecError(f"{option} {item!r}: tulis INDEKS=SPEC, mis. ikotan=salinan-saya.toml")
    ((key, name),) = parse_overrides([item]).items()
    key = key.casefold()
    if key not in SURVEY_INDICES:
        raise SpecError(f"{option} {key}: bnn compare membandingkan indeks survei saja ({', '.join(SURVEY_INDICES)})")
    spec = load_spec(name)
    if spec.index.casefold() != key:
        raise SpecError(
            f"{option} {item}: {spec.id} adalah spesifikasi {spec.index}, bukan {key.upper()}; "
            "dasar dan varian harus spesifikasi indeks yang sama"
        )
    return key, spec
