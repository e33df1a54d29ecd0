"""Bounds shared by the command line, the specs and the input data, stated once.

The suite's years: an assessment year, a spec's ``years_from``/``years_to``, a year cell of the
input and ``--year`` of every command lie in FIRST_YEAR … LAST_YEAR. The indices began in the
2010s; the range leaves room either side while a mistyped year (0, 20244, 1924) is still
refused before anything is read or written.
"""

FIRST_YEAR = 2000
LAST_YEAR = 2100
# The largest ``min_cell``/``min_kawasan`` (a spec's ``[reporting]``, ``bnn export --min-cell``):
# more respondents than any kab/kota survey holds, so that every value would be hidden; a larger
# number is a typing slip, not a rule.
MAX_MIN_CELL = 1000


def year_range() -> str:
    """The accepted years as the messages write them: "2000–2100"."""
    return f"{FIRST_YEAR}–{LAST_YEAR}"
