"""The names offices see (``bnn_lib/data/names.toml``): each column's Indonesian header and the other
headers read as it, and each choice's Indonesian word.

The template, the survey form and the reader all take their names from here: what the template
writes is what the reader expects, and a file with the columns' ids (``respondent_id``,
``phase = before``) is read as well as one with their Indonesian names (``id_responden``,
``fase = sebelum``).

    header("respondent_id")        # "id_responden"
    headers("respondent_id")       # ("id_responden", "kode_responden", "responden_id")
    word("phase", "before")        # "sebelum"
    choices("phase", ["mapping", "before", "after"])   # every word read → its id
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache

from bnn_lib.paths import SHIPPED

NAMES_FILE = SHIPPED / "names.toml"


@cache
def _table() -> dict:
    with NAMES_FILE.open("rb") as f:
        return tomllib.load(f)


def header(column: str) -> str:
    """The Indonesian header of a column (its id where the table gives none)."""
    entry = _table()["columns"].get(column)
    if entry is not None:
        return entry["header"]
    for prefix, indonesian in _table()["prefixes"].items():
        if column.startswith(prefix):
            return indonesian + column.removeprefix(prefix)
    return column


def headers(column: str) -> tuple[str, ...]:
    """Every header read as ``column`` besides its id: its Indonesian header, then its aliases."""
    entry = _table()["columns"].get(column, {})
    return tuple(dict.fromkeys([header(column), *entry.get("aliases", [])]))


def word(column: str, value: object) -> object:
    """The Indonesian word of a choice id (``before`` → ``sebelum``); any other value as it is."""
    words = _table()["choices"].get(column, {})
    return words[value][0] if isinstance(value, str) and value in words else value


def choices(column: str, ids: Iterable[str]) -> dict[str, str]:
    """Every word read as one of ``ids`` (the ids themselves, their Indonesian words and other
    words) → its id, the Indonesian words first: the template's list is its values in order."""
    words = _table()["choices"].get(column, {})
    ids = list(ids)
    out = {word(column, i): i for i in ids}
    for i in ids:
        out |= {w: i for w in words.get(i, [])}
        out.setdefault(i, i)
    return out
