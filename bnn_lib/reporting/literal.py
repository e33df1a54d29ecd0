"""Chart text drawn as written.

A region, indicator or band name comes from a spec or the data, and may hold "$": matplotlib
would set "Kab. $x^2$" as a formula (mathtext), and stop the report on "$\\frac{a}$", which it
cannot parse. The charts' style (:data:`.charts.STYLE`) turns mathtext off for every text made
while a chart is built, so that laying it out measures the text as written; a
:class:`LiteralFigure` turns it off, when it draws, for every text it holds, also one added
after the chart was built and one matplotlib makes while drawing. matplotlib's own settings are
left as they are: another plot of the same process keeps mathtext.
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text


class LiteralFigure(Figure):
    """A figure whose every text is drawn as written."""

    def draw(self, renderer: RendererBase) -> None:
        for text in self.findobj(Text):
            text.set_parse_math(False)
        with mpl.rc_context({"text.parse_math": False}):  # what drawing makes (more tick labels)
            super().draw(renderer)
