"""What an index measures, as the first lines of its section say it (the method's other facts
in words are :mod:`bnn_lib.reporting.words`, shared with the workbook)."""

from __future__ import annotations

from bnn_lib.reporting import words
from bnn_lib.reporting.data import ReportData
from bnn_lib.reporting.fmt import esc
from bnn_lib.reporting.sections.components import Section


def intro(data: ReportData, index: str) -> Section:
    """What ``index`` ("ikotan") measures and what it is made of: the spec's description and
    its variables (nothing for an index the results do not have)."""
    spec = data.spec(index)
    if spec is None:
        return Section()
    text = esc((spec.description or spec.title).rstrip(". "))
    if spec.variables:
        text += f", diukur dari {words.variables(spec)}"
    return Section.of(f"<p>{text}.</p>")
