"""Prioritas tindak lanjut: where to act next, as the results' ``prioritas`` table lists it.

For the nation and a province, the kab/kota most in need with their reasons; for a kab/kota, its
own weakest points. Each reason is one sentence with the number and the interval behind it; the
rules and their thresholds are stated from the rules file the results were computed with."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import is_kabkota
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen, selang, selisih
from bnn_lib.reporting.sections import method
from bnn_lib.reporting.sections.components import NATIONAL, Section, html_table, linked_name, place_name

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


def priorities(data: ReportData, code: str | None, linked: Collection[str] | None = None) -> Section:
    """The priority list of the nation (``code`` None), a province or a kab/kota. A kab/kota's
    name links to its report: those in ``linked``, or with None those in the year's folder."""
    table = data.table("prioritas")
    if table is None:
        return Section.of("<p>Daftar prioritas tidak dihitung untuk tahun ini.</p>")
    own = code or NATIONAL
    rows = table[table["code"] == own]
    rules = _rules_note(data, table)
    if rows.empty:
        return Section.of(
            f"<p>Tidak ada temuan yang memenuhi aturan prioritas untuk {esc(place_name(code))} tahun {data.year}: "
            f"tidak ada angka yang cukup pasti untuk menunjuk tindak lanjut tertentu.</p>{rules}"
        )
    if is_kabkota(own):
        items = "".join(f"<li>{reason(data, r)}</li>" for r in rows.itertuples())
        return Section.of(
            f"<p>Yang perlu ditindaklanjuti di {esc(regions().label(own))}, dari yang terberat:</p>"
            f"<ol class='findings'>{items}</ol>{rules}"
        )
    listed = len(set(rows["kabkota_code"]))
    flagged = int(rows["n_flagged"].iloc[0])
    where = "secara nasional" if own == NATIONAL else f"di Provinsi {esc(regions().province(own).name)}"
    intro = (
        f"<p><b>{flagged}</b> kab/kota {where} memenuhi sedikitnya satu aturan prioritas. "
        f"{'Semuanya' if listed == flagged else f'{listed} teratas'}, diurutkan menurut banyaknya alasan:</p>"
    )
    listed_order = rows[["rank", "kabkota_code"]].drop_duplicates().sort_values(["rank", "kabkota_code"])
    entries = [
        {
            "rank": angka(rank, 0),
            "name": linked_name(data, kabkota, regions().label(kabkota), linked),
            "reasons": "<ul class='reasons'>"
            + "".join(f"<li>{reason(data, r)}</li>" for r in rows[rows["kabkota_code"] == kabkota].itertuples())
            + "</ul>",
        }
        for rank, kabkota in listed_order.itertuples(index=False)
    ]
    columns = [("rank", "No."), ("name", "Kab/Kota"), ("reasons", "Alasan")]
    return Section.of(intro + html_table(entries, columns, {"rank"}) + rules)


def _rules_note(data: ReportData, table: pd.DataFrame) -> str:
    """The scale of the numbers, which rules made the list, and that their thresholds are the suite's."""
    rules = f"{esc(table['rules_id'].iloc[0])} versi {esc(table['rules_version'].iloc[0])}"
    scales = " / ".join(dict.fromkeys(method.report_scale(data, i) for i in ("ikotan", "ikp") if data.spec(i)))
    return (
        f"<p class='note'>Nilai indeks, selisih dan perubahan pada skala {scales}. Aturan prioritas {rules}: "
        "ambang aturannya ditetapkan oleh perangkat ini, bukan oleh BNN (lihat catatan metodologi). Setiap alasan "
        f"menyebut angka dan selang {method.level()} di baliknya; yang tidak didukung data tidak dicantumkan.</p>"
    )


def reason(data: ReportData, row) -> str:
    """One finding of the ``prioritas`` table as a sentence with its evidence (escaped)."""
    index = str(row.index).upper()
    interval = f"selang {method.level()}: {selang(row.lo95, row.hi95)}"
    if row.reason == "below_success":
        return (
            f"{index} {angka(row.value, 1)} ({interval}) di bawah batas kategori "
            f"{esc(method.success_band(data, row.index))} ({angka(row.reference, 1)}); hanya "
            f"{persen(100 * row.probability, 0)} replikasi bootstrap mencapainya"
        )
    if row.reason == "below_target":
        return f"{index} {angka(row.value, 1)} ({interval}) di bawah targetnya ({angka(row.reference, 1)})"
    if row.reason == "may_fall":
        return (
            f"{index} {angka(row.value, 1)} dekat batas kategori {esc(method.success_band(data, row.index))} "
            f"({angka(row.reference, 1)}): dalam {persen(100 * row.probability, 0)} replikasi bootstrap berada di "
            "bawahnya"
        )
    if row.reason == "declining":
        return (
            f"{index} turun dua tahun berturut-turut: {selisih(row.reference, 1)} poin tahun lalu dan "
            f"{selisih(row.value, 1)} poin tahun ini ({interval})"
        )
    if row.reason in ("weak_variable", "weak_group"):
        return _weak(data, row, interval)
    if row.reason == "rawan_not_intervened":
        return (
            f"{angka(row.count, 0)} kawasan rawan ({method.rawan(data)}) dalam pemetaan {data.year}, tidak satu pun "
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
    told = f"{what} {angka(row.score, 1)}, yaitu {angka(-row.value, 1)} poin di bawah {national} "
    told += f"{angka(row.reference, 1)} ({interval} untuk selisihnya)"
    if not pd.isna(row.count):
        told += f"; {angka(row.count, 0)} responden"
    return told
