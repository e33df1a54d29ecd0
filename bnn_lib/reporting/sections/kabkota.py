"""The report of one kab/kota, for the head of its BNNK: its indices with band, interval and
rank, its variables and respondent groups, its kawasan, its outputs, its series and what is
uncertain. Every value is read from the saved results, its ranks too (ties share a rank)."""

from __future__ import annotations

import pandas as pd

from bnn_lib.regions import province_code, regions
from bnn_lib.reporting import charts, words
from bnn_lib.reporting.data import ReportData, suppress_small
from bnn_lib.reporting.fmt import angka, esc, persen
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.appendix import warnings_naming
from bnn_lib.reporting.sections.breaks import baseline
from bnn_lib.reporting.sections.components import (
    NATIONAL,
    Section,
    changes,
    chip,
    colors_of,
    html_table,
    intervals,
    value_of,
)
from bnn_lib.reporting.sections.effect import effect_sentences
from bnn_lib.reporting.words import short_name
from bnn_lib.sensitivity import rank_columns
from bnn_lib.spec import STATUSES, SURVEY_INDICES
from bnn_lib.uncertainty import bounds


def rank_in(row: pd.Series, where: str) -> tuple[int, int] | None:
    """The rank of a kab/kota (1 = highest) and how many were ranked, ``where`` "national" or
    "province", as the results give it (ties share a rank); None without a value."""
    rank = row.get(f"rank_{where}")
    return None if rank is None or pd.isna(rank) else (int(rank), int(row[f"n_ranked_{where}"]))


def summary(data: ReportData, code: str) -> Section:
    """Each survey index of the kab/kota on its headline scale: value, band, interval, ranks in
    its province and in the nation, change, and the province and nation beside it; then
    sentences."""
    province = province_code(code)
    rows, sentences = [], []
    since: set[int | None] = set()  # the years the indices are compared with
    for index in SURVEY_INDICES:
        row = data.index_row(index, code)
        if row is None or data.spec(index) is None:
            continue
        in_province, nationally = rank_in(row, "province"), rank_in(row, "national")
        shown = headline(data, index)
        value, (lo, hi) = shown.column("value_100"), bounds()
        interval = intervals(data, index)
        found = interval.loc[code] if code in interval.index else None
        base = baseline(data, index)
        since.add(base.year)
        delta = base.change(code)
        significant = changes(data, index)
        rows.append(
            {
                "index": f"{index.upper()} (skala {shown.scale})",
                "value": shown.value(row[value]),
                "band": chip(row["band"], colors_of(data, index)),
                "interval": "–" if found is None else shown.interval(found[lo], found[hi]),
                "rank_province": _rank_text(in_province),
                "rank_nation": _rank_text(nationally),
                "change": shown.change(delta)
                + (" *" if bool(significant.get(code, False)) and not pd.isna(delta) else ""),
                "around": " / ".join(
                    shown.value(value_of(data.region_row(f"{index}_regions", c), value)) for c in (province, NATIONAL)
                ),
            }
        )
        sentences.append(_sentence(data, index, code, row, (in_province, nationally), found))
    if not rows:
        names = " maupun ".join(i.upper() for i in SURVEY_INDICES)
        return Section.of(f"<p>Kab/kota ini tidak diukur {names} pada tahun ini.</p>")
    # Each index is compared with its own baseline (a back-cast across its method break, which
    # its sentence names); the heading says only the year, when they share one.
    since.discard(None)
    columns = [
        ("index", "Indeks"),
        ("value", "Nilai"),
        ("band", "Kategori"),
        ("interval", f"Selang {words.level()}"),
        ("rank_province", "Peringkat di provinsi"),
        ("rank_nation", "Peringkat nasional"),
        ("change", f"Perubahan dari {since.pop()}" if len(since) == 1 else "Perubahan"),
        ("around", "Provinsi / nasional"),
    ]
    numeric = {"value", "interval", "rank_province", "rank_nation", "change", "around"}
    note = (
        "<p class='note'>Peringkat 1 = "
        f"nilai tertinggi di antara kab/kota yang diukur. <b>*</b>: perubahan berbeda nyata dari nol (selang "
        f"{words.level()} perubahan tidak memuat nol).</p>"
    )
    items = "".join(f"<li>{s}</li>" for s in sentences)
    return Section.of(html_table(rows, columns, numeric) + note + f"<ul class='findings'>{items}</ul>")


def _rank_text(rank: tuple[int, int] | None) -> str:
    return "–" if rank is None else f"{rank[0]} dari {rank[1]}"


def _sentence(
    data: ReportData,
    index: str,
    code: str,
    row: pd.Series,
    rank: tuple[tuple[int, int] | None, tuple[int, int] | None],
    interval: pd.Series | None,
) -> str:
    """One index of the kab/kota in plain words, on its headline scale (escaped)."""
    in_province, nationally, shown = *rank, headline(data, index)
    text = (
        f"{index.upper()} {esc(short_name(code))} tahun {data.year} sebesar "
        f"<b>{shown.value(row[shown.column('value_100')])}</b> (skala {shown.scale}), "
        f"kategori <b>{esc(row['band'])}</b>"
    )
    if in_province and nationally:
        text += (
            f"; peringkat {in_province[0]} dari {in_province[1]} kab/kota di Provinsi "
            f"{esc(regions().province_of(code).name)} dan {nationally[0]} dari {nationally[1]} secara nasional"
        )
    base = baseline(data, index)
    text += base.movement(code) + "."
    if interval is not None and bool(interval["uncertain"]):
        text += (
            f" Kategorinya <b>belum pasti</b>: nilainya dekat batas kategori, sehingga dengan responden lain "
            f"kategorinya bisa berbeda (peluangnya di bawah {words.level()})."
        )
    if bool(row.get("small_cell", False)):
        text += (
            f" Nilai ini berasal dari {angka(row['n_respondents'], 0)} responden saja, kurang dari batas "
            f"{angka(data.min_cell(index), 0)}: bacalah dengan hati-hati; data publik tidak memuatnya."
        )
    earlier = base.earlier_values(code)
    return text + (f" {earlier}" if earlier else "")


def profile(data: ReportData, code: str) -> Section:
    """The kab/kota's score on each IKOTAN variable beside its province and the nation."""
    spec, variables = data.spec("ikotan"), data.table("ikotan_variables")
    regional = data.table("ikotan_variable_regions")
    if spec is None or variables is None or regional is None:
        return Section()
    shown = headline(data, "ikotan")
    score = shown.column("score_100")
    own = variables[variables["kabkota_code"] == code].set_index("variable_id")[score]
    if own.empty:
        return Section()
    province = regional[regional["region_code"] == province_code(code)].set_index("variable_id")[score]
    national = regional[regional["region_code"] == NATIONAL].set_index("variable_id")[score]
    names = {v.id: v.name for v in spec.variables if v.id in own.index}
    chart = charts.paired_bars(
        data=pd.DataFrame(
            {
                short_name(code): [own.get(v, float("nan")) for v in names],
                "Nasional": [national.get(v, float("nan")) for v in names],
            },
            index=list(names.values()),
        ),
        title=f"Profil variabel {spec.index}, {short_name(code)}",
        scale=shown.span,
        decimals=shown.decimals,
    ).figure
    rows = [
        {
            "label": esc(name),
            "own": shown.value(own.get(v)),
            "province": shown.value(province.get(v)),
            "national": shown.value(national.get(v)),
        }
        for v, name in names.items()
    ]
    columns = [
        ("label", "Variabel"),
        ("own", esc(short_name(code))),
        ("province", f"Provinsi {esc(regions().province_of(code).name)}"),
        ("national", "Nasional"),
    ]
    return Section.of(
        chart,
        html_table(rows, columns, {"own", "province", "national"})
        + f"<p class='note'>Skor variabel pada skala {shown.scale}; {words.variables(spec)}.</p>",
    )


def groups(data: ReportData, code: str) -> Section:
    """Each respondent group's score on each IKOTAN indicator, and IKP by environment, blanked
    where a group has fewer respondents than the spec's minimum cell."""
    parts = [_ikotan_groups(data, code), _ikp_environments(data, code)]
    return sum(parts, Section())


def _ikotan_groups(data: ReportData, code: str) -> Section:
    spec, table = data.spec("ikotan"), data.table("ikotan_groups")
    if spec is None or table is None:
        return Section()
    own = suppress_small(table[table["kabkota_code"] == code], ["score"])
    if own.empty:
        return Section()
    group_names = {g: spec.groups[g].name if g in spec.groups else g for g in own["group"].unique()}
    wide = own.set_index(["indicator_id", "group"])["score"].unstack("group")
    heads = own.drop_duplicates("group").set_index("group")["n_respondents"]  # the same on each indicator
    names = {i.id: i.name for i in spec.indicators}
    rows = [
        {"label": esc(names.get(i, i)), **{g: angka(wide.loc[i].get(g), 2) for g in group_names}}
        for i in names
        if i in wide.index
    ]
    rows.append({"label": "<i>Jumlah responden</i>", **{g: angka(heads.get(g), 0) for g in group_names}})
    columns = [("label", "Indikator"), *((g, esc(n)) for g, n in group_names.items())]
    return Section.of(
        "<h3>IKOTAN menurut kelompok responden</h3>",
        html_table(rows, columns, set(group_names))
        + f"<p class='note'>Skor indikator tiap kelompok pada skala {words.score_scale(data, 'ikotan')}. Tanda – : "
        f"kelompok itu tidak ditanya indikator tersebut, atau respondennya kurang dari "
        f"{angka(data.min_cell('ikotan'), 0)} orang sehingga skornya tidak ditampilkan.</p>",
    )


def _ikp_environments(data: ReportData, code: str) -> Section:
    spec, table = data.spec("ikp"), data.table("ikp_environments")
    if spec is None or table is None:
        return Section()
    own = suppress_small(table[table["kabkota_code"] == code], ["value", "value_100"])
    if own.empty:
        return Section()
    shown = headline(data, "ikp")
    rows = [
        {
            "label": esc(spec.groups[r.group].name if r.group in spec.groups else r.group),
            "value": shown.value(getattr(r, shown.column("value_100"))),
            "n": angka(r.n_respondents, 0),
        }
        for r in own.itertuples()
    ]
    columns = [("label", "Lingkungan"), ("value", f"IKP (skala {shown.scale})"), ("n", "Responden")]
    return Section.of(
        "<h3>IKP menurut lingkungan</h3>",
        html_table(rows, columns, {"value", "n"})
        + f"<p class='note'>Nilai lingkungan dengan kurang dari {angka(data.min_cell('ikp'), 0)} responden tidak "
        "ditampilkan.</p>",
    )


def kawasan(data: ReportData, code: str) -> Section:
    """The kab/kota's kawasan rawan: the year's mapping, each intervened kawasan before and
    after, and its kawasan of cannabis cultivation where there are any."""
    parts = []
    status = data.table("ikkrn_status")
    mapped = None if status is None else status[status["kabkota_code"] == code]
    if mapped is not None and len(mapped):
        m = mapped.iloc[0]
        counts = ", ".join(f"{s.capitalize()} {angka(m[s], 0)}" for s in STATUSES if s in m)
        parts.append(
            f"<p>Pemetaan {data.year}: {angka(m['n_kawasan'], 0)} kawasan ({counts}); kawasan rawan "
            f"({words.rawan(data)}): <b>{angka(m['n_rawan'], 0)}</b>.</p>"
        )
    recovery = data.table("ikkrn_recovery")
    own = None if recovery is None else recovery[recovery["kabkota_code"] == code]
    if own is not None and len(own):
        shown = headline(data, "ikkrn")
        rows = [
            {
                "id": esc(r.kawasan_id),
                "before": esc(r.status_before),
                "after": esc(r.status_after),
                "pulih": _yes_no(r.pulih),
                "delta": shown.change(r.delta),
            }
            for r in own.itertuples()
        ]
        columns = [
            ("id", "Kawasan"),
            ("before", "Status sebelum"),
            ("after", "Status sesudah"),
            ("pulih", "Pulih"),
            ("delta", f"Perubahan skor IKKRN ({shown.scale})"),
        ]
        region = data.table("ikkrn_regions")
        rate = region[(region["region_code"] == code)] if region is not None else pd.DataFrame()
        summary_text = ""
        if len(rate):
            r = rate.iloc[0]
            lo, hi = bounds()
            counted = f"{angka(r['n_pulih'], 0)} dari {angka(r['n_decided'], 0)} kawasan"
            summary_text = (
                f" Pulih: <b>{counted}</b>; terlalu sedikit untuk dinyatakan sebagai persentase."
                if r["few"]
                else f" Tingkat keterpulihan: <b>{persen(r['recovery_rate'])}</b> ({counted}; selang {words.level()} "
                f"{angka(r[lo], 0)}–{angka(r[hi], 0)} %). Dengan sedikit kawasan, selangnya lebar."
            )
        parts += [
            html_table(rows, columns, {"delta"}),
            f"<p class='note'>{words.recovery_rule(data, 'ikkrn')}{summary_text}</p>",
        ]
    parts.append(_ikktt(data, code))
    parts += [f"<p>{sentence}</p>" for sentence in effect_sentences(data, code)]
    if not any(parts):
        return Section.of(f"<p>Tidak ada data kawasan rawan untuk kab/kota ini pada tahun {data.year}.</p>")
    return Section.of("".join(parts))


def _ikktt(data: ReportData, code: str) -> str:
    table = data.table("ikktt_recovery")
    own = None if table is None else table[table["kabkota_code"] == code]
    if own is None or own.empty:
        return ""
    shown = headline(data, "ikktt")
    rows = [
        {
            "id": esc(r.kawasan_id),
            "before": shown.value(r.value_before),
            "after": shown.value(r.value_after),
            "pulih": _yes_no(r.pulih),
        }
        for r in own.itertuples()
    ]
    scale = shown.scale
    columns = [
        ("id", "Kawasan"),
        ("before", f"Skor sebelum ({scale})"),
        ("after", f"Skor sesudah ({scale})"),
        ("pulih", "Pulih"),
    ]
    return (
        "<h3>Kawasan tanaman terlarang (IKKTT)</h3>"
        + html_table(rows, columns, {"before", "after"})
        + f"<p class='note'>{words.recovery_rule(data, 'ikktt')}</p>"
    )


def _yes_no(value: object) -> str:
    return "–" if pd.isna(value) else "ya" if value else "tidak"


def uncertain(data: ReportData, code: str) -> Section:
    """What is uncertain about the kab/kota's numbers, in plain words."""
    items = []
    for index in SURVEY_INDICES:
        row = data.index_row(index, code)
        interval = intervals(data, index)
        if row is None or code not in interval.index:
            continue
        found, shown = interval.loc[code], headline(data, index)
        items.append(
            f"{index.upper()} dihitung dari {angka(row['n_respondents'], 0)} responden. Dengan responden lain "
            f"nilainya (skala {shown.scale}) bisa berkisar {shown.interval(*found[list(bounds())])} "
            f"(selang {words.level()})."
        )
    ranked = data.table("ikotan_rank_intervals")
    if ranked is not None and code in set(ranked["kabkota_code"]):
        r = ranked[ranked["kabkota_code"] == code].iloc[0]
        low, high = rank_columns()
        items.append(
            f"Sebagian unsur metode IKOTAN ditetapkan sebagai asumsi. Bila asumsi itu diubah, peringkat nasional "
            f"kab/kota ini berkisar {angka(r[low], 0)}–{angka(r[high], 0)} (selang {words.rank_interval()}) dan "
            f"kategorinya berubah pada {persen(100 * r['share_other_band'], 0)} simulasi."
        )
    assumed = {i: len(s.get("assumptions", [])) for i, s in data.meta.get("specs", {}).items()}
    if assumed:
        counted = ", ".join(f"{i.upper()} {n}" for i, n in assumed.items())
        items.append(f"Unsur metode yang masih berupa asumsi (lihat Lampiran metode): {counted}.")
    if warnings_naming(data, {code}):
        items.append("Data masukan kab/kota ini memuat hal yang perlu diperiksa: lihat Peringatan data.")
    if not items:
        return Section()
    return Section.of("<ul class='findings'>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
