"""A series across method changes, as the sections say it.

Where the spec of an index changed between two years, the values of the two years are not
comparable as published: the earlier year is compared through its back-cast, recomputed from its
own data under the later method (docs/methodology.md §11.2). This module finds the breaks in the
report's history, says them in words (from the ``method_breaks`` table, which names both specs)
and gives each section the one value a change is computed against (:class:`Baseline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, esc
from bnn_lib.reporting.headline import Headline, headline
from bnn_lib.reporting.words import BACKCAST
from bnn_lib.rounding import sign_at

COLUMNS = ["value", "value_100", "band"]
CHANGES = ["change", "change_all", "change_score", "change_all_score", "n_common", "n_now", "n_before"]
EMPTY = pd.DataFrame(columns=CHANGES)


@dataclass(frozen=True)
class Break:
    """A change of the spec of ``index`` between ``year_before`` and ``year``."""

    index: str
    year_before: int
    year: int
    spec_before: str
    spec_now: str
    changes: str
    backcast: bool
    # What changed in a word or two ("kategori"); the whole of it (``changes``) is in the appendix.
    changed: str

    @property
    def name(self) -> str:
        """The index as the reports write it: "IKOTAN"."""
        return self.index.upper()

    @property
    def method_now(self) -> str:
        """The later method as a leader page names it: "metode 2022" (its spec id is in the
        method appendix)."""
        return f"metode {self.year}"

    @property
    def method_before(self) -> str:
        """The earlier method as a leader page names it: "metode 2021"."""
        return f"metode {self.year_before}"

    def sentence(self) -> str:
        """The break in a leader's words, what changed in a word or two (escaped); the specs and
        the whole of what changed are in the method appendix."""
        what = esc(self.changed or self.changes)
        return (
            f"Metode {self.name} berubah antara {self.year_before} dan {self.year} ({what}; rincian: Lampiran metode)."
        )


def breaks(data: ReportData, index: str) -> list[Break]:
    """The method breaks of ``index`` up to the report year, oldest first."""
    table = data.method_breaks(index)
    return [
        Break(
            index=r.index,
            year_before=int(r.year_before),
            year=int(r.year),
            spec_before=str(r.spec_before),
            spec_now=str(r.spec_now),
            changes=str(r.changes),
            backcast=bool(r.backcast),
            changed=str(r.changed),
        )
        for r in table.itertuples(index=False)
    ]


def backcast(data: ReportData, brk: Break) -> pd.DataFrame:
    """The back-cast of ``brk``'s earlier year by region code (all levels); empty if none."""
    table = data.table(f"{brk.index}_backcast", brk.year) if brk.backcast else None
    if table is None:
        return pd.DataFrame(columns=COLUMNS)
    return table.drop_duplicates("region_code").set_index("region_code")


@dataclass(frozen=True)
class Baseline:
    """What the report year's values of an index are compared with.

    ``published``: the previous year as published; ``compared``: the values a change is computed
    against, the published ones or, across a method break, the back-cast (empty when the break has
    no back-cast: then no change is stated). Both by region code (kab/kota, province, nation).
    Values and changes are read and written on the index's headline scale (``shown``).
    """

    shown: Headline
    year: int | None
    published: pd.DataFrame
    compared: pd.DataFrame
    method_break: Break | None
    # The engine's change table by region code (``<index>_change``): a region's change over the
    # kab/kota measured in both years, on both scales (empty: no such table).
    changes: pd.DataFrame = field(default_factory=lambda: EMPTY)

    def change(self, code: str) -> float:
        """The change of region ``code`` since the comparison year on the headline scale, as the
        engine computed it over the kab/kota measured in both years (NaN where it has none: a
        year between is missing, or a break has no back-cast)."""
        if code not in self.changes.index:
            return float("nan")
        return float(self.changes.loc[code, self.shown.column("change")])

    def common(self, code: str) -> str:
        """Where region ``code``'s kab/kota differ between the two years, how many the change
        counts and the change over all of them: " (atas 207 kab/kota yang diukur pada kedua
        tahun; atas semua kab/kota terukur: +0,03)"; "" where they are the same."""
        if code not in self.changes.index:
            return ""
        row = self.changes.loc[code]
        if row["n_common"] == row["n_now"] == row["n_before"]:
            return ""
        return (
            f" (atas {angka(row['n_common'], 0)} kab/kota yang diukur pada kedua tahun; atas semua kab/kota "
            f"terukur: {self.shown.change(row[self.shown.column('change_all')])})"
        )

    def movement(self, code: str) -> str:
        """The change of ``code`` as a clause: "; naik 0,12 poin dari 2023", "; tetap dari 2023",
        or "" when there is nothing to compare with. A change that rounds to zero at the headline
        decimals is "tetap", so the words never contradict the number shown."""
        delta = self.change(code)
        if pd.isna(delta):
            return ""
        if not sign_at(delta, self.shown.decimals):
            return f"; tetap {self.since()}{self.common(code)}"
        moved = f"; {'naik' if delta > 0 else 'turun'} {self.shown.value(abs(delta))} poin {self.since()}"
        return moved + self.common(code)

    def since(self) -> str:
        """ "dari 2023", or across a break "dari 2021 (proyeksi balik dengan metode X)"."""
        if self.year is None:
            return ""
        if self.method_break is None:
            return f"dari {self.year}"
        return f"dari {self.year} ({BACKCAST} dengan {self.method_break.method_now})"

    def earlier_values(self, code: str) -> str:
        """Across a break, the earlier year's value of ``code`` as published and as back-cast,
        with their bands (escaped); "" without a break."""
        brk = self.method_break
        if brk is None or code not in self.published.index:
            return ""
        published = self.value(self.published, code)
        text = f"Nilai {self.year} menurut metode terbit ({brk.method_before}): {published}"
        if code in self.compared.index:
            return text + f"; {BACKCAST} dengan {brk.method_now}: {self.value(self.compared, code)}."
        return text + f"; {BACKCAST} tidak tersedia, sehingga perubahannya tidak dinyatakan."

    def value(self, table: pd.DataFrame, code: str) -> str:
        """Region ``code``'s value in ``table`` (the published or back-cast year) with its band:
        "3,02 (Cukup Tanggap)"."""
        row = table.loc[code]
        return f"{self.shown.value(row[self.shown.column('value_100')])} ({esc(row['band'])})"


def baseline(data: ReportData, index: str) -> Baseline:
    """The previous year of ``index`` as published and what the report year is compared with."""
    prev, shown = data.previous, headline(data, index)
    if prev is None:
        empty = pd.DataFrame(columns=COLUMNS)
        return Baseline(shown, None, empty, empty, None)
    published = _published(data, index, prev)
    across = [b for b in breaks(data, index) if prev < b.year <= data.year]
    changes = _changes(data, index, prev)
    if not across:
        return Baseline(shown, prev, published, published, None, changes)
    brk = across[-1]
    # A back-cast bridges one break between consecutive years; any other gap stays uncompared.
    usable = len(across) == 1 and (brk.year_before, brk.year) == (prev, data.year)
    compared = backcast(data, brk) if usable else pd.DataFrame(columns=COLUMNS)
    return Baseline(shown, prev, published, compared, brk, changes if usable else EMPTY)


def _changes(data: ReportData, index: str, prev: int) -> pd.DataFrame:
    """The engine's change table of ``index`` by region code, when it compares with ``prev``."""
    table = data.table(f"{index}_change")
    if table is None or "change_score" not in table or prev != data.year - 1:
        return EMPTY
    return table.drop_duplicates("region_code").set_index("region_code")


def _published(data: ReportData, index: str, year: int) -> pd.DataFrame:
    """Value, value_100 and band of ``year`` by region code, kab/kota and regions together."""
    parts = [data.table(f"{index}_regions", year), data.table(f"{index}_kabkota", year)]
    parts = [p.rename(columns={"kabkota_code": "region_code"}) for p in parts if p is not None]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat([p.reindex(columns=["region_code", *COLUMNS]) for p in parts], ignore_index=True)
    return rows.drop_duplicates("region_code").set_index("region_code")
