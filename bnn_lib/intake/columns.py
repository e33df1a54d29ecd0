"""Headers → columns: which header of a file means which column of its table.

A header is matched, in this order, by a mapping file the office supplies (header → column or
item id), by the column's name or one of its aliases, by a questionnaire item's id or question
text, and finally by its last part after a group path: survey tools write an item inside a
group as ``ketahanan_keluarga/KK1.1`` (KoboToolbox) or ``ketahanan_keluarga-KK1.1`` (ODK
Central). Case, spaces and underscores do not matter. In a survey table, the metadata columns of
those tools (``_uuid``, ``_submission_time``, ``start``, ``meta/instanceID``, …) are set apart;
the respondent id falls back to the submission's id when the form asks none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bnn_lib.intake.tables import Column
from bnn_lib.intake.values import key
from bnn_lib.office.xlsform import DATE, END, ENUMERATOR, question_labels
from bnn_lib.spec import IndexSpec

META = "(metadata)"
PATH_SEPARATORS = "/-.:"  # between a group and a question in survey-tool headers
# Submission metadata of KoboToolbox and ODK Central exports (compared by key()).
TOOL_COLUMNS = {
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "simserial",
    "subscriberid",
    "phonenumber",
    "audit",
    "instanceid",
    "instancename",
    "uuid",
    "submissiondate",
    "submitterid",
    "submittername",
    "attachmentspresent",
    "attachmentsexpected",
    "reviewstate",
    "edits",
    "formversion",
    "key",
    "status",
    # The interview's own questions in the forms bnn form writes, set aside (its consent answer
    # is a column of the table: names.toml, "consent").
    ENUMERATOR,
    DATE,
    END,
}
# Where the form has no id question: the submission's own id, best first.
SUBMISSION_IDS = ["_uuid", "key", "meta/instanceid", "meta-instanceid", "instanceid", "_id", "_index"]


@dataclass(frozen=True)
class Resolved:
    """The columns of one file: position → column name (or item id), and what matched nothing."""

    names: dict[int, str]
    unknown: list[int]
    duplicates: list[tuple[int, int, str]]  # (first position, repeated position, column)
    meta: dict[int, str]  # metadata columns by position (the original header)


class Resolver:
    """Matches headers to the columns of one table (see the module docstring)."""

    def __init__(self, columns: list[Column], spec: IndexSpec | None = None, mapping: Mapping[str, str] | None = None):
        self.columns = columns
        self.survey = any(c.kind == "answer" for c in columns) and any(c.name == "respondent_id" for c in columns)
        names: dict[str, str] = {}
        for column in columns:
            for alias in column.headers:
                names.setdefault(key(alias), column.name)
        if spec is not None and self.survey:
            # The form's labels (an item's question text among them): a survey tool may export
            # labels instead of names as headers.
            for label, name in question_labels(spec).items():
                names.setdefault(key(label), name)
        names |= {key(c.name): c.name for c in columns}
        self.mapping = {key(h): target for h, target in (mapping or {}).items()}
        self.names = names

    def match(self, header: str) -> str | None:
        """The column a header means, META for survey-tool metadata, None when unknown."""
        k = key(header)
        if not k:
            return None
        if k in self.mapping:
            return self.mapping[k]
        if k in self.names:
            return self.names[k]
        for i, ch in enumerate(k):
            if ch in PATH_SEPARATORS and k[i + 1 :] in self.names:
                return self.names[k[i + 1 :]]
        if self.survey and (k.startswith("_") or k in TOOL_COLUMNS or _last(k) in TOOL_COLUMNS):
            return META
        return None

    def recognise(self, header: str) -> bool:
        """Whether a header names a known column (used to find the header row)."""
        found = self.match(header)
        return found is not None and found != META

    def resolve(self, headers: list[str]) -> Resolved:
        """Every header of a file: its column, or unknown, or a duplicate of an earlier one."""
        names: dict[int, str] = {}
        first: dict[str, int] = {}
        unknown, duplicates, meta = [], [], {}
        for position, header in enumerate(headers):
            found = self.match(header)
            if found is None:
                if header:
                    unknown.append(position)
            elif found == META:
                meta[position] = header
            elif found in first:
                duplicates.append((first[found], position, found))
            else:
                first[found] = position
                names[position] = found
        if self.survey and "respondent_id" not in first:
            by_key = {key(h): p for p, h in meta.items()}
            for candidate in SUBMISSION_IDS:
                if candidate in by_key:
                    position = by_key[candidate]
                    names[position] = "respondent_id"
                    del meta[position]
                    break
        return Resolved(names, unknown, duplicates, meta)


def _last(k: str) -> str:
    for i in range(len(k) - 1, -1, -1):
        if k[i] in PATH_SEPARATORS:
            return k[i + 1 :]
    return k
