"""The input tables and their columns, as data: what each column holds, how it is read and checked.

One definition drives the reading (which headers mean which column, how a cell is parsed), the
checks (required, blank allowed, range, allowed values), the input templates (headers, dropdown
lists, the ``Petunjuk`` sheet) and the survey forms. Columns that depend on an index spec (the
questionnaire items, the kawasan indicators, the IKKTT measurements) are built from the spec.

Column kinds:

========== =========================================================================
kind       a cell holds
========== =========================================================================
id         an identifier, kept as text (``00123`` stays ``00123``)
kabkota    a kab/kota: Kemendagri code (``11.01``, or ``11.1``/``1101`` as Excel keeps
           numbers), ``11.01 Kab. Aceh Selatan`` as a template dropdown writes it, or a name
province   a province: code (``11``) or name
region     ``00`` (nasional) or a province
group      a respondent group of the spec, by id or name
item       a questionnaire item id of the spec
answer     an answer on the spec's scale, a missing code, or a label of either; blank =
           not answered
number     a number (decimal point or, in Indonesian-locale files, decimal comma)
year       a whole number such as 2024
choice     one of a few words (Indonesian synonyms accepted)
flag       0 or 1 (``ya``/``tidak`` accepted)
text       free text
========== =========================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bnn_lib.measures import measures, outputs
from bnn_lib.spec import STATUSES, IndexSpec

Kind = Literal[
    "id", "kabkota", "province", "region", "group", "item", "answer", "number", "year", "choice", "flag", "text"
]


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    kind: Kind
    help: str  # what to write, in Bahasa Indonesia (templates, validation report)
    required: bool = True
    blank_ok: bool = False
    ge: float | None = None  # numbers: allowed range
    gt: float | None = None
    le: float | None = None
    choices: Mapping[str, str] = field(default_factory=dict)  # word as written → canonical word
    aliases: tuple[str, ...] = ()  # other headers that mean this column
    # Numbers: the column may hold percentages, so a cell shown as 35 % is read as 35 (elsewhere
    # a percentage is refused: 0.35 and 35 would both be guesses).
    percent: bool = False


@dataclass(frozen=True)
class Table:
    """An input table: its name (the file name), the spec it needs and its unique key."""

    name: str
    index: str | None  # the spec key whose spec shapes it ("ikotan"), or None
    title: str  # Indonesian title (templates, validation report)
    keys: tuple[str, ...]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("ikotan_survey", "ikotan", "IKOTAN: jawaban kuesioner, satu baris per responden", ("respondent_id",)),
        Table("ikotan_respondents", "ikotan", "IKOTAN: responden (bentuk panjang)", ("respondent_id",)),
        Table("ikotan_answers", "ikotan", "IKOTAN: jawaban (bentuk panjang)", ("respondent_id", "item_id")),
        Table("ikp_survey", "ikp", "IKP: jawaban kuesioner, satu baris per responden", ("respondent_id",)),
        Table("ikp_respondents", "ikp", "IKP: responden (bentuk panjang)", ("respondent_id",)),
        Table("ikp_answers", "ikp", "IKP: jawaban (bentuk panjang)", ("respondent_id", "item_id")),
        Table("kawasan_assessments", "ikkrn", "IKKRN: penilaian kawasan rawan", ("kawasan_id", "year", "phase")),
        Table("ikktt_areas", "ikktt", "IKKTT: ukuran kawasan tanaman terlarang", ("kawasan_id", "year", "phase")),
        Table("program_outputs", None, "Keluaran program per kab/kota", ("kabkota_code", "year")),
        Table("targets", None, "Target kinerja", ("measure", "region_code", "year")),
    )
}

YEAR = Column("year", "year", "Tahun penilaian, misalnya 2024.", aliases=("tahun",))
# A survey's year is its folder's; a year column, where a form or sheet has one, must agree.
SURVEY_YEAR = Column(
    "survey_year",
    "year",
    "Tahun survei (boleh dikosongkan); bila diisi, harus tahun foldernya.",
    required=False,
    blank_ok=True,
    aliases=("year", "tahun", "tahun_survei"),
)
KABKOTA = Column(
    "kabkota_code",
    "kabkota",
    "Kode kab/kota Kemendagri sebagai teks, misalnya 11.01 (pilih dari daftar).",
    aliases=("kode_kabkota", "kode_kab_kota", "kabkota_id", "kode_kab/kota"),
)
KABKOTA_NAME = Column(
    "kabkota_name",
    "text",  # checked against the code on its row; read as the code where no code column exists
    "Nama kab/kota (boleh dikosongkan); bila diisi, harus sesuai dengan kodenya.",
    required=False,
    blank_ok=True,
    aliases=("kabkota", "nama_kabkota", "nama_kab_kota", "kab_kota", "kabupaten_kota", "kab/kota"),
)
PROVINCE = Column(
    "province_code",
    "province",
    "Kode atau nama provinsi (boleh dikosongkan); bila diisi, kab/kota harus berada di provinsi ini.",
    required=False,
    blank_ok=True,
    aliases=("provinsi", "kode_provinsi", "province"),
)
KAWASAN = Column(
    "kawasan_id",
    "id",
    "Kode unik kawasan (desa, kelurahan atau gampong).",
    aliases=("id_kawasan", "kode_kawasan", "kode_desa"),
)
MAPPING = {"mapping": "mapping", "pemetaan": "mapping"}
BEFORE = {"before": "before", "sebelum": "before"}
AFTER = {"after": "after", "sesudah": "after", "setelah": "after"}


def respondent_columns(spec: IndexSpec) -> list[Column]:
    """The columns that describe a respondent: id, kab/kota, group and optional weight."""
    groups = ", ".join(spec.groups)
    return [
        Column(
            "respondent_id",
            "id",
            "Nomor/kode unik responden; tidak boleh sama dalam satu tahun.",
            aliases=("id_responden", "kode_responden", "responden_id"),
        ),
        PROVINCE,
        KABKOTA,
        KABKOTA_NAME,
        Column(
            "group",
            "group",
            f"Kelompok responden (unit observasi) menurut spesifikasi {spec.id}: {groups}.",
            aliases=("kelompok", "kelompok_responden", "unit_observasi", "lingkungan"),
        ),
        Column(
            "weight",
            "number",
            "Bobot sampel responden (angka > 0); kosongkan bila semua responden berbobot sama.",
            required=False,
            blank_ok=True,
            gt=0,
            aliases=("bobot",),
        ),
        SURVEY_YEAR,
    ]


def item_columns(spec: IndexSpec) -> list[Column]:
    """One answer column per questionnaire item of a survey spec (the wide table)."""
    names = {gid: g.name for gid, g in spec.groups.items()}
    columns = []
    for ind in spec.indicators:
        asked = ", ".join(names[g] for g in ind.groups)
        for item in ind.items:
            text = f"{item.text} " if item.text else ""
            columns.append(
                Column(
                    item.id, "answer", f"{text}[{ind.name}; ditanyakan kepada: {asked}]", required=False, blank_ok=True
                )
            )
    return columns


def table_columns(table: str, spec: IndexSpec | None = None) -> list[Column]:
    """The columns of ``table``; tables shaped by an index need that index's spec."""
    if table.endswith("_survey"):
        return respondent_columns(spec) + item_columns(spec)
    if table.endswith("_respondents"):
        return respondent_columns(spec)
    if table.endswith("_answers"):
        return [
            Column("respondent_id", "id", "Kode responden, seperti di tabel responden.", aliases=("id_responden",)),
            Column(
                "item_id",
                "item",
                f"Kode butir pertanyaan menurut spesifikasi {spec.id}.",
                aliases=("butir", "kode_butir"),
            ),
            Column(
                "value",
                "answer",
                "Jawaban pada skala, atau kode tidak tahu; kosong = tidak dijawab.",
                blank_ok=True,
                aliases=("nilai", "jawaban"),
            ),
        ]
    if table == "kawasan_assessments":
        return _kawasan_columns(spec)
    if table == "ikktt_areas":
        return _area_columns(spec)
    if table == "program_outputs":
        return [PROVINCE, KABKOTA, KABKOTA_NAME, YEAR] + [Column(m.id, "number", m.help, ge=0) for m in outputs()]
    if table == "targets":
        return [
            Column(
                "measure",
                "choice",
                f"Ukuran kinerja: {', '.join(m.id for m in measures())}.",
                choices={m.id: m.id for m in measures()},
                aliases=("ukuran",),
            ),
            Column(
                "region_code",
                "region",
                "00 untuk nasional, kode/nama provinsi, atau kode kab/kota (mis. 11.06).",
                aliases=("kode_wilayah", "wilayah"),
            ),
            YEAR,
            Column(
                "target", "number", "Target (angka > 0; untuk ukuran dalam persen, 35 atau 35%).", gt=0, percent=True
            ),
            Column(
                "target_renstra",
                "number",
                "Target akhir periode Renstra (boleh dikosongkan); ditulis seperti target.",
                required=False,
                blank_ok=True,
                gt=0,
                percent=True,
                aliases=("target_akhir_renstra",),
            ),
        ]
    raise KeyError(f"no input table {table!r}; the tables are {sorted(TABLES)}")


def _kawasan_keys(phases: Mapping[str, str], phase_help: str) -> list[Column]:
    """The columns that identify an assessment of a kawasan: the kawasan, its kab/kota, year, phase."""
    phase = Column("phase", "choice", phase_help, choices=phases, aliases=("fase", "tahap"))
    return [KAWASAN, PROVINCE, KABKOTA, KABKOTA_NAME, YEAR, phase]


def _kawasan_columns(spec: IndexSpec) -> list[Column]:
    rule = spec.status_rule
    phases = "mapping (pemetaan rutin), before (sebelum intervensi) atau after (sesudah intervensi)."
    columns = [
        *_kawasan_keys(MAPPING | BEFORE | AFTER, phases),
        Column(
            "status",
            "choice",
            "Status kawasan (aman, siaga, waspada, bahaya) bila indikatornya tidak dicatat.",
            required=False,
            blank_ok=True,
            choices={s: s for s in STATUSES},
        ),
    ]
    for name in rule.pokok:
        columns.append(Column(name, "flag", "Indikator pokok: 1 = ada, 0 = tidak ada.", required=False, blank_ok=True))
    for name in rule.pendukung:
        columns.append(
            Column(name, "flag", "Indikator pendukung: 1 = ada, 0 = tidak ada.", required=False, blank_ok=True)
        )
    for var in spec.variables:
        columns.append(
            Column(
                f"score_{var.id}",
                "number",
                f"Skor {var.name} dari kuesioner ({spec.scale.min:g}–{spec.scale.max:g}), bila ada.",
                required=False,
                blank_ok=True,
                ge=spec.scale.min,
                le=spec.scale.max,
            )
        )
    return columns


# Whether a kawasan of the IKKTT table is in the programme or a comparison kawasan outside it.
INTERVENED = {"ya": "ya", "yes": "ya", "program": "ya", "tidak": "tidak", "no": "tidak", "pembanding": "tidak"}


def _area_columns(spec: IndexSpec) -> list[Column]:
    columns = _kawasan_keys(BEFORE | AFTER, "before (sebelum intervensi) atau after (sesudah intervensi).")
    columns.append(
        Column(
            "intervened",
            "choice",
            "ya = kawasan program (diintervensi); tidak = kawasan pembanding di luar program, diukur dengan cara "
            "yang sama. Kosong = ya.",
            required=False,
            blank_ok=True,
            choices=INTERVENED,
            aliases=("intervensi", "program", "diintervensi"),
        )
    )
    for ind in spec.indicators:
        columns.append(
            Column(
                ind.id,
                "number",
                f"{ind.name} (angka ≥ 0); kosong = tidak diketahui.",
                blank_ok=True,
                ge=0,
                percent=ind.unit == "persen",
            )
        )
    return columns
