"""HTML fragments every page shares: data tables, band chips and figures inline as PNG.

The report sections (:mod:`.sections`) and the pages built outside a notebook (the scenario
comparison, :mod:`.comparison`) write their tables and figures here, so that they look alike.
"""

from __future__ import annotations

import base64
import io
import math

from matplotlib.figure import Figure
from PIL import Image

from bnn_lib.reporting.charts import PNG_DPI
from bnn_lib.reporting.fmt import NO_DATA, esc


def png_base64(fig: Figure) -> str:
    """The figure as base64 PNG at its own size (it has laid itself out), drawn at
    :data:`~bnn_lib.reporting.charts.PNG_DPI` for print; the page shows it at its screen size.
    A chart has few colours: stored with a palette of 256, it weighs a third or less, which a
    report read on a phone, and sent by e-mail, feels."""
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=PNG_DPI)
    buffer = io.BytesIO()
    Image.open(drawn).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(buffer, "png", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: Figure) -> str:
    """The figure as an ``<img>`` with its PNG inline (a data URI: nothing fetched), whose alt
    text gives its titles and legend entries."""
    titles = [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
    entries = [text.get_text() for legend in legends for text in legend.get_texts()]
    alt = "; ".join(t for t in titles if t) + (f" ({', '.join(entries)})" if entries else "")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{png_base64(fig)}">'


def chip(label: object, colors: dict[str, str]) -> str:
    """A band label as a coloured chip (escaped); "–" for no label."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return "–"
    color = colors.get(str(label), NO_DATA)
    dark = color in ("#2c7bb6", "#d7191c")
    return f'<span class="chip" style="background:{color};color:{"#fff" if dark else "#111"}">{esc(label)}</span>'


def html_table(
    rows: list[dict], columns: list[tuple[str, str]], numeric: set[str] = frozenset(), caption: str = ""
) -> str:
    """An HTML table; cell values are already formatted strings (escaped by the caller where
    they come from data)."""
    head = "".join(f'<th class="{"num" if k in numeric else ""}">{esc(label)}</th>' for k, label in columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"num" if k in numeric else ""}">{row.get(k, "–")}</td>' for k, _ in columns)
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="data">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
