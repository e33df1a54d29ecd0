"""Prioritas tindak lanjut: where to act next, as the results' ``prioritas`` table lists it.

For the nation and a province, the kab/kota most in need with their reasons; for a kab/kota, its
own weakest points. Each reason is one sentence with the number and the interval behind it; the
rules and their thresholds are stated from the rules file the results were computed with."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from bnn_lib.regions import regions
from bnn_lib.reporting import is_kabkota, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.reasons import reason
from bnn_lib.reporting.sections.components import NATIONAL, Section, html_table, linked_name
from bnn_lib.reporting.words import place_name


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
    listed_order = rows[["rank", "kabkota_code"]].drop_duplicates().sort_values(["rank", "kabkota_code"])
    listed = len(listed_order)  # the kab/kota the list shows
    flagged = int(rows["n_flagged"].iloc[0])
    where = "secara nasional" if own == NATIONAL else f"di Provinsi {esc(regions().province(own).name)}"
    intro = (
        f"<p><b>{flagged}</b> kab/kota {where} memenuhi sedikitnya satu aturan prioritas. "
        f"{'Semuanya' if listed == flagged else f'{listed} teratas'}, diurutkan menurut banyaknya alasan:</p>"
    )
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
    scales = " / ".join(dict.fromkeys(headline(data, i).scale for i in ("ikotan", "ikp") if data.spec(i)))
    return (
        f"<p class='note'>Nilai indeks, selisih dan perubahan pada skala {scales}. Aturan prioritas {rules}: "
        "ambang aturannya ditetapkan oleh perangkat ini, bukan oleh BNN (lihat Lampiran metode). Setiap alasan "
        f"menyebut angka dan selang {words.level()} di baliknya; yang tidak didukung data tidak dicantumkan.</p>"
    )
