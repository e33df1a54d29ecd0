"""What the sections share: the :class:`Section` they return, HTML tables and chips, and the
small look-ups of regions and result rows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from bnn_lib.regions import NATIONAL
from bnn_lib.reporting import report_file
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, band_colors, esc, selisih
from bnn_lib.reporting.fragments import chip as chip
from bnn_lib.reporting.fragments import figure_html
from bnn_lib.reporting.fragments import html_table as html_table
from bnn_lib.reporting.headline import headline
from bnn_lib.uncertainty import bounds


@dataclass(frozen=True)
class Section:
    """One section of a report: HTML fragments (escaped where they come from data) and figures,
    in reading order.

    A notebook cell that ends with a section shows each part as its own output, the figures as
    PNG, as the sections used to display them one by one; ``_repr_html_`` gives the whole as
    one HTML fragment (figures inline), for a test or any other page.
    """

    parts: tuple[str | Figure, ...] = ()

    @classmethod
    def of(cls, *parts: str | Figure) -> Section:
        """A section of ``parts``."""
        return cls(tuple(parts))

    def __add__(self, other: Section) -> Section:
        return Section(self.parts + other.parts)

    @property
    def html(self) -> str:
        """The HTML fragments, without the figures."""
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def figures(self) -> list[Figure]:
        """The figures, in order."""
        return [p for p in self.parts if isinstance(p, Figure)]

    def _repr_html_(self) -> str:
        """The section as one HTML fragment; each figure an ``<img>`` whose alt text gives its
        titles and legend entries."""
        return "".join(p if isinstance(p, str) else figure_html(p) for p in self.parts)

    def _ipython_display_(self) -> None:
        for part in self.parts:
            if isinstance(part, str):
                display(HTML(part))
            else:  # as <img> with its alt text: a bare image/png output gets none from nbconvert
                display({"text/html": figure_html(part), "text/plain": repr(part)}, raw=True)


def linked_name(data: ReportData, code: str, name: str, linked: Collection[str] | None) -> str:
    """A kab/kota's name (escaped), linked to its report if ``code`` is in ``linked`` (the batch
    says which stand) or, with ``linked`` None, if the report is in the year's folder."""
    if linked is None:
        there = data.folder is not None and (data.folder / report_file(code)).is_file()
    else:
        there = code in linked
    return f'<a href="{report_file(code)}">{esc(name)}</a>' if there else esc(name)


def code_of(province: str | None) -> str:
    """The region code of a province, or the national code for ``None``."""
    return NATIONAL if province is None else province


def points(change: float) -> str:
    """A change in percentage points: "+13,2 poin"; "–" when there is nothing to compare."""
    text = selisih(change, 1)
    return text if text == "–" else f"{text} poin"


def wider(table: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """A long table with one row per (``index``, ``columns``) as a wide one, without the rows and
    columns that hold no value; a repeated pair is an error, never averaged away."""
    return table.pivot(index=index, columns=columns, values=values).dropna(how="all").dropna(axis=1, how="all")


def value_of(row: pd.Series | None, column: str) -> float:
    """``row[column]`` as a float; NaN when there is no row or no value."""
    if row is None or column not in row or pd.isna(row[column]):
        return float("nan")
    return float(row[column])


def kpi_of(data: ReportData, code: str) -> pd.DataFrame:
    """The KPI rows of region ``code``, by measure (empty when not computed)."""
    kpi = data.table("kpi")
    return kpi[kpi["region_code"] == code].set_index("measure") if kpi is not None else pd.DataFrame()


def colors_of(data: ReportData, index: str = "ikotan") -> dict[str, str]:
    """A colour for each band of ``index`` in force, low to high."""
    bands = data.table(f"{index}_bands")
    return band_colors(list(bands["label"])) if bands is not None else {}


def intervals(data: ReportData, index: str) -> pd.DataFrame:
    """The reported interval (:func:`~bnn_lib.uncertainty.bounds`, named so) on the index's
    headline scale and the uncertain flag, by region code (empty when not computed)."""
    columns = [*bounds(), "uncertain"]
    table = data.table(f"{index}_intervals")
    if table is None:
        return pd.DataFrame(columns=columns)
    return (
        headline(data, index)
        .under_names(table, bounds())
        .drop_duplicates("region_code")
        .set_index("region_code")[columns]
    )


def changes(data: ReportData, index: str) -> pd.Series:
    """Whether the change since last year is distinguishable from zero, by region code."""
    table = data.table(f"{index}_change")
    if table is None:
        return pd.Series(dtype=bool)
    # Blank where the years were computed without the bootstrap: no mark of a difference then.
    return table.set_index("region_code")["distinguishable"].fillna(False).astype(bool)


def decided(row) -> str:
    """The kawasan whose recovery is known, and in words those that blank data leave open."""
    unknown = row.get("n_unknown", 0)
    text = angka(row["n_decided"], 0)
    return text + (f" (+{angka(unknown, 0)} belum pasti: data kosong)" if unknown and not pd.isna(unknown) else "")
