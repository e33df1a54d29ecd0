"""The indices across the years that have results, with the method breaks of the series: each
break marked, the earlier year back-cast under the later method drawn beside the published
value, and each year's bands in the method of that year."""

from __future__ import annotations

import pandas as pd

from bnn_lib.regions import province_code
from bnn_lib.reporting import charts, is_kabkota, words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc, persen
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.breaks import Break, backcast, breaks
from bnn_lib.reporting.sections.components import NATIONAL, Section, code_of, html_table, value_of
from bnn_lib.reporting.words import BACKCAST, short_name

# How the chart labels a method break (its specs and what changed are in the caption).
BREAK_LABEL = "perubahan metode"


def trend(data: ReportData, province: str | None) -> Section:
    """IKOTAN and IKP across the available years, region against nation (a kab/kota also
    against its province; ``province`` may be a kab/kota code), and a table."""
    charts_and_notes = _index_chart(data, "ikotan", province) + _index_chart(data, "ikp", province)
    return charts_and_notes + Section.of(_table(data, province))


def _index_chart(data: ReportData, index: str, province: str | None) -> Section:
    """One index's series (region, nation), its breaks, back-casts and bands, with a caption
    (nothing for an index the results do not have)."""
    if data.spec(index) is None:
        return Section()
    years, code = sorted(data.history), code_of(province)
    name, value = index.upper(), headline(data, index).column("value_100")
    drawn = dict.fromkeys([code, province_code(code), NATIONAL])  # the region, its province, the nation
    codes = {f"{name} {short_name(c)}": c for c in drawn}
    found = breaks(data, index)
    series = {
        label: pd.Series({y: value_of(data.index_row(index, c, y), value) for y in years}) for label, c in codes.items()
    }
    casts = {label: _backcast_series(data, found, c, value) for label, c in codes.items()}
    marks = charts.SeriesMarks(
        breaks=tuple(b.year - 0.5 for b in found),
        break_label=BREAK_LABEL,
        backcast=casts,
        backcast_label=BACKCAST,
        bands=_bands(data, index, years),
    )
    title = f"Tren {name}, {years[0]}–{years[-1]}" if len(years) > 1 else f"{name} {years[0]}"
    chart = charts.trend(
        data=pd.DataFrame(series),
        title=title,
        ylabel=f"Skala {headline(data, index).scale}",
        marks=marks,
        decimals=headline(data, index).decimals,
    ).figure
    return Section.of(chart, _caption(data, index, found))


def _backcast_series(data: ReportData, found: list[Break], code: str, value: str) -> pd.Series:
    """The back-cast ``value`` of region ``code`` for the year before each break (where computed)."""
    values = {b.year_before: value_of(_row(backcast(data, b), code), value) for b in found}
    return pd.Series(values, dtype=float).dropna()


def _row(table: pd.DataFrame, code: str) -> pd.Series | None:
    return table.loc[code] if code in table.index else None


def _bands(data: ReportData, index: str, years: list[int]) -> pd.DataFrame | None:
    """The band edges of each year, as computed that year (each in its own method), on the
    index's headline scale (columns label, lower, upper, year)."""
    shown = headline(data, index)
    tables = {y: data.table(f"{index}_bands", y) for y in years}
    parts = [
        shown.under_names(t, ["lower", "upper"])[["label", "lower", "upper"]].assign(year=y)
        for y, t in tables.items()
        if t is not None
    ]
    return pd.concat(parts, ignore_index=True) if parts else None


def _caption(data: ReportData, index: str, found: list[Break]) -> str:
    """What the chart marks: the breaks with both specs and what changed, the back-cast, and by
    which method each year's bands are drawn (escaped)."""
    name = index.upper()
    text = [
        f"Latar berwarna: kategori {name} tiap tahun menurut metode yang berlaku pada tahun itu (spesifikasi tiap "
        "tahun: Lampiran metode)."
    ]
    for b in found:
        text.append(f"Garis tegak putus-putus: {b.sentence()}")
        if b.backcast:
            text.append(
                f"Titik berongga: nilai {b.year_before} dihitung ulang dengan {b.method_now} "
                f"({BACKCAST}); perubahan {b.year_before}–{b.year} dibaca dari titik berongga itu, bukan dari "
                f"nilai terbit {b.year_before}. Garis {name} tidak disambung melintasi perubahan metode."
            )
        else:
            span = f"{b.year_before}–{b.year}"
            text.append(f"{BACKCAST.capitalize()} {b.year_before} tidak tersedia: perubahan {span} tidak dinyatakan.")
    return f"<p class='note'>{' '.join(text)}</p>"


def _table(data: ReportData, province: str | None) -> str:
    """The numbers of each year, with the IKOTAN spec of the year and the back-cast rows."""
    code, found = code_of(province), breaks(data, "ikotan")
    rows = []
    for y in sorted(data.history):
        ikot = data.index_row("ikotan", code, y)
        krn = _ikkrn_row(data, code, y)
        rows.append(
            {
                "year": str(y),
                "ikotan": _value(data, "ikotan", ikot),
                "success": _success(ikot, code),
                "ikp": _value(data, "ikp", data.index_row("ikp", code, y)),
                "rate": persen(value_of(krn, "recovery_rate")),
                "rawan": angka(value_of(krn, "n_rawan"), 0),
            }
        )
        rows += [_backcast_row(data, b, code) for b in found if b.year_before == y and b.backcast]
    columns = [
        ("year", "Tahun"),
        ("ikotan", f"IKOTAN (skala {headline(data, 'ikotan').scale})"),
        ("success", "Kategori" if is_kabkota(code) else f"Kab/kota {words.success_band(data)} ke atas"),
        ("ikp", f"IKP (skala {headline(data, 'ikp').scale})" if data.spec("ikp") is not None else "IKP"),
        ("rate", "Keterpulihan kawasan"),
        ("rawan", "Kawasan rawan"),
    ]
    return html_table(rows, columns, {"ikotan", "success", "ikp", "rate", "rawan"})


def _value(data: ReportData, index: str, row: pd.Series | None) -> str:
    """An index value of a row of the trend table on the index's headline scale."""
    if data.spec(index) is None:
        return "–"
    shown = headline(data, index)
    return shown.value(value_of(row, shown.column("value_100")))


def _success(row: pd.Series | None, code: str) -> str:
    """A kab/kota's band, or how many kab/kota of a region reach the success band."""
    if is_kabkota(code):
        return "–" if row is None else esc(row["band"])
    return angka(value_of(row, "n_success"), 0)


def _ikkrn_row(data: ReportData, code: str, year: int) -> pd.Series | None:
    """The recovery row of region ``code`` (kab/kota rows included) in ``year``."""
    table = data.table("ikkrn_regions", year)
    rows = table[table["region_code"] == code] if table is not None else ()
    return rows.iloc[0] if len(rows) else None


def _backcast_row(data: ReportData, brk: Break, code: str) -> dict[str, str]:
    """The back-cast of the year before a break, as a row of the trend table."""
    row = _row(backcast(data, brk), code)
    return {
        "year": f"{brk.year_before} ({BACKCAST})",
        "ikotan": _value(data, "ikotan", row),
        "success": _success(row, code),
    }
