"""Did the programme work: the effect of the intervention beside the recovery rate, as the
results' ``ikkrn_effect`` and ``ikktt_effect`` tables give it (docs/methodology.md §12)."""

from __future__ import annotations

import pandas as pd

from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen, selang, selisih
from bnn_lib.reporting.sections import method
from bnn_lib.reporting.sections.components import Section, html_table, short_name

# What "success" is in each index's effect, as a sentence says it.
SUCCESS = {"ikkrn": "keluar dari status rawan", "ikktt": "pulih"}


def effect_row(data: ReportData, index: str, code: str) -> pd.Series | None:
    """The effect row of region ``code`` ("00", a province or a kab/kota code), if any."""
    table = data.table(f"{index}_effect")
    if table is None:
        return None
    rows = table[table["region_code"] == code]
    return rows.iloc[0] if len(rows) else None


def share(k: float, n: float, few: bool) -> str:
    """A rate as a reader should see it: "48 %" or, from few kawasan, "2 dari 4 kawasan"."""
    if pd.isna(n) or not n:
        return "–"
    return f"{angka(k, 0)} dari {angka(n, 0)} kawasan" if few else persen(100 * k / n, 0)


def effect_sentences(data: ReportData, code: str) -> list[str]:
    """The effect of each kawasan index in region ``code``, in plain words (escaped)."""
    return [s for index in ("ikkrn", "ikktt") if (s := _sentence(data, index, code))]


def _sentence(data: ReportData, index: str, code: str) -> str:
    row = effect_row(data, index, code)
    if row is None:
        return ""
    name, what, cohort = index.upper(), SUCCESS[index], int(row["cohort"])
    if index == "ikkrn":
        start, end = int(row["start_year"]), int(row["end_year"])
        window = f"kawasan yang diintervensi pada {cohort}, dibaca dari pemetaan {start} dan {end}"
        later = f" Kawasan yang diintervensi pada {data.year} dinilai dengan pemetaan {data.year + end - cohort}."
    else:
        window, later = f"kawasan program dan kawasan pembanding di luar program, {cohort}", ""
    if row["missing"]:
        missing = esc(row["missing"])
        return f"Efek intervensi {name} ({window}) belum dapat ditaksir: pemetaan {missing} tidak tersedia.{later}"
    if not row["n_intervened"]:
        return ""
    treated = share(row["n_pulih_intervened"], row["n_intervened"], row["few"])
    compared = share(row["n_pulih_comparison"], row["n_comparison"], row["few"])
    if row["few"]:
        return (
            f"Efek intervensi {name} ({window}) belum dapat ditaksir di wilayah ini: kawasannya terlalu sedikit "
            f"({treated} yang diintervensi {what}; pembanding: {compared}).{later}"
        )
    text = (
        f"Efek intervensi {name} ({window}): {persen(row['rate_intervened'], 0)} kawasan yang diintervensi {what}; "
        f"tanpa intervensi {persen(row['rate_comparison'], 0)}; selisih <b>{selisih(row['effect'], 0)} poin</b> "
        f"(selang {method.level()}: {selang(row['ci_low'], row['ci_high'], 0)})."
    )
    published = _rate_of(data, index, code, cohort)
    if published is not None:
        text += (
            f" Tingkat keterpulihan terbit {cohort} ({persen(published, 0)}) ikut menghitung kawasan yang keluar "
            "dari status rawan tanpa intervensi dan kawasan yang terpilih karena satu pemetaan yang kebetulan buruk."
        )
    if not pd.isna(row["did"]):
        text += (
            f" Skor {name} ({method.report_scale(data, index)}) kawasan yang diintervensi berubah "
            f"{selisih(row['change_intervened'], 1)} poin, pembanding {selisih(row['change_comparison'], 1)}: selisih "
            f"{selisih(row['did'], 1)} poin (selang {method.level()}: {selang(row['did_ci_low'], row['did_ci_high'])})."
        )
    return text + later


def _rate_of(data: ReportData, index: str, code: str, year: int) -> float | None:
    """The published recovery rate of region ``code`` in ``year``, unless it rests on few kawasan."""
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
        rows = rows[rows["region_code"].str.startswith(province + ".")]
    if rows.empty:
        return Section()
    entries = [
        {
            "label": esc(short_name(r.region_code)),
            "treated": share(r.n_pulih_intervened, r.n_intervened, r.few),
            "compared": share(r.n_pulih_comparison, r.n_comparison, r.few),
            "effect": "terlalu sedikit" if r.few else f"{selisih(r.effect, 0)} ({selang(r.ci_low, r.ci_high, 0)})",
        }
        for r in rows.itertuples()
    ]
    what = SUCCESS[index]
    columns = [
        ("label", "Provinsi" if province is None else "Kab/Kota"),
        ("treated", f"Diintervensi: {what}"),
        ("compared", f"Pembanding: {what}"),
        ("effect", f"Selisih, poin (selang {method.level()})"),
    ]
    cohort = int(rows["cohort"].iloc[0])
    return Section.of(
        f"<h3>Efek intervensi {cohort} per {'provinsi' if province is None else 'kab/kota'}</h3>"
        + html_table(entries, columns, {"treated", "compared", "effect"})
        + f"<p class='note'>Pembanding: kawasan yang tidak diintervensi dengan status awal yang sama, diukur dengan "
        f"cara yang sama. Bila salah satu sisi memuat lebih sedikit daripada {angka(data.spec(index).min_kawasan, 0)} "
        "kawasan, selisihnya tidak ditaksir dan jumlahnya ditampilkan apa adanya.</p>"
    )
