"""The stages of a survey index (IKOTAN, IKP) from respondents to its kab/kota table, each one
function, with what of the spec each stage reads (docs/methodology.md §2.3, §3.3):

    respondent_groups   s_{r,i} and the group sums, weights, head counts     scale, items, who answers what
    entity_indicators   S_{k,i}, or S_{(k,u),i} per group (IKP)              unit weighting, by group
    index_tables        the variables and the index of each entity           weights, aggregation method
    entity_table        the index on both scales, coverage, respondents      rescale
    banded_kabkota      one row per kab/kota, its band, the edges in force   band rule
    kabkota_table       region names, spec id, ranks: ``<index>_kabkota``

:func:`bnn_lib.pipeline.compute_survey` runs them in order. The what-if (:mod:`bnn_lib.whatif`)
runs the first once per year and the others on each change of an assumption: both make the
kab/kota table with these functions, so they cannot disagree.
"""

from __future__ import annotations

import pandas as pd

from bnn_lib.aggregate import index_tables, kabkota_mean, rescale
from bnn_lib.bands import band_edges, classify
from bnn_lib.ranking import with_ranks
from bnn_lib.scoring import entity_indicators, group_sums, respondent_scores
from bnn_lib.spec import IndexSpec
from bnn_lib.tidy import tidy

GroupStats = tuple[pd.DataFrame, pd.DataFrame, pd.Series]  # Σ w_r s_{r,i}, Σ w_r, head count per (kab/kota, group)


def respondent_groups(
    people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec, scores: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, GroupStats]:
    """The respondent scores s_{r,i} and, per (kab/kota, group), their weighted sums, the
    weights and the head counts (:func:`bnn_lib.scoring.group_sums`), from respondents indexed
    by id and their answers. ``scores``, given, are the respondent scores already computed (by
    the checks of the inputs), one row per respondent of ``people`` in order."""
    if scores is None:
        scores = respondent_scores(answers, people.index, spec)
    elif not scores.index.astype(str).equals(people.index.astype(str)):
        raise ValueError("the scores given are not of these respondents, in this order")
    return scores, group_sums(scores, people, spec)


def scoring_fields(spec: IndexSpec) -> dict[str, object]:
    """What of ``spec`` :func:`respondent_groups` reads: the answer scale, the items of each
    indicator (reverse or not) and the groups that answer it. Two specs equal here give the
    same respondent scores and group sums."""
    scale = spec.scale
    return {
        "scale": (scale.min, scale.max, tuple(scale.missing_codes), scale.min_answered_share),
        "groups": tuple(spec.groups),
        "indicators": tuple(
            (i.id, tuple(i.groups), tuple((item.id, item.reverse) for item in i.items)) for i in spec.indicators
        ),
    }


def survey_stages(
    people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec, scores: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, GroupStats, pd.DataFrame, pd.DataFrame, pd.Series]:
    """The stages of a survey index from respondents (indexed by id) and their answers:
    respondent scores s_{r,i}; the group sums, weights and head counts; the entity × indicator
    and × variable tables; the index of each entity on the score scale (docs/methodology.md §2.3).
    ``scores``: as :func:`respondent_groups` takes them."""
    scores, (sums, weights, heads) = respondent_groups(people, answers, spec, scores)
    indicators = entity_indicators(sums, weights, spec)
    variables, value = index_tables(indicators, spec)
    return scores, (sums, weights, heads), indicators, variables, value


def entity_table(indicators: pd.DataFrame, value: pd.Series, heads: pd.Series, spec: IndexSpec) -> pd.DataFrame:
    """One row per entity (a kab/kota; a kab/kota's group with ``by_group``, IKP), indexed as
    ``indicators``: ``value`` (score scale), ``value_100``, ``coverage`` (the share of
    indicators with a score) and ``n_respondents`` (from the head counts per kab/kota × group)."""
    entity = pd.DataFrame({"value": value, "value_100": rescale(value, spec.rescale)})
    entity["coverage"] = indicators.notna().mean(axis=1)
    if spec.aggregation.by_group:
        entity["n_respondents"] = heads.reindex(entity.index)
    else:
        entity["n_respondents"] = heads.groupby(level="kabkota_code").sum().reindex(entity.index)
    return entity


def banded_kabkota(entity: pd.DataFrame, spec: IndexSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per kab/kota (``kabkota_code`` a column) with its ``band``, and the band edges in
    force (:func:`bnn_lib.bands.band_edges`: under equal intervals, over this set of kab/kota),
    from :func:`entity_table`."""
    kabkota = entity
    if spec.aggregation.by_group:
        # A kab/kota value is the mean of its environments (docs/methodology.md §3.3).
        kabkota = kabkota_mean(entity[["value", "value_100", "coverage"]])
        kabkota["n_respondents"] = entity["n_respondents"].groupby(level="kabkota_code").sum()
    edges = band_edges(spec.bands, kabkota["value_100"])
    return kabkota.assign(band=classify(kabkota["value_100"], spec.bands, edges)).reset_index(), edges


def kabkota_table(kabkota: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The ``<index>_kabkota`` result table from :func:`banded_kabkota`: region names, the spec
    id and version, the national and provincial ranks."""
    return with_ranks(tidy(kabkota, spec))
