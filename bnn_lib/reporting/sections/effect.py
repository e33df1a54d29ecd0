"""Did the programme work: the effect of the intervention beside the recovery rate, as the
results' ``ikkrn_effect`` and ``ikktt_effect`` tables give it (docs/methodology.md §12), and the
programme outputs beside the change of the outcome indices (``output_association``, §12.5)."""

from __future__ import annotations

import pandas as pd

from bnn_lib import measures
from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, bertanda, esc, persen, selang, selisih
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.components import Section, html_table
from bnn_lib.reporting.words import short_name

# What a comparison kawasan is matched on, in words (the ``strata`` column of the results).
STRATA_WORDS = {"status": "status awal", "province": "provinsi", "kabkota": "kab/kota"}


def effect_row(data: ReportData, index: str, code: str) -> pd.Series | None:
    """The effect row of region ``code`` ("00", a province or a kab/kota code), if any."""
    table = data.table(f"{index}_effect")
    if table is None:
        return None
    rows = table[table["code"] == code]
    return rows.iloc[0] if len(rows) else None


def success(data: ReportData, index: str) -> str:
    """What success is under the spec's recovery rule, as a sentence says it of a kawasan."""
    rule = data.spec(index).recovery.rule
    return {"strict": "keluar dari status rawan", "any_improvement": "statusnya membaik"}.get(rule, "pulih")


def matched_on(strata: str) -> str:
    """ "status awal dan provinsi yang sama" from the results' ``strata`` ("status+province")."""
    words = [STRATA_WORDS.get(s, s) for s in str(strata).split("+") if s]
    return f"{' dan '.join(words)} yang sama" if words else "wilayah yang sama"


def rate(row, side: str) -> str:
    """One side's rate as a reader should see it: "48 %" (standardised, from the results) or,
    from few kawasan, "2 dari 4 kawasan"."""
    n, k = row[f"n_{side}"], row[f"n_pulih_{side}"]
    if pd.isna(n) or not n:
        return "–"
    return f"{angka(k, 0)} dari {angka(n, 0)} kawasan" if row["few"] else persen(row[f"rate_{side}"], 0)


def effect_sentences(data: ReportData, code: str) -> list[str]:
    """The effect of each kawasan index in region ``code``, in plain words (escaped)."""
    return [s for index in ("ikkrn", "ikktt") if (s := _sentence(data, index, code))]


def _sentence(data: ReportData, index: str, code: str) -> str:
    row = effect_row(data, index, code)
    if row is None:
        return ""
    name, what, cohort = index.upper(), success(data, index), int(row["cohort"])
    shown = headline(data, index)
    if row["start_year"] != row["end_year"]:
        start, end = int(row["start_year"]), int(row["end_year"])
        window = f"kawasan yang diintervensi pada {cohort}, dibaca dari pemetaan {start} dan {end}"
        later = f" Kawasan yang diintervensi pada {data.year} dinilai dengan pemetaan {data.year + end - cohort}."
    else:
        window, later = f"kawasan program dan kawasan pembanding di luar program, {cohort}", ""
    if row["missing"]:
        missing = esc(row["missing"])
        return f"Efek intervensi {name} ({window}) belum dapat ditaksir: pemetaan {missing} tidak tersedia.{later}"
    if pd.isna(row["n_intervened"]) or not row["n_intervened"]:
        return ""
    treated, compared = rate(row, "intervened"), rate(row, "comparison")
    if row["few"]:
        return (
            f"Efek intervensi {name} ({window}) belum dapat ditaksir di wilayah ini: kawasannya terlalu sedikit "
            f"({treated} yang diintervensi {what}; pembanding: {compared}).{later}"
        )
    interval = selang(row["ci_low"], row["ci_high"], 0)
    text = (
        f"Efek intervensi {name} ({window}): {treated} kawasan yang diintervensi {what}; tanpa intervensi "
        f"{compared} (kawasan pembanding dengan {matched_on(row['strata'])}); selisih "
        f"<b>{selisih(row['effect'], 0)} poin</b> (selang {words.level()}: {interval})."
    )
    published = _rate_of(data, index, code, cohort)
    if published is not None:
        text += (
            f" Tingkat keterpulihan terbit {cohort} ({persen(published, 0)}) ikut menghitung kawasan yang "
            f"{what} tanpa intervensi dan kawasan yang terpilih karena satu pemetaan yang kebetulan buruk."
        )
    if not pd.isna(row["did"]):
        text += (
            f" Skor {name} ({shown.scale}) kawasan yang diintervensi berubah "
            f"{shown.change(row['change_intervened'])} poin, pembanding {shown.change(row['change_comparison'])}: "
            f"selisih {shown.change(row['did'])} poin (selang {words.level()}: "
            f"{shown.interval(row['did_ci_low'], row['did_ci_high'])})."
        )
    if row.get("n_excluded", 0) and not pd.isna(row["n_excluded"]):
        text += (
            f" {angka(row['n_excluded'], 0)} kawasan yang diintervensi tidak ikut dibandingkan: tidak rawan atau tidak "
            "diketahui statusnya pada pemetaan awal, atau tidak dipetakan pada akhirnya."
        )
    return text + later


def _rate_of(data: ReportData, index: str, code: str, year: int) -> float | None:
    """The published IKKRN recovery rate of region ``code`` in ``year``, unless it rests on few
    kawasan (IKKTT's rate counts apart what the effect compares: it is not set beside it)."""
    table = data.table(f"{index}_regions", year)
    rows = table[table["region_code"] == code] if table is not None else ()
    if index != "ikkrn" or not len(rows) or bool(rows.iloc[0].get("few", False)):
        return None
    return float(rows.iloc[0]["recovery_rate"])


def effect_table(data: ReportData, index: str, province: str | None) -> Section:
    """The effect of each province (national report) or kab/kota (province report) that had
    intervened kawasan: the two rates (counts where few) and the difference with its interval."""
    table = data.table(f"{index}_effect")
    if table is None:
        return Section()
    level = "provinsi" if province is None else "kabkota"
    rows = table[(table["level"] == level) & (table["n_intervened"].fillna(0) > 0)]
    if province is not None:
        rows = rows[rows["code"].str.startswith(province + ".")]
    if rows.empty:
        return Section()
    entries = [
        {
            "label": esc(short_name(r.code)),
            "treated": rate(r._asdict(), "intervened"),
            "compared": rate(r._asdict(), "comparison"),
            "effect": "terlalu sedikit" if r.few else f"{selisih(r.effect, 0)} ({selang(r.ci_low, r.ci_high, 0)})",
        }
        for r in rows.itertuples()
    ]
    what = success(data, index)
    columns = [
        ("label", "Provinsi" if province is None else "Kab/Kota"),
        ("treated", f"Diintervensi: {what}"),
        ("compared", f"Pembanding: {what}"),
        ("effect", f"Selisih, poin (selang {words.level()})"),
    ]
    cohort = int(rows["cohort"].iloc[0])
    return Section.of(
        f"<h4>Efek intervensi {cohort} per {'provinsi' if province is None else 'kab/kota'}</h4>"
        + html_table(entries, columns, {"treated", "compared", "effect"})
        + f"<p class='note'>Pembanding: kawasan yang tidak diintervensi dengan {matched_on(rows['strata'].iloc[0])}, "
        "diukur dengan cara yang sama; tingkatnya distandarkan menurut susunan kawasan yang diintervensi. Bila salah "
        f"satu sisi memuat lebih sedikit daripada {angka(data.spec(index).min_kawasan, 0)} kawasan, selisihnya tidak "
        "ditaksir dan jumlahnya ditampilkan apa adanya.</p>"
    )


def association_appendix(data: ReportData) -> Section:
    """National report appendix: programme outputs beside the change of IKOTAN and IKP per
    kab/kota, an association and not evidence of an effect."""
    table = data.table("output_association")
    if table is None or table["slope"].isna().all():
        return Section.of(
            "<p>Hubungan keluaran dan hasil tidak dihitung untuk tahun ini (perlu perubahan dari tahun "
            "sebelumnya dan data keluaran per kab/kota).</p>"
        )
    outputs = {m.id: m.label for m in measures.outputs()}
    rows = [
        {
            "index": esc(r.index.upper()),
            "output": f"{esc(outputs.get(r.output, r.output))} (per {angka(r.per, 0)})",
            "n": angka(r.n, 0),
            "slope": _slope(data, r),
            "r": "–" if pd.isna(r.r) else f"{bertanda(r.r, 2)} ({selang(r.r_low, r.r_high, 2)})",
        }
        for r in table.itertuples()
    ]
    columns = [
        ("index", "Indeks"),
        ("output", "Keluaran program"),
        ("n", "Kab/kota"),
        ("slope", f"Perubahan indeks, poin (selang {words.level()})"),
        ("r", f"Korelasi r (selang {words.level()})"),
    ]
    return Section.of(
        html_table(rows, columns, {"n", "slope", "r"})
        + "<p class='note'>Kemiringan: berapa poin (skala indeks itu) perubahan indeks "
        "sejak tahun lalu berbeda antara kab/kota yang keluarannya berselisih satu satuan yang disebut, atas "
        "kab/kota yang diukur pada kedua tahun. <b>Hubungan, bukan bukti sebab-akibat</b>: keluaran diarahkan ke "
        "tempat yang membutuhkannya, dan kab/kota berbeda dalam banyak hal yang tidak tercatat dalam data ini.</p>"
    )


def _slope(data: ReportData, row) -> str:
    """An association slope with its interval on the headline scale of its index (its scale named)."""
    shown = headline(data, row.index)
    slope, low, high = (getattr(row, shown.column(c)) for c in ("slope", "slope_low", "slope_high"))
    return "–" if pd.isna(slope) else f"{shown.change(slope)} ({shown.interval(low, high)}; skala {shown.scale})"
