"""The one scale an index is shown on, as its spec chooses (``[reporting] headline_scale``).

The engine writes every value on both scales: the score scale (``value``, ``score``,
``change_score``, ``lo95_score`` …, band edges ``lower_scale``) and the rescaled one
(``value_100``, ``score_100``, ``change``, ``lo95`` …, ``lower``). A report, a chart and the
workbook name the column they want as it is named on the rescaled scale and ask
:meth:`Headline.column` for the one of the headline scale, and write it with
:meth:`Headline.value`: one place decides the scale and the decimals of every index figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import angka, rentang, selang, selisih
from bnn_lib.spec import IndexSpec

# Columns whose score-scale twin is not named "<column>_score".
SCORE_TWINS = {"value_100": "value", "score_100": "score", "lower": "lower_scale", "upper": "upper_scale"}


@dataclass(frozen=True)
class Headline:
    """An index's headline scale: whether it is the score scale, its range and its decimals."""

    on_score: bool
    low: float
    high: float
    decimals: int

    def column(self, name: str) -> str:
        """The column holding ``name`` (as named on the rescaled scale: "value_100", "lo95",
        "change", "lower") on the headline scale: "value", "lo95_score", "change_score"."""
        return SCORE_TWINS.get(name, f"{name}_score") if self.on_score else name

    def under_names(self, table: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
        """``table`` with the headline-scale columns of ``names`` (named as on the rescaled
        scale) under those names, their twins of the other scale dropped: a chart or a sheet
        then reads "lower", "lo95", "change" whatever the scale."""
        moved = {self.column(n): n for n in names if self.column(n) != n and self.column(n) in table}
        return table.drop(columns=list(moved.values()), errors="ignore").rename(columns=moved)

    def other(self, name: str) -> str:
        """The column holding ``name`` on the scale that is not the headline (for the appendix)."""
        return name if self.on_score else SCORE_TWINS.get(name, f"{name}_score")

    @property
    def scale(self) -> str:
        """The range in words: "1–4"."""
        return rentang(self.low, self.high)

    @property
    def span(self) -> tuple[float, float]:
        """The range as (low, high), for a chart's axis."""
        return (self.low, self.high)

    def value(self, x: float | None) -> str:
        """A value on this scale at its decimals: "3,21"."""
        return angka(x, self.decimals)

    def change(self, x: float | None) -> str:
        """A change on this scale, signed, "0,00" when it rounds to nothing: "+0,05"."""
        return selisih(x, self.decimals)

    def interval(self, lo: float | None, hi: float | None) -> str:
        """An interval on this scale: "3,18–3,25". One narrower than the value's last digit gets
        a digit or two more ("3,327–3,334", not "3,33–3,33"), so that it never reads as no
        uncertainty at all."""
        decimals = self.decimals
        while decimals < self.decimals + 2 and angka(lo, decimals) == angka(hi, decimals):
            decimals += 1
        return selang(lo, hi, decimals)


def headline_of(spec: IndexSpec) -> Headline:
    """The headline scale the spec sets. Without a rescale rule the two scales are one (the
    engine's ``value_100`` is ``value``): its columns are read as named."""
    if spec.rescale is None:
        low, high = (spec.scale.min, spec.scale.max) if spec.scale is not None else (0, 100)
        return Headline(False, low, high, spec.headline_decimals)
    low, high = spec.rescale.from_range if spec.shows_score else spec.rescale.to_range
    return Headline(spec.shows_score, low, high, spec.headline_decimals)


def headline(data: ReportData, index: str) -> Headline:
    """The headline scale of ``index`` under the spec its results were computed with."""
    return headline_of(data.spec(index))
