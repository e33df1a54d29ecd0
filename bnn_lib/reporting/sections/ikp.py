"""IKP: the environments (lingkungan) of a region against the nation, by kab/kota, and by
province in the national report."""

from __future__ import annotations

import pandas as pd

from bnn_lib.reporting import charts
from bnn_lib.reporting.data import ReportData, suppress_small
from bnn_lib.reporting.fmt import angka, bilangan, esc
from bnn_lib.reporting.headline import headline
from bnn_lib.reporting.sections.components import NATIONAL, Section, chip, code_of, colors_of, html_table, wider
from bnn_lib.reporting.words import short_name

# Short column names of the spec's groups; a group not named here is shown by its spec name.
ENVIRONMENTS = {
    "pemerintah": "Pemerintah",
    "swasta": "Swasta",
    "pendidikan": "Pendidikan",
    "masyarakat": "Masyarakat",
}


def _environments(data: ReportData, present: pd.Index) -> dict[str, str]:
    """The IKP groups of the spec that have results, in spec order, with their column names."""
    groups = data.spec("ikp").groups
    return {g: ENVIRONMENTS.get(g, groups[g].name) for g in groups if g in present}


def ikp(data: ReportData, province: str | None) -> Section:
    """IKP by environment (lingkungan), region against nation, and by kab/kota."""
    envs = data.table("ikp_environment_regions")
    if envs is None:
        return Section.of("<p>IKP tidak dihitung untuk tahun ini.</p>")
    shown = headline(data, "ikp")
    score, value = shown.column("score_100"), shown.column("value_100")
    national = envs[envs["region_code"] == NATIONAL].set_index("group")[score]
    own = envs[envs["region_code"] == code_of(province)].set_index("group")[score]
    names = _environments(data, national.index)
    if province is None:
        return Section()
    chart = charts.paired_bars(
        data=pd.DataFrame(
            {short_name(province): [own.get(g, float("nan")) for g in names], "Nasional": [national[g] for g in names]},
            index=list(names.values()),
        ),
        title="IKP per lingkungan",
        scale=shown.span,
        decimals=shown.decimals,
    ).figure
    detail = data.kabkota("ikp_environments", province)
    if detail.empty:
        return Section.of(chart)
    min_cell = data.min_cell("ikp")
    detail = suppress_small(detail, ["value", "value_100"])
    wide = wider(detail, "kabkota", "group", value)
    colors = colors_of(data, "ikp")
    kab = data.kabkota("ikp_kabkota", province).set_index("kabkota")
    rows = [
        {
            "label": esc(name),
            **{g: shown.value(wide.loc[name].get(g)) for g in names},
            "value": shown.value(kab.loc[name, value]),
            "band": chip(kab.loc[name, "band"], colors),
        }
        for name in kab.sort_values("value", ascending=False).index
    ]
    columns = [("label", "Kab/Kota"), *names.items(), ("value", f"IKP (skala {shown.scale})"), ("band", "Kategori")]
    return Section.of(
        chart,
        html_table(rows, columns, {*names, "value"})
        + f"<p class='note'>IKP kab/kota = rata-rata {_each(len(names))} lingkungan (skala "
        f"{shown.scale}). Nilai dengan kurang dari {angka(min_cell, 0)} responden tidak "
        "ditampilkan.</p>",
    )


def _each(n: int) -> str:
    """ "keempat" for 4: all n of them, as Indonesian says it (ke- + the number word)."""
    return f"ke{bilangan(n)}" if 1 < n <= 10 else bilangan(n)


def ikp_provinces(data: ReportData) -> Section:
    """National report: IKP by environment for the nation, and each province's IKP."""
    envs = data.table("ikp_environment_regions")
    table = data.table("ikp_regions")
    if envs is None or table is None:
        return ikp(data, None)
    shown = headline(data, "ikp")
    score, value = shown.column("score_100"), shown.column("value_100")
    wide = wider(envs[envs["level"] == "provinsi"], "region_code", "group", score)
    colors = colors_of(data, "ikp")
    names = _environments(data, wide.columns)
    rows = [
        {
            "label": esc(r.region),
            **{g: shown.value(wide.loc[r.region_code].get(g)) for g in names},
            "value": shown.value(getattr(r, value)),
            "band": chip(r.band, colors),
        }
        for r in table[table["level"] == "provinsi"].sort_values("value", ascending=False).itertuples()
    ]
    national = envs[envs["region_code"] == NATIONAL].set_index("group")[score]
    rows.insert(
        0,
        {
            "label": "<b>Nasional</b>",
            **{g: shown.value(national.get(g)) for g in names},
            "value": shown.value(data.region_row("ikp_regions", NATIONAL)[value]),
            "band": "–",
        },
    )
    columns = [("label", "Provinsi"), *names.items(), ("value", f"IKP (skala {shown.scale})"), ("band", "Kategori")]
    return Section.of(html_table(rows, columns, {*names, "value"}))
