"""Index specifications: every formula choice as versioned data (TOML), validated on load.

A spec says what an index is made of (variables, indicators, questionnaire items), who answers
what, how answers become scores, how scores combine, and how values become bands. Each element
carries its provenance: ``documented`` (with a ``source``) or ``assumed`` (with a ``note``).

Shipped specs live in ``bnn_lib/data/specs/<id>.toml``. A researcher copies one, edits it and loads it
with ``load_spec("my-copy.toml")``; nothing else changes. An invalid spec raises
:class:`SpecError` naming the file and the field.
"""

from bnn_lib.spec.loading import (
    DEFAULT_SPECS,
    MAX_LISTED,
    MAX_SPEC_BYTES,
    SPEC_SERIES,
    SURVEY_INDICES,
    choose_specs,
    default_spec,
    list_specs,
    load_spec,
    modify,
    parse_overrides,
    parse_spec,
    shadowed_specs,
    spec_path,
    write_spec,
)
from bnn_lib.spec.schema import IndexSpec, Kind, SpecError
from bnn_lib.spec.sections import (
    MIN_CELL,
    MIN_KAWASAN,
    PROVENANCE_WORDS,
    STATUSES,
    Aggregation,
    Band,
    Bands,
    Dimension,
    Effect,
    Element,
    Group,
    Indicator,
    Item,
    NonNegative,
    Provenance,
    Recovery,
    Reporting,
    Rescale,
    Scale,
    StatusRule,
    Variable,
    Weighting,
)
from bnn_lib.spec.structure import check_structure

__all__ = [
    "DEFAULT_SPECS",
    "MAX_LISTED",
    "MAX_SPEC_BYTES",
    "MIN_CELL",
    "MIN_KAWASAN",
    "PROVENANCE_WORDS",
    "SPEC_SERIES",
    "STATUSES",
    "SURVEY_INDICES",
    "Aggregation",
    "Band",
    "Bands",
    "Dimension",
    "Effect",
    "Element",
    "Group",
    "IndexSpec",
    "Indicator",
    "Item",
    "Kind",
    "NonNegative",
    "Provenance",
    "Recovery",
    "Reporting",
    "Rescale",
    "Scale",
    "SpecError",
    "StatusRule",
    "Variable",
    "Weighting",
    "check_structure",
    "choose_specs",
    "default_spec",
    "list_specs",
    "load_spec",
    "modify",
    "parse_overrides",
    "parse_spec",
    "shadowed_specs",
    "spec_path",
    "write_spec",
]
