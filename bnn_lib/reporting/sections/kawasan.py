"""The kawasan indices: IKKRN (kawasan rawan narkoba) and IKKTT (kawasan tanaman terlarang)."""

from __future__ import annotations

import pandas as pd

from bnn_lib.regions import province_codes
from bnn_lib.reporting import charts, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.components import Section, code_of, decided, html_table, value_of
from bnn_lib.reporting.sections.effect import effect_table
from bnn_lib.reporting.words import place_name
from bnn_lib.uncertainty import bounds


def _rows_of(data: ReportData, index: str, province: str | None) -> pd.DataFrame:
    """The ``<index>_regions`` rows a report lists: provinces, or the kab/kota of ``province``."""
    table = data.table(f"{index}_regions")
    table = table[table["level"] == ("provinsi" if province is None else "kabkota")]
    if province is not None:
        table = table[province_codes(table["region_code"]) == province]
    return table


def ikkrn(data: ReportData, province: str | None) -> Section:
    """IKKRN: status of intervened kawasan before/after, recovery rate, mapping counts."""
    recovery = data.kabkota("ikkrn_recovery", province)
    if recovery.empty:
        return Section.of("<p>Tidak ada kawasan rawan yang diintervensi dan diukur di wilayah ini pada tahun ini.</p>")
    title = f"Status kawasan yang diintervensi, {place_name(province)} {data.year}"
    transitions = data.table("ikkrn_transitions")
    counts = transitions[transitions["region_code"] == code_of(province)].set_index("status")[["before", "after"]]
    chart = charts.status_before_after(data=counts, title=title).figure
    table = _rows_of(data, "ikkrn", province)
    table = table[table["n_intervened"].fillna(0) > 0]
    (lo, hi), shown = bounds(), headline(data, "ikkrn")
    rows = [
        {
            "label": esc(r.region),
            "n": decided(r._asdict()),
            "pulih": angka(r.n_pulih, 0),
            "rate": "–" if r.few else persen(r.recovery_rate),
            "ci": "–" if r.few else f"{angka(getattr(r, lo), 0)}–{angka(getattr(r, hi), 0)} %",
            "delta": shown.change(getattr(r, "mean_delta", float("nan"))),
            "rawan": angka(r.n_rawan, 0),
        }
        for r in table.sort_values("recovery_rate", ascending=False).itertuples()
    ]
    columns = [
        ("label", "Provinsi" if province is None else "Kab/Kota"),
        ("n", "Diintervensi"),
        ("pulih", "Pulih"),
        ("rate", "Tingkat keterpulihan"),
        ("ci", f"Selang {words.level()}"),
        ("delta", f"Perubahan skor IKKRN ({shown.scale})"),
        ("rawan", "Kawasan rawan (pemetaan)"),
    ]
    return Section.of(
        chart,
        html_table(rows, columns, {"n", "pulih", "rate", "ci", "delta", "rawan"})
        + f"<p class='note'>{words.recovery_rule(data, 'ikkrn')} Kawasan rawan = {words.rawan(data)}. "
        f"Selang {words.level()}: selang Wilson untuk proporsi. Bila kawasan yang diketahui pemulihannya lebih "
        f"sedikit daripada {angka(data.spec('ikkrn').min_kawasan, 0)}, tingkat dan selangnya tidak ditampilkan (–): "
        "satu kawasan lebih atau kurang menggesernya puluhan poin.</p>",
    ) + effect_table(data, "ikkrn", province)


def ikktt(data: ReportData, province: str | None) -> Section:
    """IKKTT where it applies; one line where it does not."""
    spec = data.spec("ikktt")
    if data.kabkota("ikktt_recovery", province).empty:
        return Section.of(
            "<p>IKKTT tidak berlaku: wilayah ini tidak memiliki kawasan tanaman terlarang yang diukur "
            f"pada tahun {data.year}.</p>"
        )
    shown = headline(data, "ikktt")
    rows = [
        {
            "label": esc(r.region),
            "n": decided(r._asdict()),
            "pulih": angka(r.n_pulih, 0),
            "rate": "–" if r.few else persen(r.recovery_rate),
            "before": shown.value(r.mean_before),
            "after": shown.value(r.mean_after),
        }
        for r in _rows_of(data, "ikktt", province).itertuples()
    ]
    scale = shown.scale
    columns = [
        ("label", "Kab/Kota" if province else "Provinsi"),
        ("n", "Kawasan diukur"),
        ("pulih", "Pulih"),
        ("rate", "Tingkat keterpulihan"),
        ("before", f"Skor sebelum ({scale})"),
        ("after", f"Skor sesudah ({scale})"),
    ]
    # The structure is an assumption as long as the spec documents none of its variables.
    assumed = all(v.provenance == "assumed" for v in spec.variables)
    caveat = " Struktur IKKTT masih berupa asumsi (lihat Lampiran metode)." if assumed else ""
    already = value_of(data.region_row("ikktt_regions", code_of(province)), "n_already")
    apart = (
        f" {angka(already, 0)} kawasan sudah memenuhi aturan pulih sebelum intervensi: dihitung terpisah, tidak "
        "dalam tingkat keterpulihan."
        if already
        else ""
    )
    return Section.of(
        html_table(rows, columns, {"n", "pulih", "rate", "before", "after"})
        + f"<p class='note'>{words.recovery_rule(data, 'ikktt')}{apart}{caveat}</p>"
    ) + effect_table(data, "ikktt", province)
