"""Survey scoring: questionnaire answers → indicator scores of each kab/kota (or environment).

Notation of docs/methodology.md (§2.3), r a respondent, u an observation unit (respondent group),
k a kab/kota, i an indicator:

    s_{r,i}   = mean of r's answered items of i, reverse items scored min + max − answer;
                missing when fewer than ``min_answered_share`` of i's items are answered
    S_{k,u,i} = Σ_{r∈(k,u)} w_r s_{r,i} / Σ w_r           (w_r = respondent weight, default 1)
    S_{k,i}   = mean_{u∈U(i)} S_{k,u,i}                     (unit_weighting = "equal_unit")
              = Σ_{r∈k, u(r)∈U(i)} w_r s_{r,i} / Σ w_r      (unit_weighting = "pooled")

U(i) is the set of groups that answer indicator i. With ``by_group`` (IKP) the entity is the pair
(k, u) and S_{(k,u),i} = S_{k,u,i}. Everything is vectorised: no loop over respondents or items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.aggregate import index_tables
from bnn_lib.lookup import positions
from bnn_lib.spec import IndexSpec


def decoded_answers(
    answers: pd.DataFrame, respondent_ids: pd.Index, spec: IndexSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The answered answers, decoded: the position of each one's respondent (in
    ``respondent_ids``) and item (in :meth:`IndexSpec.items_table` order) and its value, reverse
    items scored ``min + max − answer``.

    Blanks and ``scale.missing_codes`` ("tidak tahu") are not answers, and neither are answers of
    unknown respondents or items (the data contracts refuse them on load): they are left out.
    The scores and the audit's item matrix both read the answers here.
    """
    scale = spec.scale
    items = pd.DataFrame(spec.items_table())
    item_code = positions(answers["item_id"], pd.Index(items["item_id"]))
    resp_code = positions(answers["respondent_id"], respondent_ids)
    value = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    ok = (item_code >= 0) & (resp_code >= 0) & ~np.isnan(value) & ~np.isin(value, scale.missing_codes)
    item_code, resp_code, value = item_code[ok], resp_code[ok], value[ok]
    reverse = items["reverse"].to_numpy(dtype=bool)[item_code]
    return resp_code, item_code, np.where(reverse, scale.min + scale.max - value, value)


def respondent_scores(answers: pd.DataFrame, respondent_ids: pd.Index, spec: IndexSpec) -> pd.DataFrame:
    """s_{r,i}: one row per respondent (in ``respondent_ids`` order), one column per indicator.

    ``answers`` has columns ``respondent_id, item_id, value``; values in ``scale.missing_codes``
    or blank count as not answered. Answers of unknown respondents or items are ignored here
    (the data contracts refuse them on load).
    """
    scale = spec.scale
    items = pd.DataFrame(spec.items_table())
    indicator_ids = [i.id for i in spec.indicators]
    item_indicator = items["indicator_id"].map({k: j for j, k in enumerate(indicator_ids)}).to_numpy()
    n_items = np.bincount(item_indicator, minlength=len(indicator_ids))
    resp_code, item_code, value = decoded_answers(answers, respondent_ids, spec)

    n_ind, n_resp = len(indicator_ids), len(respondent_ids)
    key = resp_code.astype(np.int64) * n_ind + item_indicator[item_code]
    sums = np.bincount(key, weights=value, minlength=n_resp * n_ind).reshape(n_resp, n_ind)
    counts = np.bincount(key, minlength=n_resp * n_ind).reshape(n_resp, n_ind)
    enough = (counts > 0) & (counts >= scale.min_answered_share * n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(enough, sums / counts, np.nan)
    return pd.DataFrame(scores, index=respondent_ids, columns=indicator_ids)


def group_sums(
    scores: pd.DataFrame, respondents: pd.DataFrame, spec: IndexSpec
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per (kab/kota, group): Σ w_r s_{r,i}, Σ w_r over respondents with a score, and the head count.

    Scores of a group that does not answer indicator i (u ∉ U(i)) are dropped. ``respondents``
    is indexed like ``scores`` and has ``kabkota_code, group`` and optionally ``weight``.
    """
    keys = [respondents["kabkota_code"], respondents["group"]]
    w = respondents["weight"] if "weight" in respondents else pd.Series(1.0, index=respondents.index)
    answered = scores.notna()
    weighted = scores.fillna(0.0).mul(w, axis=0)
    sums = weighted.groupby(keys, observed=True).sum()
    weights = answered.mul(w, axis=0).groupby(keys, observed=True).sum()
    allowed = group_mask(spec, sums.index.get_level_values("group"), scores.columns)
    sums, weights = sums.where(allowed), weights.where(allowed, 0.0)
    heads = respondents.groupby(keys, observed=True).size().rename("n_respondents")
    return sums, weights, heads


def asked_table(spec: IndexSpec) -> pd.DataFrame:
    """Groups × indicators: True where group u answers indicator i (u ∈ U(i))."""
    return pd.DataFrame({i.id: [g in i.groups for g in spec.groups] for i in spec.indicators}, index=list(spec.groups))


def group_mask(spec: IndexSpec, groups: pd.Index, indicator_ids: pd.Index) -> np.ndarray:
    """Boolean (rows × indicators): does this row's group answer this indicator?"""
    return asked_table(spec).reindex(index=groups, columns=indicator_ids, fill_value=False).to_numpy(dtype=bool)


def entity_indicators(sums: pd.DataFrame, weights: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """S_{k,i} (or S_{(k,u),i} with ``by_group``): one row per entity, one column per indicator.

    ``sums`` and ``weights`` come from :func:`group_sums` (rows: kabkota_code × group); any
    further index level (the bootstrap's ``replicate``) is kept apart like the kab/kota.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        group_means = sums / weights.where(weights > 0)
    if spec.aggregation.by_group:
        return group_means
    entity = [name for name in sums.index.names if name != "group"]
    if spec.aggregation.unit_weighting == "pooled":
        total = sums.groupby(level=entity).sum(min_count=1)
        return total / weights.groupby(level=entity).sum().where(lambda x: x > 0)
    return group_means.groupby(level=entity).mean()


def group_index(sums: pd.DataFrame, weights: pd.DataFrame, spec: IndexSpec) -> pd.Series:
    """The index each respondent group's own answers give (score scale), per row of ``sums``:
    the tree of :func:`bnn_lib.aggregate.index_tables` over S_{k,u,i}, the indicators the group
    answers (weights renormalised over them). For an index computed per group (IKP) this is the
    environment's value; for IKOTAN it compares a group with the same group elsewhere."""
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / weights.where(weights > 0)
    return index_tables(means, spec)[1]


def group_means(sums: pd.DataFrame, weights: pd.DataFrame, heads: pd.Series) -> pd.DataFrame:
    """S_{k,u,i} in long form: kabkota_code, group, indicator_id, score, n_respondents."""
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / weights.where(weights > 0)
    long = means.rename_axis(columns="indicator_id").stack().rename("score").reset_index()
    return long.merge(heads.reset_index(), on=["kabkota_code", "group"], how="left")
