"""A series of years across method changes: where the spec of an index changes, and the back-cast.

When consecutive years were computed under different specs of an index (another spec id), their
values are not comparable as they stand. :func:`bnn_lib.pipeline.compute_years` then recomputes
the earlier year from its own data under the later year's spec (a back-cast, as BPS did when the
IPM method changed) and compares the later year with that (docs/methodology.md §11.2). This
module says where the method breaks, what changed in words (Bahasa Indonesia, for the reports),
and shapes the back-cast into the later year's tables:

- ``method_breaks``: index, year_before, year, spec_before, spec_version_before, spec_now,
  spec_version_now, changes, backcast;
- ``<index>_backcast``: the earlier year under the later spec, per kab/kota, province and the
  nation: year, region_code, region, level, value, value_100, band, band_original, n_respondents,
  spec_id, spec_version, spec_id_original, spec_version_original;
- ``<index>_backcast_bands``: the band edges of the back-cast.
"""

from __future__ import annotations

import pandas as pd

from bnn_lib.spec import IndexSpec
from bnn_lib.spec.numbers import reported_scale

# The columns of a back-cast region row, as the index's kab/kota and region tables name them
# (``n_success``: a region's kab/kota at the success band or above under the later spec).
BACKCAST_COLUMNS = ["region_code", "region", "level", "value", "value_100", "band", "n_respondents", "n_success"]


def method_breaks(before: dict[str, IndexSpec], now: dict[str, IndexSpec]) -> list[str]:
    """The indices computed in both years under another spec, in ``now``'s order: another id,
    or the same id with a method that would give other numbers (a copy edited in place)."""
    return [
        key
        for key, spec in now.items()
        if key in before and (before[key].id != spec.id or _method(before[key]) != _method(spec))
    ]


def breaks_table(
    year: int, before: dict[str, IndexSpec], now: dict[str, IndexSpec], backcast: set[str]
) -> pd.DataFrame:
    """``method_breaks`` of ``year`` against the year before: one row per index whose spec
    changed, saying what changed and whether a back-cast (``backcast``: the indices back-cast)
    makes the change comparable."""
    rows = [
        {
            "index": key,
            "year_before": year - 1,
            "year": year,
            "spec_before": before[key].id,
            "spec_version_before": before[key].version,
            "spec_now": now[key].id,
            "spec_version_now": now[key].version,
            "changes": "; ".join(changes := spec_changes(before[key], now[key])),
            # What changed in a word or two ("kategori"), for a sentence a leader reads: the part
            # of each change before its colon.
            "changed": "; ".join(dict.fromkeys(c.split(": ")[0] for c in changes)),
            "backcast": key in backcast,
        }
        for key in method_breaks(before, now)
    ]
    return pd.DataFrame(rows)


def spec_changes(before: IndexSpec, now: IndexSpec) -> list[str]:
    """What differs in the method between two specs of an index, sentence by sentence, in Bahasa
    Indonesia: bands, success band, aggregation, weights, structure, answer scale, rescale."""
    changes = [
        *_band_changes(before, now),
        *_aggregation_changes(before, now),
        *_weight_changes(before, now),
        *_structure_changes(before, now),
        *_scale_changes(before, now),
    ]
    if changes:
        return changes
    if _method(before) != _method(now):
        return ["bagian lain spesifikasi berubah (lihat berkas spesifikasi)"]
    return ["metode perhitungan sama; hanya identitas atau keterangan spesifikasi yang berbeda"]


def _method(spec: IndexSpec) -> dict:
    """A spec without what does not change a number: identity, wording, provenance, years."""
    drop = {"id", "version", "title", "description", "path", "years_from", "years_to"}
    return _strip(spec.model_dump(mode="json", exclude=drop, exclude_none=True))


def _strip(value: object) -> object:
    words = {"provenance", "source", "note", "name", "text"}
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in words}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _band_changes(old: IndexSpec, new: IndexSpec) -> list[str]:
    before, now = old.bands, new.bands
    if before is None or now is None:
        return [] if before == now else ["kategori ditambahkan atau dihapus"]
    out = []
    if (before.mode, _bands_text(old)) != (now.mode, _bands_text(new)):
        out.append(f"kategori: {_bands_text(old)} → {_bands_text(new)}")
    if before.success_from != now.success_from:
        out.append(f"kategori sukses (KPI): {before.success_from or '–'} ke atas → {now.success_from or '–'} ke atas")
    return out


def _bands_text(spec: IndexSpec) -> str:
    """The band scheme in words: the fixed bands with their edges on the scale they are set on
    (the reported scale), or the equal-interval rule."""
    bands = spec.bands
    if bands.mode == "fixed":
        low, high = reported_scale(spec)
        edges = ", ".join(f"{b.label} {_number(b.lower)}–{_number(b.upper)}" for b in bands.fixed)
        return f"batas tetap pada skala {_number(low)}–{_number(high)} ({edges})"
    return (
        f"{len(bands.labels)} kelas sama lebar atas rentang nilai kab/kota yang teramati tahun itu "
        f"({', '.join(bands.labels)})"
    )


def _number(x: float) -> str:
    """A number as Indonesian text writes it: 25.01 → "25,01"."""
    return f"{x:g}".replace(".", ",")


def _aggregation_changes(before: IndexSpec, now: IndexSpec) -> list[str]:
    words = {
        "arithmetic": "rata-rata aritmetik",
        "geometric": "rata-rata geometrik",
        "equal_unit": "bobot sama per unit observasi",
        "pooled": "semua responden digabung",
    }
    a, b = before.aggregation, now.aggregation
    if a is None or b is None:
        return []
    out = []
    if a.method != b.method:
        out.append(f"agregasi variabel: {words[a.method]} → {words[b.method]}")
    if a.unit_weighting != b.unit_weighting:
        out.append(f"pembobotan unit: {words[a.unit_weighting]} → {words[b.unit_weighting]}")
    if a.by_group != b.by_group:
        out.append("indeks dihitung per kelompok" + (" (baru)" if b.by_group else " (tidak lagi)"))
    return out


def _weight_changes(before: IndexSpec, now: IndexSpec) -> list[str]:
    out = []
    for what, old, new in (
        ("bobot variabel", before.variables, now.variables),
        ("bobot indikator", before.indicators, now.indicators),
    ):
        weights = {part.id: part.weight for part in old}
        moved = [
            f"{part.name} {_number(weights[part.id])} → {_number(part.weight)}"
            for part in new
            if part.id in weights and weights[part.id] != part.weight
        ]
        if moved:
            out.append(f"{what}: {', '.join(moved)}")
    if _section(before, "weighting") != _section(now, "weighting"):
        out.append("cara pembobotan berubah")
    return out


def _section(spec: IndexSpec, name: str) -> object:
    """A section of a spec without its wording, for comparison (None if absent)."""
    element = getattr(spec, name)
    return _strip(element.model_dump(mode="json")) if element is not None else None


def _structure_changes(before: IndexSpec, now: IndexSpec) -> list[str]:
    out = []
    for what, old, new in (
        ("variabel", [v.id for v in before.variables], [v.id for v in now.variables]),
        ("indikator", [i.id for i in before.indicators], [i.id for i in now.indicators]),
        ("butir pertanyaan", before.item_ids, now.item_ids),
    ):
        added, removed = [x for x in new if x not in old], [x for x in old if x not in new]
        parts = [f"{len(added)} ditambah ({_few(added)})"] if added else []
        parts += [f"{len(removed)} dihapus ({_few(removed)})"] if removed else []
        if parts:
            out.append(f"{what}: {', '.join(parts)}")
    asked = {i.id: set(i.groups) for i in before.indicators}
    moved = [i.id for i in now.indicators if i.id in asked and asked[i.id] != set(i.groups)]
    if moved:
        out.append(f"kelompok responden yang menjawab berubah pada indikator {_few(moved)}")
    return out


def _few(ids: list[str], shown: int = 5) -> str:
    return ", ".join(ids[:shown]) + (f" dan {len(ids) - shown} lainnya" if len(ids) > shown else "")


def _scale_changes(before: IndexSpec, now: IndexSpec) -> list[str]:
    out = []
    if _section(before, "scale") != _section(now, "scale"):
        out.append(f"skala jawaban: {_scale_text(before)} → {_scale_text(now)}")
    if _section(before, "rescale") != _section(now, "rescale"):
        out.append("pemetaan ke skala 0–100 berubah")
    return out


def _scale_text(spec: IndexSpec) -> str:
    scale = spec.scale
    if scale is None:
        return "–"
    missing = ", ".join(_number(c) for c in scale.missing_codes) or "–"
    return (
        f"{_number(scale.min)}–{_number(scale.max)}, kode tidak tahu {missing}, "
        f"butir terjawab ≥ {_number(100 * scale.min_answered_share)} %"
    )


def backcast_tables(
    name: str, cast: dict[str, pd.DataFrame], original: dict[str, pd.DataFrame], year: int
) -> dict[str, pd.DataFrame]:
    """``<name>_backcast`` and ``<name>_backcast_bands`` from the back-cast tables of ``year``
    (the earlier year under the later spec) and that year's tables as originally computed."""
    now, then = _region_rows(name, cast), _region_rows(name, original)
    then = then[["region_code", "level", "band", "spec_id", "spec_version"]].rename(
        columns={"band": "band_original", "spec_id": "spec_id_original", "spec_version": "spec_version_original"}
    )
    then["band_original"] = then["band_original"].astype("str").where(then["band_original"].notna())
    table = now.merge(then, on=["region_code", "level"], how="left")
    table.insert(0, "year", year)
    return {f"{name}_backcast": table, f"{name}_backcast_bands": cast[f"{name}_bands"].assign(year=year)}


def _region_rows(name: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The kab/kota, province and national rows of an index as one table (BACKCAST_COLUMNS and
    the spec id and version)."""
    kabkota = tables[f"{name}_kabkota"].rename(columns={"kabkota_code": "region_code", "kabkota": "region"})
    rows = pd.concat([kabkota.assign(level="kabkota"), tables[f"{name}_regions"]], ignore_index=True)
    return rows.reindex(columns=[*BACKCAST_COLUMNS, "spec_id", "spec_version"])
