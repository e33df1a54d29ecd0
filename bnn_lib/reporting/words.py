"""What the reports and the workbook say alike: the method in force in words, the names of
places, and the marks of synthetic data and back-casts.

What a report says about how an index is made comes from the spec the results were computed
with (:meth:`ReportData.spec`) or from the constant the code uses, never from a literal: a
researcher who changes a spec gets reports (and a workbook) that say so.
"""

from __future__ import annotations

import re

from bnn_lib.measures import Measure
from bnn_lib.regions import NATIONAL, regions
from bnn_lib.reporting import is_kabkota
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import bilangan, daftar, esc, persen, rentang, ringkas
from bnn_lib.reporting.headline import headline
from bnn_lib.sensitivity import RANK_PERCENTILES
from bnn_lib.spec import STATUSES, Element, IndexSpec
from bnn_lib.uncertainty import REPORTED

# What every page and sheet made from the sample data says first.
SYNTHETIC = "DATA CONTOH SINTETIS — bukan data BNN"
SYNTHETIC_WHY = "Semua angka dibangkitkan untuk uji coba dan demonstrasi"
# What a back-cast is called in the reports (as in the warnings of bnn compute).
BACKCAST = "proyeksi balik"


def place_name(code: str | None) -> str:
    """ "Provinsi Aceh", "Kab. Aceh Besar, Provinsi Aceh", or "Nasional" for ``None``."""
    if code is None:
        return "Nasional"
    if is_kabkota(code):
        return f"{regions().label(code)}, Provinsi {regions().province_of(code).name}"
    return f"Provinsi {regions().province(code).name}"


def short_name(code: str | None) -> str:
    """The region's name as a chart or a sentence uses it: "Aceh", "Kab. Aceh Besar", "nasional"."""
    if code is None or code == NATIONAL:
        return "nasional"
    return regions().label(code) if is_kabkota(code) else regions().province(code).name


def variables(spec: IndexSpec) -> str:
    """ "enam variabel: A, B, … dan F" (escaped)."""
    return f"{bilangan(len(spec.variables))} variabel: {daftar([esc(v.name) for v in spec.variables])}"


def success_band(data: ReportData, index: str = "ikotan") -> str:
    """The lowest band that counts for the KPI ("Tanggap"), as plain text."""
    return data.spec(index).bands.success_from


def score_scale(data: ReportData, index: str) -> str:
    """The scale an index is computed on, from its rescale rule: "1–4"."""
    return rentang(*data.spec(index).rescale.from_range)


def measure_name(data: ReportData, m: Measure) -> str:
    """A measure's label with its index's scale and success band: "IKOTAN (skala 1–4)"."""
    if m.index is None or data.spec(m.index) is None:
        return m.name()
    bands = data.spec(m.index).bands
    return m.name(scale=score_scale(data, m.index), success_band=(bands.success_from if bands else None) or "")


def measure_unit(data: ReportData, m: Measure) -> str:
    """A measure's unit as a Laporan Kinerja writes it; an index value on its spec's scale
    ("indeks skala 1–4")."""
    return f"{m.unit} skala {score_scale(data, m.index)}" if m.unit == "indeks" and m.index else m.unit


def level(confidence: float = REPORTED) -> str:
    """The confidence level of the intervals the reports show: "95 %"."""
    return persen(confidence * 100, 0)


def rank_interval() -> str:
    """The percentiles of the rank interval: "5–95 %"."""
    return f"{rentang(*RANK_PERCENTILES)} %"


def band_rule(data: ReportData, index: str) -> str:
    """How the bands of ``index`` are set, with the lower edge of each band above the first on
    the index's headline scale (escaped): fixed bands from the spec, or equal intervals over the
    observed range. The spec is named in the method appendix."""
    spec, edges, shown = data.spec(index), data.table(f"{index}_bands"), headline(data, index)
    lower, upper = shown.column("lower"), shown.column("upper")
    lowers = "; ".join(f"{esc(r.label)} ≥ {shown.value(r[lower])}" for _, r in edges.iloc[1:].iterrows())
    if spec.bands.mode == "fixed":
        how = "kategori tetap"
    else:
        observed = shown.interval(edges[lower].iloc[0], edges[upper].iloc[-1])
        how = f"{bilangan(len(edges))} kategori berinterval sama atas rentang nilai kab/kota terukur ({observed})"
    return f"{how}, skala {shown.scale}: {lowers}"


def _severe_first(statuses: list[str]) -> list[str]:
    return [s for s in reversed(STATUSES) if s in statuses]


def rawan(data: ReportData) -> str:
    """The kawasan statuses that count as rawan in IKKRN, most severe first: "bahaya + waspada"."""
    return " + ".join(_severe_first(data.spec("ikkrn").recovery.rawan))


def recovery_rule(data: ReportData, index: str) -> str:
    """When a kawasan of ``index`` (IKKRN, IKKTT) counts as pulih, as a sentence (escaped)."""
    spec = data.spec(index)
    rule = spec.recovery
    if rule.rule == "score":
        text = f"skor sesudah intervensi ≥ {ringkas(rule.min_score)}"
        if rule.no_active_indicator:
            names = {i.id: i.name for i in spec.indicators}
            name = names.get(rule.no_active_indicator, rule.no_active_indicator)
            text += f" dan {esc(name[:1].lower() + name[1:])} sesudahnya nol"
    elif rule.rule == "strict":
        others = [s for s in STATUSES if s not in rule.rawan]
        text = (
            f"status sebelum intervensi {' atau '.join(_severe_first(rule.rawan))}, "
            f"sesudahnya {' atau '.join(_severe_first(others))}"
        )
    else:
        text = "status sesudah intervensi lebih rendah daripada sebelumnya"
    return f"Pulih: {text}."


# The parts of a spec in a reader's words (a spec names them by its field names).
SECTION_WORDS = {
    "scale": "Skala jawaban",
    "weighting": "Pembobotan",
    "aggregation": "Agregasi",
    "rescale": "Konversi skala",
    "bands": "Kategori",
    "status_rule": "Aturan status kawasan",
    "recovery": "Aturan pulih",
    "effect": "Efek intervensi",
    "reporting": "Aturan pelaporan",
    "groups": "Kelompok responden",
    "dimensions": "Dimensi",
    "variables": "Variabel",
    "indicators": "Indikator",
    "items": "Butir",
    "fixed": "Tetap",
}
# An element's place in its spec, as the spec's field path gives it: "variables[1].indicators[0]".
_PLACE = re.compile(r"(?P<section>[a-z_]+)(?:\[(?P<at>\d+)\])?(?:\.indicators\[(?P<indicator>\d+)\])?")


def element_name(path: str, element: Element) -> str:
    """An element of a spec in a reader's words, from its field path: "Skala jawaban",
    "Kelompok responden “Keluarga”", "Variabel 2 “Ketahanan Masyarakat”", "Indikator 2.1
    “Partisipasi masyarakat”" (the numbers count from 1, as a questionnaire does)."""
    place = _PLACE.match(path)
    section = "indicators" if place["indicator"] else place["section"]
    numbers = [str(int(n) + 1) for n in (place["at"], place["indicator"]) if n is not None]
    words = " ".join([SECTION_WORDS.get(section, section), ".".join(numbers)]).strip()
    name = getattr(element, "name", None)
    return f"{words} “{name}”" if name else words


def plain_note(note: str | None, spec: IndexSpec) -> str | None:
    """A spec's note for a reader without the repository: the methodology document by name, not
    by its path, and a spec's settings by what they say, not by their field names."""
    if not note:
        return note
    settings = {
        "docs/methodology.md": "dokumen metodologi",
        " (labels)": "",
        "[scale]": "bagian skala jawaban spesifikasi",
        "min_kawasan": f"batas {spec.min_kawasan} kawasan",
    }
    for written, said in settings.items():
        note = note.replace(written, said)
    return note


# A spec's settings (the last part of a field path) and the values they take, in a reader's words.
SETTING_WORDS = {
    "weight": "bobot",
    "mode": "cara penggolongan",
    "labels": "nama",
    "success_from": "kategori keberhasilan mulai",
    "decimals": "desimal pembulatan",
    "method": "metode",
    "unit_weighting": "bobot unit",
    "min_answered_share": "porsi minimum butir terjawab",
    "lower": "batas bawah",
    "upper": "batas atas",
    "reverse": "skor terbalik",
    "headline_scale": "skala utama",
    "headline_decimals": "desimal nilai utama",
}
VALUE_WORDS = {
    "arithmetic": "rata-rata aritmetik",
    "geometric": "rata-rata geometrik",
    "fixed": "kategori tetap",
    "equal_interval": "interval sama lebar",
    "equal_unit": "bobot sama per unit observasi",
    "pooled": "semua responden digabung",
    "score": "skala skor",
    "rescaled": "skala 0–100",
}


def setting_name(field: str, spec: IndexSpec) -> str:
    """A field path in words: "variables.ketahanan_keluarga.weight" → "bobot variabel “Ketahanan
    Keluarga”"; an element by its name in ``spec``, a part without words as the spec writes it."""
    *parents, leaf = field.split(".")
    named = {group_id: group.name for group_id, group in spec.groups.items()}
    for variable in spec.variables:
        named |= {variable.id: variable.name} | {i.id: i.name for i in variable.indicators}
    where = [
        SECTION_WORDS[part].lower() if part in SECTION_WORDS else f"“{named.get(part, part)}”"
        for part in (p.split("[")[0] for p in parents)
    ]
    return " ".join([SETTING_WORDS.get(leaf, leaf), *where])


def setting_value(value: object) -> str:
    """A spec's value as the reports write it: numbers with a decimal comma, lists joined, yes/no,
    a method by its name (:data:`VALUE_WORDS`), a setting a spec does not make as "(tidak ada)"."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return ringkas(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(setting_value(v) for v in value) + "]"
    return "(tidak ada)" if value is None else VALUE_WORDS.get(str(value), str(value))
