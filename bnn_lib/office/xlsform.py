"""Survey forms: an XLSForm (the form definition KoboToolbox and ODK deploy) from a survey spec.

The form asks, in order: the enumerator's name, the interview date (today by default) and the
respondent's consent, which ends the form when refused (every later question is ``relevant``
only after a yes); then the province, the kab/kota (a cascade: only the kab/kota of the chosen
province, by ``choice_filter``), the respondent group, and each variable of the spec as a group
of ``select_one`` questions on the spec's scale plus its missing code. An item is shown only to
the respondent groups the spec asks it of (``relevant``), and is ``required`` where the scale
has a "tidak tahu" code to give instead of an answer. Question names are the column
names and item ids of the input tables, so an export of the form is read back as it stands: its
headers are ``<variable>/<item>`` (KoboToolbox) or ``<variable>-<item>`` (ODK Central), and the
submission id stands in for the respondent id. The enumerator and the date are read as the
tools' own columns (set apart); a refused interview is left out.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from bnn_lib.intake import names
from bnn_lib.regions import regions
from bnn_lib.spec import IndexSpec, Indicator, Item, SpecError
from bnn_lib.writing import save_workbook, write_rows

SURVEY = ["type", "name", "label", "hint", "required", "relevant", "choice_filter", "default", "required_message"]
CHOICES = ["list_name", "name", "label", "provinsi"]
# The interview's own questions, before the spec's: who asked, when, and whether the respondent
# agreed. A refusal ends the form: every later question is relevant only after a yes, and the
# reader leaves a refused interview out (its consent column, :mod:`bnn_lib.intake.tables`).
ENUMERATOR, DATE, END = "nama_pencacah", "tanggal_wawancara", "wawancara_selesai"
CONSENT = names.header("consent")
AGREED = f"${{{CONSENT}}} = 'ya'"
REQUIRED = "Wajib diisi."


# The labels of the form's own questions: a survey tool exporting "labels" writes them as headers.
LABELS = {
    "province_code": "Provinsi",
    "kabkota_code": "Kabupaten/Kota",
    "group": "Kelompok responden",
    "consent": "Responden bersedia diwawancarai?",
}


def item_label(indicator: Indicator, item: Item) -> str:
    """The label of an item's question in the form: its text, else its indicator and id."""
    return item.text or f"{indicator.name} ({item.id})"


def question_labels(spec: IndexSpec) -> dict[str, str]:
    """Every question's label in the form of ``spec`` → its name (the column or item id):
    an export with labels as headers is read back through it."""
    labels = {label: name for name, label in LABELS.items()}
    for indicator in spec.indicators:
        labels |= {item_label(indicator, item): item.id for item in indicator.items}
    return labels


def form_rows(spec: IndexSpec, province: str | None = None) -> tuple[list[list], list[list]]:
    """The ``survey`` and ``choices`` rows of the form of ``spec`` (optionally one province)."""
    if spec.kind != "survey":
        raise SpecError(f"{spec.id}: formulir hanya dapat dibuat untuk indeks survei, bukan indeks {spec.kind}")
    registry = regions()
    provinces = registry.province_table
    kabkota = registry.kabkota_table
    if province:
        code = registry.province(province).code
        provinces = provinces[provinces["code"] == code]
        kabkota = kabkota[kabkota["province_code"] == code]
    # Every item is required where the scale has a "tidak tahu" code: a respondent who cannot
    # answer picks it, and a skipped item is a mistake the form stops.
    unknown = _unknown_words(spec)
    item_required, item_message = ("yes", f"Wajib dijawab; pilih {unknown} bila tidak tahu.") if unknown else ("", "")
    survey = [
        ["text", ENUMERATOR, "Nama pencacah", "", "yes", "", "", "", REQUIRED],
        ["date", DATE, "Tanggal wawancara", "", "yes", "", "", "today()", REQUIRED],
        ["select_one ya_tidak", CONSENT, LABELS["consent"], "", "yes", "", "", "", REQUIRED],
        [
            "note",
            END,
            "Responden tidak bersedia: wawancara selesai. Simpan formulir.",
            "",
            "",
            f"${{{CONSENT}}} = 'tidak'",
            "",
            "",
            "",
        ],
        ["select_one provinsi", "province_code", LABELS["province_code"], "", "yes", AGREED, "", "", REQUIRED],
        [
            "select_one kabkota",
            "kabkota_code",
            LABELS["kabkota_code"],
            "",
            "yes",
            AGREED,
            "provinsi=${province_code}",
            "",
            REQUIRED,
        ],
        ["select_one kelompok", "group", LABELS["group"], "", "yes", AGREED, "", "", REQUIRED],
    ]
    for variable in spec.variables:
        asked = sorted({g for ind in variable.indicators for g in ind.groups}, key=list(spec.groups).index)
        shown = f"{AGREED} and ({_shown_to(asked)})"
        survey.append(["begin_group", variable.id, variable.name, "", "", shown, "", "", ""])
        for indicator in variable.indicators:
            for item in indicator.items:
                label = item_label(indicator, item)
                row = ["select_one skala", item.id, label, indicator.name, item_required, _shown_to(indicator.groups)]
                survey.append([*row, "", "", item_message])
        survey.append(["end_group", "", "", "", "", "", "", "", ""])
    choices = [["ya_tidak", "ya", "Ya", ""], ["ya_tidak", "tidak", "Tidak", ""]]
    choices += [["provinsi", r.code, r.name, ""] for r in provinces.itertuples()]
    choices += [["kabkota", r.code, registry.label(r.code), r.province_code] for r in kabkota.itertuples()]
    choices += [["kelompok", gid, group.name, ""] for gid, group in spec.groups.items()]
    choices += [["skala", f"{value:g}", label, ""] for value, label in spec.scale.choices()]
    return survey, choices


def _unknown_words(spec: IndexSpec) -> str:
    """The "tidak tahu" choices of the scale, quoted ('Tidak tahu'), or "" where it has none."""
    points = set(spec.scale.points)
    return " atau ".join(f"'{label}'" for value, label in spec.scale.choices() if value not in points)


def _shown_to(groups: list[str]) -> str:
    """The ``relevant`` expression: the respondent's group is one of ``groups``."""
    return " or ".join(f"${{group}} = '{g}'" for g in groups)


def write_form(spec: IndexSpec, out: Path, province: str | None = None) -> Path:
    """Write the XLSForm of a survey spec to ``out`` (an ``.xlsx`` path)."""
    survey, choices = form_rows(spec, province)
    book = Workbook()
    write_rows(book.active, SURVEY, survey, filters=False)
    book.active.title = "survey"
    write_rows(book.create_sheet("choices"), CHOICES, choices, filters=False)
    settings = [[f"{spec.index} — {spec.title}", spec.id.replace("-", "_"), spec.version, "id"]]
    write_rows(book.create_sheet("settings"), ["form_title", "form_id", "version", "default_language"], settings)
    return save_workbook(book, Path(out))
