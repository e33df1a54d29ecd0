"""The sections of the annual reports, in Bahasa Indonesia.

Each public function returns one :class:`Section` (HTML and figures) for a province (its code)
or, with ``province=None``, for the nation; a notebook cell that ends with it displays it. The
functions read saved results (:mod:`bnn_lib.reporting.data`) and draw; they compute no index.
What they say about the method comes from the specs the results were computed with
(:mod:`bnn_lib.reporting.words`). Text that comes from data or a spec is escaped.

By subject: :mod:`.summary` (header, executive summary, performance), :mod:`.priorities`
(where to act next), :mod:`.ikotan`, :mod:`.ikp`, :mod:`.kawasan` (IKKRN, IKKTT),
:mod:`.effect` (the programme effect; outputs beside outcomes), :mod:`.trend`,
:mod:`.appendix` (methodology, band distribution, uncertainty), :mod:`.audit` (the audit and
the sensitivity to the assumptions), :mod:`.kabkota` (the sections only a kab/kota report has);
:mod:`.components` holds what they share. The header, performance, trend and methodology
sections also take a kab/kota code.
"""

from bnn_lib.reporting.sections import kabkota
from bnn_lib.reporting.sections.appendix import band_distribution, methodology, uncertainty_summary
from bnn_lib.reporting.sections.audit import audit_appendix
from bnn_lib.reporting.sections.components import NATIONAL, Section
from bnn_lib.reporting.sections.effect import association_appendix
from bnn_lib.reporting.sections.ikotan import band_map, ikotan
from bnn_lib.reporting.sections.ikp import ikp, ikp_provinces
from bnn_lib.reporting.sections.kawasan import ikkrn, ikktt
from bnn_lib.reporting.sections.method import intro
from bnn_lib.reporting.sections.priorities import priorities
from bnn_lib.reporting.sections.summary import executive_summary, header, performance, summary_sentences
from bnn_lib.reporting.sections.trend import trend

__all__ = [
    "NATIONAL",
    "Section",
    "association_appendix",
    "audit_appendix",
    "band_distribution",
    "band_map",
    "executive_summary",
    "header",
    "ikkrn",
    "ikktt",
    "ikotan",
    "ikp",
    "ikp_provinces",
    "intro",
    "kabkota",
    "methodology",
    "performance",
    "priorities",
    "summary_sentences",
    "trend",
    "uncertainty_summary",
]
