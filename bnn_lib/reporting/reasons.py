"""The findings of the priority list (the results' ``prioritas`` table) in words: a name for
each rule, and each finding as one sentence with the number and the interval behind it. The
reports and the workbook say them alike."""

from __future__ import annotations

import pandas as pd

from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen
from bnn_lib.reporting.headline import headline

# The rules whose findings are counts of kawasan, on no index's scale.
COUNTED = {"rawan_not_intervened", "relapsed"}
# Each rule of the priority list in a word, for a column that sorts and filters.
REASON_NAMES = {
    "below_success": "di bawah kategori sukses",
    "below_target": "di bawah target",
    "may_fall": "dapat jatuh di bawah kategori sukses",
    "declining": "turun dua tahun berturut-turut",
    "weak_variable": "variabel tertinggal",
    "weak_group": "kelompok responden tertinggal",
    "rawan_not_intervened": "kawasan rawan belum diintervensi",
    "relapsed": "kawasan pulih kembali rawan",
}


def on_a_scale(data: ReportData, row) -> bool:
    """Whether a finding's numbers are an index's (on its headline scale), not kawasan counts."""
    return row.reason not in COUNTED and data.spec(row.index) is not None


def reason(data: ReportData, row) -> str:
    """One finding of the ``prioritas`` table as a sentence with its evidence on its index's
    headline scale (escaped)."""
    if not on_a_scale(data, row):
        return _kawasan(data, row)
    index, shown = str(row.index).upper(), headline(data, row.index)
    value, lo, hi, reference = (getattr(row, shown.column(c)) for c in ("value", "lo95", "hi95", "reference"))
    interval = f"selang {words.level()}: {shown.interval(lo, hi)}"
    if row.reason == "below_success":
        return (
            f"{index} {shown.value(value)} ({interval}) di bawah batas kategori "
            f"{esc(words.success_band(data, row.index))} ({shown.value(reference)}); hanya "
            f"{persen(100 * row.probability, 0)} replikasi bootstrap mencapainya"
        )
    if row.reason == "below_target":
        return f"{index} {shown.value(value)} ({interval}) di bawah targetnya ({shown.value(reference)})"
    if row.reason == "may_fall":
        return (
            f"{index} {shown.value(value)} dekat batas kategori {esc(words.success_band(data, row.index))} "
            f"({shown.value(reference)}): dalam {persen(100 * row.probability, 0)} replikasi bootstrap berada di "
            "bawahnya"
        )
    if row.reason == "declining":
        return (
            f"{index} turun dua tahun berturut-turut: {shown.change(reference)} poin tahun lalu dan "
            f"{shown.change(value)} poin tahun ini ({interval})"
        )
    if row.reason in ("weak_variable", "weak_group"):
        return _weak(data, row, interval)
    return esc(row.reason)


def _kawasan(data: ReportData, row) -> str:
    """A finding about kawasan: counts, no scale."""
    if row.reason == "rawan_not_intervened":
        return (
            f"{angka(row.count, 0)} kawasan rawan ({words.rawan(data)}) dalam pemetaan {data.year}, tidak satu pun "
            "diintervensi tahun ini"
        )
    if row.reason == "relapsed":
        among = "antara lain " if row.count > len(str(row.component).split(", ")) else ""
        return (
            f"{angka(row.count, 0)} kawasan yang pulih setelah intervensi kembali rawan dalam pemetaan {data.year}: "
            f"{among}{esc(row.component)}"
        )
    return esc(row.reason)


def _weak(data: ReportData, row, interval: str) -> str:
    """A variable or respondent group below the same nationally."""
    spec = data.spec(row.index)
    if row.reason == "weak_variable":
        names = {v.id: v.name for v in spec.variables} if spec is not None else {}
        what = f"variabel {esc(names.get(row.component, row.component))}"
        national = "rata-rata nasional"
    else:
        group = spec.groups.get(row.component) if spec is not None else None
        what = f"kelompok {esc(group.name if group else row.component)}"
        national = "kelompok yang sama secara nasional"
    shown = headline(data, row.index)
    score, gap, reference = (getattr(row, shown.column(c)) for c in ("score", "value", "reference"))
    told = f"{what} {shown.value(score)}, yaitu {shown.value(-gap)} poin di bawah {national} "
    told += f"{shown.value(reference)} ({interval} untuk selisihnya)"
    if not pd.isna(row.count):
        told += f"; {angka(row.count, 0)} responden"
    return told
