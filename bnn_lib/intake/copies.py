"""Respondents copied from another file (or another part of the same file) under new ids.

An office short of questionnaires may copy rows from another office's file and give them new
ids: each row passes every check, and the copied answers count twice. One respondent answering
exactly as another is no evidence: with a dozen items on a four-point scale, and people who
answer consistently, identical answers occur by chance many times in a national year. Rows
copied as a block are. :func:`copied_answers` looks for runs of two or more consecutive rows
whose group and answers repeat consecutive rows elsewhere, in the same order, and flags a run
when it is too unlikely to be chance.

The chance that a row repeats a given row is estimated for each answer vector as the larger of two
figures: the share of the other respondents of the same kab/kota and group (the copy and its
source left out) who gave it or a vector one answer away from it, in the copy's place and in the
source's, which captures people answering alike (a kab/kota where nearly everyone answers "4"
but for one item); and the chance of the vector were answers independent: the share of its
group, times the product over items of the share of the group giving each answer (a blank
counts as an answer). A run is flagged when its chance
(the product over its rows) times the number of places two runs could start (N²/2) is below
:data:`CHANCE`. A vector given by more than :data:`COMMON` respondents is
passed over: only a very long run of it would count, and its pairs would cost time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.intake.problems import Problem

CHANCE = 0.01  # expected chance runs below which a run is flagged
BLANK = -np.inf  # an item not answered: a value of its own, off every answer scale
MIN_ANSWERS = 2  # respondents answering fewer items say nothing about copying
COMMON = 200  # respondents sharing one vector beyond which its pairs are not looked at
MAX_LISTED = 20  # respondents listed; the others are counted in one more warning
MESSAGE = (
    "jawaban dan kelompok sama persis dengan responden {other!r}, seperti baris-baris sekitarnya "
    "(disalin dengan kode baru?)"
)


def copied_answers(people: pd.DataFrame, answers: pd.DataFrame) -> list[Problem]:
    """A warning for each respondent in a block of rows that repeats another block, naming both
    places. ``people`` and ``answers`` carry their locations (``_source``, ``_row``)."""
    people = people.drop_duplicates("respondent_id").sort_values(["_source", "_row"], kind="stable")
    if len(people) < 4:
        return []
    grid = _grid(people, answers)
    vectors = pd.util.hash_pandas_object(pd.DataFrame(grid), index=False).to_numpy()
    places = [c for c in ("kabkota_code", "group") if c in people]
    context = people.groupby(places, sort=False, observed=True, dropna=False).ngroup().to_numpy()
    following = _following(people)
    # A respondent who answered (almost) nothing is in no run: blank rows are alike without copying.
    blank = np.flatnonzero((grid[:, 1:] != BLANK).sum(axis=1) < MIN_ANSWERS)
    following[blank] = -1
    following[blank - 1] = -1
    pairs = _copied_runs(grid, vectors, following, context, skip=set(blank.tolist()))
    ids, sources, rows = (people[c].to_numpy() for c in ("respondent_id", "_source", "_row"))
    problems = [
        Problem(str(sources[i]), int(rows[i]), "respondent_id", ids[i], MESSAGE.format(other=str(ids[j])),
                also=(str(sources[j]), int(rows[j])))
        for i, j in pairs
    ]  # fmt: skip
    if len(problems) > MAX_LISTED:
        more = Problem(problems[0].file, None, None, None, f"… dan {len(problems) - MAX_LISTED} responden salinan lain")
        problems = [*problems[:MAX_LISTED], more]
    return problems


def _grid(people: pd.DataFrame, answers: pd.DataFrame) -> np.ndarray:
    """One row per respondent (in ``people``'s order): its group's code, then its answer to every
    item (a blank is a value of its own)."""
    at = pd.Index(people["respondent_id"].astype(str)).get_indexer(answers["respondent_id"].astype(str))
    known = at >= 0
    items, _ = pd.factorize(answers["item_id"])
    grid = np.full((len(people), items.max(initial=-1) + 2), BLANK)
    grid[at[known], items[known] + 1] = answers["value"].to_numpy(dtype=float)[known]
    if "group" in people:
        grid[:, 0] = pd.factorize(people["group"])[0]
    return grid


def _independent_chance(grid: np.ndarray) -> np.ndarray:
    """For each respondent, the chance of its vector were answers independent: the share of its
    group (column 0), times the product over items of the share of that group's respondents who
    gave its answer (groups are asked different items)."""
    chance = np.zeros(len(grid))
    for group in np.unique(grid[:, 0]):
        rows = np.flatnonzero(grid[:, 0] == group)
        log_chance = np.full(len(rows), np.log(len(rows) / len(grid)))
        for column in grid[rows, 1:].T:
            codes, _ = pd.factorize(column, use_na_sentinel=False)
            log_chance += np.log(np.bincount(codes)[codes] / len(rows))
        chance[rows] = np.exp(log_chance)
    return chance


def _alike_share(grid: np.ndarray, context: np.ndarray, row: int, other: int) -> float:
    """The share of the respondents of ``row``'s kab/kota and group, ``row`` and ``other`` left
    out, whose vector is ``row``'s or one answer away from it."""
    mates = np.flatnonzero(context == context[row])
    mates = mates[(mates != row) & (mates != other)]
    if not len(mates):
        return 0.0
    return float(((grid[mates] != grid[row]).sum(axis=1) <= 1).mean())


def _copied_runs(
    grid: np.ndarray, vectors: np.ndarray, following: np.ndarray, context: np.ndarray, skip: set[int]
) -> list[tuple[int, int]]:
    """(copy, original) positions of the rows of every run that repeats another run and is too
    unlikely to be chance; the original is the earlier of the two places. Rows in ``skip`` start
    no run (``following`` already keeps them out of the middle of one)."""
    groups = pd.Series(np.arange(len(vectors))).groupby(vectors).indices
    starts = len(vectors) ** 2 / 2
    chance = _independent_chance(grid)
    alike: dict[tuple[int, int], float] = {}  # for the rows of candidate runs only
    found: dict[int, int] = {}
    for members in groups.values():
        if len(members) > COMMON or members[0] in skip:
            continue  # so common a vector would need a very long run to count; its pairs cost n²
        for a_at, a in enumerate(members):
            for b in members[a_at + 1 :]:
                run = _run(a, b, vectors, following)
                if len(run) < 2 or starts * np.prod([chance[y] for _, y in run]) >= CHANCE:
                    continue
                for x, y in run:
                    if (x, y) not in alike:
                        shares = _alike_share(grid, context, x, y), _alike_share(grid, context, y, x)
                        alike[x, y] = max(chance[y], *shares)
                if starts * np.prod([alike[pair] for pair in run]) < CHANCE:
                    for x, y in run:
                        found.setdefault(y, x)
    return sorted(found.items())


def _following(people: pd.DataFrame) -> np.ndarray:
    """The position of the next respondent in the same file (−1 after a file's last)."""
    sources = people["_source"].astype(str).to_numpy()
    following = np.arange(1, len(people) + 1)
    following[np.r_[sources[1:] != sources[:-1], True]] = -1
    return following


def _run(a: int, b: int, vectors: np.ndarray, following: np.ndarray) -> list[tuple[int, int]]:
    """The pairs (a, b), (a+1, b+1), … for as long as the rows after each repeat each other."""
    run = [(a, b)]
    while True:
        a, b = following[a], following[b]
        if a < 0 or b < 0 or a == run[0][1] or vectors[a] != vectors[b]:
            return run
        run.append((a, b))
