"""The input tables and their columns, as data: what each column holds, how it is read and checked.

One definition drives the reading (which headers mean which column, how a cell is parsed), the
checks (required, blank allowed, range, allowed values), the input templates (headers, dropdown
lists, the ``Petunjuk`` sheet) and the survey forms. Columns that depend on an index spec (the
questionnaire items, the kawasan indicators, the IKKTT measurements) are built from the spec.
A column is named by its id here and in the engine; offices see its Indonesian header and the
Indonesian words of its choices, from one table, ``bnn_lib/data/names.toml`` (:mod:`.names`), and a file
may use either.

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
choice     one of a few words: an id or its Indonesian word (``sebelum`` for ``before``)
flag       0 or 1 (``ya``/``tidak`` accepted)
text       free text
========== =========================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bnn_lib.intake import names
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
    aliases: tuple[str, ...] = ()  # other headers that mean this column, beside bnn_lib/data/names.toml's
    # Numbers: the column may hold percentages, so a cell shown as 35 % is read as 35 (elsewhere
    # a percentage is refused: 0.35 and 35 would both be guesses).
    percent: bool = False

    @property
    def header(self) -> str:
        """The header the template writes and messages use: its Indonesian name (bnn_lib/data/names.toml)."""
        return names.header(self.name)

    @property
    def words(self) -> list[str]:
        """The word written for each choice, in order: the first word that reads as it."""
        first: dict[str, str] = {}
        for written, canonical in self.choices.items():
            first.setdefault(canonical, written)
        return list(first.values())

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header read as this column besides its name: its Indonesian name and aliases."""
        return tuple(dict.fromkeys([*names.headers(self.name), *self.aliases]))


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

YEAR = Column("year", "year", "Tahun penilaian, misalnya 2024.")
# A survey's year is its folder's; a year column, where a form or sheet has one, must agree.
SURVEY_YEAR = Column(
    "survey_year",
    "year",
    "Tahun survei (boleh dikosongkan); bila diisi, harus tahun foldernya.",
    required=False,
    blank_ok=True,
)
KABKOTA = Column(
    "kabkota_code", "kabkota", "Kode kab/kota Kemendagri sebagai teks, misalnya 11.01 (pilih dari daftar)."
)
KABKOTA_NAME = Column(
    "kabkota_name",
    "text",  # checked against the code on its row; read as the code where no code column exists
    "Nama kab/kota (boleh dikosongkan); bila diisi, harus sesuai dengan kodenya.",
    required=False,
    blank_ok=True,
)
PROVINCE = Column(
    "province_code",
    "province",
    "Kode atau nama provinsi (boleh dikosongkan); bila diisi, kab/kota harus berada di provinsi ini.",
    required=False,
    blank_ok=True,
)
KAWASAN = Column("kawasan_id", "id", "Kode unik kawasan (desa, kelurahan atau gampong).")


def respondent_columns(spec: IndexSpec) -> list[Column]:
    """The columns that describe a respondent: id, kab/kota, group and optional weight."""
    groups = ", ".join(spec.groups)
    return [
        Column("respondent_id", "id", "Nomor/kode unik responden; tidak boleh sama dalam satu tahun."),
        PROVINCE,
        KABKOTA,
        KABKOTA_NAME,
        Column("group", "group", f"Kelompok responden (unit observasi) menurut spesifikasi {spec.id}: {groups}."),
        Column(
            "weight",
            "number",
            "Bobot sampel responden (angka > 0); kosongkan bila semua responden berbobot sama.",
            required=False,
            blank_ok=True,
            gt=0,
        ),
        SURVEY_YEAR,
        Column(
            "consent",
            "choice",
            "Persetujuan responden (formulir survei): tidak = wawancara ditolak, baris ini tidak dihitung; "
            "kosong = ya.",
            required=False,
            blank_ok=True,
            choices=names.choices("consent", ["ya", "tidak"]),
        ),
    ]


def item_columns(spec: IndexSpec) -> list[Column]:
    """One answer column per questionnaire item of a survey spec (the wide table)."""
    group_names = {gid: g.name for gid, g in spec.groups.items()}
    columns = []
    for ind in spec.indicators:
        asked = ", ".join(group_names[g] for g in ind.groups)
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
            Column("respondent_id", "id", "Kode responden, seperti di tabel responden."),
            Column("item_id", "item", f"Kode butir pertanyaan menurut spesifikasi {spec.id}."),
            Column(
                "value", "answer", "Jawaban pada skala, atau kode tidak tahu; kosong = tidak dijawab.", blank_ok=True
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
                f"Ukuran kinerja: {', '.join(names.word('measure', m.id) for m in measures())}.",
                choices=names.choices("measure", [m.id for m in measures()]),
            ),
            Column("region_code", "region", "00 untuk nasional, kode/nama provinsi, atau kode kab/kota (mis. 11.06)."),
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
    phase = Column("phase", "choice", phase_help, choices=phases)
    return [KAWASAN, PROVINCE, KABKOTA, KABKOTA_NAME, YEAR, phase]


def _kawasan_columns(spec: IndexSpec) -> list[Column]:
    rule = spec.status_rule
    phases = "pemetaan (pemetaan rutin), sebelum (sebelum intervensi) atau sesudah (sesudah intervensi)."
    columns = [
        *_kawasan_keys(names.choices("phase", ["mapping", "before", "after"]), phases),
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


def _area_columns(spec: IndexSpec) -> list[Column]:
    phases = "sebelum (sebelum intervensi) atau sesudah (sesudah intervensi)."
    columns = _kawasan_keys(names.choices("phase", ["before", "after"]), phases)
    columns.append(
        Column(
            "intervened",
            "choice",
            "ya = kawasan program (diintervensi); tidak = kawasan pembanding di luar program, diukur dengan cara "
            "yang sama. Kosong = ya.",
            required=False,
            blank_ok=True,
            choices=names.choices("intervened", ["ya", "tidak"]),  # in the programme, or a comparison kawasan
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
