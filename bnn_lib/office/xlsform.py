"""Survey forms: an XLSForm (the form definition KoboToolbox and ODK deploy) from a survey spec.

The form asks, in order: the province, the kab/kota (a cascade: only the kab/kota of the chosen
province, by ``choice_filter``), the respondent group, then each variable of the spec as a
group of ``select_one`` questions on the spec's scale plus its missing code. An item is shown
only to the respondent groups the spec asks it of (``relevant``). Question names are the column
names and item ids of the input tables, so an export of the form is read back as it stands: its
headers are ``<variable>/<item>`` (KoboToolbox) or ``<variable>-<item>`` (ODK Central), and the
submission id stands in for the respondent id.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from bnn_lib.regions import regions
from bnn_lib.spec import IndexSpec, Indicator, Item, SpecError
from bnn_lib.writing import save_workbook, write_rows

SURVEY = ["type", "name", "label", "hint", "required", "relevant", "choice_filter"]
CHOICES = ["list_name", "name", "label", "provinsi"]


# The labels of the form's own questions: a survey tool exporting "labels" writes them as headers.
LABELS = {"province_code": "Provinsi", "kabkota_code": "Kabupaten/Kota", "group": "Kelompok responden"}


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
        raise SpecError(f"{spec.id}: a form can be made for a survey index only, not a {spec.kind} index")
    registry = regions()
    provinces = registry.province_table
    kabkota = registry.kabkota_table
    if province:
        code = registry.province(province).code
        provinces = provinces[provinces["code"] == code]
        kabkota = kabkota[kabkota["province_code"] == code]
    survey = [
        ["select_one provinsi", "province_code", LABELS["province_code"], "", "yes", "", ""],
        ["select_one kabkota", "kabkota_code", LABELS["kabkota_code"], "", "yes", "", "provinsi=${province_code}"],
        ["select_one kelompok", "group", LABELS["group"], "", "yes", "", ""],
    ]
    for variable in spec.variables:
        asked = sorted({g for ind in variable.indicators for g in ind.groups}, key=list(spec.groups).index)
        survey.append(["begin_group", variable.id, variable.name, "", "", _shown_to(asked), ""])
        for indicator in variable.indicators:
            for item in indicator.items:
                label = item_label(indicator, item)
                survey.append(["select_one skala", item.id, label, indicator.name, "", _shown_to(indicator.groups), ""])
        survey.append(["end_group", "", "", "", "", "", ""])
    choices = [["provinsi", r.code, r.name, ""] for r in provinces.itertuples()]
    choices += [["kabkota", r.code, registry.label(r.code), r.province_code] for r in kabkota.itertuples()]
    choices += [["kelompok", gid, group.name, ""] for gid, group in spec.groups.items()]
    choices += [["skala", f"{value:g}", label, ""] for value, label in spec.scale.choices()]
    return survey, choices


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
