"""Statistical audit of a survey index (the JRC / COINr checks).

- Cronbach's alpha of each variable, over its items (cases: respondents who answered every item
  of the variable) and over its indicators (cases: kab/kota):

      α = k/(k − 1) · (1 − Σ_j σ²_j / σ²_total),  σ² with ddof = 1, k = number of items

- correlations (kab/kota level) of each indicator with its variable and with the index, of each
  variable with the index, and between indicators of one variable; flags ``collinear``
  (r > 0.9) and ``negative`` (r < −0.4);
- PCA of each variable's indicators: the share of variance of the first principal component of
  their correlation matrix (one dominant component supports adding them up);
- coverage: per indicator, the share of the respondents asked it who have a score; per kab/kota,
  the share of asked (respondent, indicator) cells with a score; flagged below 66 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.scoring import asked_table, decoded_answers
from bnn_lib.spec import IndexSpec

COLLINEAR, NEGATIVE, MIN_COVERAGE = 0.9, -0.4, 0.66
# Cronbach's α from which a variable's items or indicators count as consistent (the usual rule
# of thumb); the reports state it beside the α they show.
MIN_ALPHA = 0.7


def cronbach_alpha(items: pd.DataFrame | np.ndarray) -> float:
    """α of a cases × items matrix, over the complete cases; NaN with < 2 items or < 2 cases."""
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    if k < 2 or len(x) < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total)) if total > 0 else float("nan")


def item_matrix(answers: pd.DataFrame, respondent_ids: pd.Index, spec: IndexSpec) -> pd.DataFrame:
    """Respondents × items, reverse-coded, missing codes and blanks as NaN."""
    items = pd.DataFrame(spec.items_table())
    resp_code, item_code, value = decoded_answers(answers, respondent_ids, spec)
    matrix = np.full((len(respondent_ids), len(items)), np.nan)
    matrix[resp_code, item_code] = value
    return pd.DataFrame(matrix, index=respondent_ids, columns=items["item_id"])


def first_component_share(table: pd.DataFrame) -> float:
    """Share of variance of the first principal component of the columns' correlation matrix."""
    complete = table.dropna()
    if table.shape[1] < 2 or len(complete) < 3:
        return float("nan")
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(complete.to_numpy().T))
    return float(eigenvalues.max() / eigenvalues.sum())


def audit_variables(
    spec: IndexSpec, items: pd.DataFrame, indicators: pd.DataFrame, scores: pd.DataFrame, asked: pd.DataFrame
) -> pd.DataFrame:
    """Per variable: alpha over items and over indicators, first-component share.

    ``items``: :func:`item_matrix`; ``indicators``: kab/kota × indicator (S_{k,i});
    ``scores``: respondent × indicator (s_{r,i}); ``asked``: respondent × indicator booleans.
    """
    rows = []
    for var in spec.variables:
        item_ids = [it.id for ind in var.indicators for it in ind.items]
        ind_ids = [ind.id for ind in var.indicators]
        askers = asked[ind_ids].all(axis=1)
        rows.append({
            "variable_id": var.id,
            "variable": var.name,
            "n_items": len(item_ids),
            "alpha_items": cronbach_alpha(items.loc[askers, item_ids]),
            "alpha_indicators": cronbach_alpha(indicators[ind_ids]),
            "pca_first_share": first_component_share(indicators[ind_ids]),
            "coverage": float(scores.loc[askers, ind_ids].notna().to_numpy().mean()) if askers.any() else float("nan"),
        })  # fmt: skip
    out = pd.DataFrame(rows)
    out["low_coverage"] = out["coverage"] < MIN_COVERAGE
    return out


def correlations(spec: IndexSpec, indicators: pd.DataFrame, variables: pd.DataFrame, index: pd.Series) -> pd.DataFrame:
    """Pearson correlations across kab/kota, with the collinear/negative flags."""
    rows = []

    def add(kind: str, a: str, b: str, x: pd.Series, y: pd.Series) -> None:
        r = x.corr(y)
        rows.append({"kind": kind, "a": a, "b": b, "r": r, "collinear": r > COLLINEAR, "negative": r < NEGATIVE})

    for var in spec.variables:
        ids = [i.id for i in var.indicators]
        for i in ids:
            add("indicator-variable", i, var.id, indicators[i], variables[var.id])
            add("indicator-index", i, "index", indicators[i], index)
        for j, a in enumerate(ids):
            for b in ids[j + 1 :]:
                add("indicator-indicator", a, b, indicators[a], indicators[b])
        add("variable-index", var.id, "index", variables[var.id], index)
    return pd.DataFrame(rows)


def flagged(variables: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``variables`` (:func:`audit_variables`) with ``n_flagged``: the flagged correlations
    (collinear or negative) of each variable, with its indicators and with the index."""
    flags = pairs["collinear"].astype(int) + pairs["negative"].astype(int)
    n = [int(flags[(pairs["a"] == v) | (pairs["b"] == v)].sum()) for v in variables["variable_id"]]
    return variables.assign(n_flagged=n)


def summary(pairs: pd.DataFrame, ranks: pd.DataFrame | None, low: str, high: str) -> pd.DataFrame:
    """One row: of the indicator pairs within a variable, how many (``n_pairs``), collinear and
    negative; and, with the sensitivity run's ``ranks``, the median width of the kab/kota rank
    intervals (``low``–``high``) and how many kab/kota change band in some run."""
    within = pairs[pairs["kind"] == "indicator-indicator"]
    row = {
        "n_pairs": len(within),
        "n_collinear": int(within["collinear"].sum()),
        "n_negative": int(within["negative"].sum()),
        "median_rank_width": float("nan"),
        "n_other_band": pd.NA,
        "n_ranked": pd.NA,
    }
    if ranks is not None:
        row |= {
            "median_rank_width": float((ranks[high] - ranks[low]).median()),
            "n_other_band": int((ranks["share_other_band"] > 0).sum()),
            "n_ranked": len(ranks),
        }
    return pd.DataFrame([row]).astype({"n_other_band": "Int64", "n_ranked": "Int64"})


def coverage(scores: pd.DataFrame, asked: pd.DataFrame, kabkota: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage per indicator and per kab/kota (share of asked cells with a score), flagged."""
    present = scores.notna() & asked
    per_indicator = (present.sum() / asked.sum().replace(0, np.nan)).rename("coverage").reset_index()
    per_indicator.columns = ["indicator_id", "coverage"]
    cells = present.sum(axis=1).groupby(kabkota.to_numpy()).sum() / asked.sum(axis=1).groupby(kabkota.to_numpy()).sum()
    per_kabkota = cells.rename("coverage").rename_axis("kabkota_code").reset_index()
    for table in (per_indicator, per_kabkota):
        table["low_coverage"] = table["coverage"] < MIN_COVERAGE
    return per_indicator, per_kabkota


def asked_matrix(spec: IndexSpec, groups: pd.Series) -> pd.DataFrame:
    """Respondent × indicator: is the respondent's group asked the indicator?"""
    table = asked_table(spec)
    return pd.DataFrame(table.reindex(groups.to_numpy()).to_numpy(bool), index=groups.index, columns=table.columns)
