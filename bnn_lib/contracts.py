"""Data contracts: read the input tables (CSV, Excel, Parquet) and validate them on load.

The tables and their columns are described in ``data/README.md``. Column checks (types, allowed
values, ranges) run through pandera with lazy validation, so every failing cell is found in one
pass; cross-table rules (a respondent in two kab/kota, answers of unknown respondents, a group
with no respondents) are checked here. Problems are collected, not raised one by one:
:class:`DataError` lists each with its file, row, column and value.

Row numbers are those a person sees: the spreadsheet row for CSV and Excel (the header is row 1,
so the first record is row 2), and the 1-based record number for Parquet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from bnn_lib.kawasan import STATUSES
from bnn_lib.regions import regions
from bnn_lib.scoring import positions
from bnn_lib.spec import IndexSpec

MAX_LISTED = 50  # problems printed by DataError
MAX_PER_CHECK = 20  # failing cells listed per column and check; the rest are counted
READERS = {".csv", ".xlsx", ".parquet"}
ID_COLUMNS = {
    "respondent_id",
    "item_id",
    "kabkota_code",
    "group",
    "kawasan_id",
    "phase",
    "status",
    "measure",
    "region_code",
    "unit",
}


@dataclass(frozen=True)
class Problem:
    """One bad cell (or a bad table, when row and column are None)."""

    file: str
    row: int | None
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column!r}" if self.column else "",
            )
            if part
        )
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.file}: {where + ': ' if where else ''}{self.message}{value}"


class DataError(ValueError):
    """Input data that break the contract; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        files = sorted({p.file for p in problems})
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED])
        more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{len(problems)} problem(s) in {', '.join(files)}:\n{shown}{more}")

    def __reduce__(self) -> tuple:
        # Rebuilt from the problems when it crosses a process boundary (compute_years).
        return (DataError, (self.problems,))


@dataclass
class Checked:
    """A table that passed its contract, with the warnings found on the way."""

    table: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)


# -- reading ----------------------------------------------------------------------------------


def read_table(path: str | Path, categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a CSV, Excel (first sheet) or Parquet file; id columns are read as text.

    Columns named in ``categorical`` become categoricals: answer tables repeat a few thousand
    ids over millions of rows, and every later step then works on the distinct values only.

    Kab/kota codes typed as numbers in Excel (11.1 for "11.10") are restored to two decimals.
    The frame keeps ``attrs["source"]`` (the file name) and ``attrs["row_offset"]`` (what to add
    to a 0-based position to get the row a person sees).
    """
    path = Path(path)
    if path.suffix not in READERS:
        raise DataError([Problem(path.name, None, None, None, f"unsupported file type; use {sorted(READERS)}")])
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=dict.fromkeys(ID_COLUMNS, "str"), encoding="utf-8-sig")
        offset = 2
    elif path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype={c: "str" for c in ID_COLUMNS})
        offset = 2
    else:
        frame = pd.read_parquet(path)
        offset = 1
    for column in ID_COLUMNS & set(frame.columns):
        if column in categorical:
            frame[column] = _as_category(frame[column], column)
        else:
            frame[column] = _as_text(frame[column], column)
    frame.attrs.update(source=path.name, row_offset=offset)
    return frame


def _as_text(column: pd.Series, name: str) -> pd.Series:
    """Ids as stripped text; numeric kab/kota codes (11.1) back to their two-decimal form.

    The cleaning runs on the distinct values only and is then spread back over the rows.
    """
    codes, uniques = pd.factorize(column)
    text = pd.Series(uniques, dtype=object).astype("str").str.strip()
    if name in ("kabkota_code", "region_code"):
        text = text.str.replace(r"^(\d{2}\.\d)$", r"\g<1>0", regex=True).str.replace(r"\.0$", "", regex=True)
    out = text.take(np.where(codes >= 0, codes, 0)).where(codes >= 0)
    return pd.Series(out.to_numpy(), index=column.index, dtype="str", name=column.name)


def _as_category(column: pd.Series, name: str) -> pd.Series:
    """Like :func:`_as_text`, applied to the distinct values of a categorical column."""
    category = column.astype("category")
    cleaned = _as_text(pd.Series(category.cat.categories), name)
    if cleaned.isna().any() or cleaned.duplicated().any():  # stripping merged two ids
        return _as_text(column, name).astype("category")
    return category.cat.rename_categories(cleaned.to_list())


def find_table(folder: Path, name: str) -> Path | None:
    """The file of table ``name`` in ``folder``: ``name.ext`` or ``name_<label>.ext``."""
    matches = sorted(
        p for p in folder.glob(f"{name}*") if p.suffix in READERS and re.fullmatch(rf"{name}(_[\w-]+)?", p.stem)
    )
    if len(matches) > 1:
        raise DataError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    None,
                    f"several files for table {name!r}: {[m.name for m in matches]}",
                )
            ]
        )
    return matches[0] if matches else None


# -- column checks ---------------------------------------------------------------------------


def _numeric_in(allowed: list[float] | None = None, lo: float | None = None, hi: float | None = None):
    """A vectorised element-wise check: the cell is a number (in ``allowed`` or [lo, hi])."""

    def check(series: pd.Series) -> pd.Series:
        x = pd.to_numeric(series, errors="coerce")
        ok = x.notna()
        if allowed is not None:
            ok &= x.isin(allowed)
        if lo is not None:
            ok &= x >= lo
        if hi is not None:
            ok &= x <= hi
        return ok | series.isna()

    return check


def _text_in(allowed: set[str]):
    def check(series: pd.Series) -> pd.Series:
        return series.isin(allowed) | series.isna()

    return check


def _column(check=None, error: str = "", *, required: bool = True, nullable: bool = False) -> pa.Column:
    checks = [pa.Check(check, element_wise=False, error=error)] if check else []
    return pa.Column(checks=checks, required=required, nullable=nullable, coerce=False)


def _schema_problems(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Problem]:
    """Run a pandera schema lazily and turn its failure cases into problems."""
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    source, offset = frame.attrs.get("source", "<table>"), frame.attrs.get("row_offset", 1)
    problems = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        column = None if pd.isna(column) else column
        for case in group.head(MAX_PER_CHECK).itertuples():
            row = None if case.index is None or pd.isna(case.index) else int(case.index) + offset
            if check == "column_in_dataframe":
                problems.append(Problem(source, None, case.failure_case, None, "required column is missing"))
            elif check == "not_nullable":
                problems.append(Problem(source, row, column, None, "is blank"))
            else:
                problems.append(Problem(source, row, column, case.failure_case, check))
        if len(group) > MAX_PER_CHECK:
            more = f"{len(group) - MAX_PER_CHECK} more rows fail this check: {check}"
            problems.append(Problem(source, None, column, None, more))
    return problems


def _region_codes() -> tuple[set[str], set[str]]:
    registry = regions()
    return set(registry.kabkota_table["code"]), set(registry.province_table["code"])


# -- the contracts -------------------------------------------------------------------------------


def check_respondents(frame: pd.DataFrame, spec: IndexSpec) -> Checked:
    """Respondents: respondent_id, kabkota_code, group, optional weight (> 0)."""
    kabkota, _ = _region_codes()
    schema = pa.DataFrameSchema(
        {
            "respondent_id": _column(),
            "kabkota_code": _column(_text_in(kabkota), "unknown kab/kota code (see data/regions/kabkota.csv)"),
            "group": _column(
                _text_in(set(spec.groups)), f"unknown respondent group; the spec has {sorted(spec.groups)}"
            ),
            "weight": _column(_numeric_in(lo=1e-12), "weight must be a positive number", required=False),
        }
    )
    problems = _schema_problems(frame, schema)
    source, offset = frame.attrs.get("source", "<table>"), frame.attrs.get("row_offset", 1)
    warnings = []
    if "respondent_id" in frame and "kabkota_code" in frame:
        dup = frame[frame["respondent_id"].duplicated(keep=False) & frame["respondent_id"].notna()]
        places = dup.groupby("respondent_id")["kabkota_code"].nunique()
        for rid, rows in dup.groupby("respondent_id").groups.items():
            first, *others = (int(frame.index.get_loc(r)) + offset for r in rows)
            if places[rid] > 1:
                codes = sorted(dup.loc[rows, "kabkota_code"].dropna().unique())
                message = f"respondent in two kab/kota {codes} (first at row {first})"
            else:
                message = f"duplicate respondent id (first at row {first})"
            problems += [Problem(source, row, "respondent_id", rid, message) for row in others]
    if "group" in frame and not problems:
        counts = pd.crosstab(frame["kabkota_code"], frame["group"]).reindex(columns=list(spec.groups), fill_value=0)
        for gid in counts.columns[counts.sum() == 0]:
            problems.append(Problem(source, None, "group", gid, "respondent group of the spec has no respondents"))
        for code, row in counts[(counts == 0).any(axis=1)].iterrows():
            if not problems:
                missing = ", ".join(sorted(row.index[row == 0]))
                warnings.append(Problem(source, None, "group", missing, f"no respondents in kab/kota {code}"))
    if problems:
        raise DataError(problems)
    out = frame.astype({"weight": float}) if "weight" in frame else frame
    return Checked(out, warnings)


def check_answers(frame: pd.DataFrame, spec: IndexSpec, respondents: pd.DataFrame) -> Checked:
    """Answers: respondent_id (known), item_id (in the spec), value (on the scale, a missing code
    or blank). Also refuses an item answered by a group that the spec does not ask it of.

    The id checks look each distinct id up once (:func:`positions`): an answer table repeats a
    few thousand ids over hundreds of thousands of rows.
    """
    scale = spec.scale
    values = list(np.arange(scale.min, scale.max + 1)) + list(scale.missing_codes)
    codes = "" if not scale.missing_codes else f" or a missing code {scale.missing_codes}"
    schema = pa.DataFrameSchema(
        {
            "respondent_id": _column(),
            "item_id": _column(),
            "value": _column(
                _numeric_in(allowed=values),
                f"answer outside the scale {scale.min:g}–{scale.max:g}{codes}",
                nullable=True,
            ),
        }
    )
    problems = _schema_problems(frame, schema)
    if not problems:
        items = [(item.id, ind.groups) for ind in spec.indicators for item in ind.items]
        item_code = positions(frame["item_id"], pd.Index([i for i, _ in items]))
        resp_code = positions(frame["respondent_id"], pd.Index(respondents["respondent_id"]))
        problems = _flagged(frame, resp_code < 0, "respondent_id", "unknown respondent (not in the respondents table)")
        problems += _flagged(frame, item_code < 0, "item_id", f"unknown item id (not in spec {spec.id})")
        if not problems:
            problems = _unasked_items(frame, spec, items, item_code, resp_code, respondents)
    if problems:
        raise DataError(problems)
    out = frame.assign(value=pd.to_numeric(frame["value"]).astype(float))
    return Checked(out)


def _flagged(frame: pd.DataFrame, bad: np.ndarray, column: str, message: str) -> list[Problem]:
    """A problem for each flagged row (the first MAX_PER_CHECK, then a count of the rest)."""
    rows = np.flatnonzero(bad)
    source, offset = frame.attrs.get("source", "<table>"), frame.attrs.get("row_offset", 1)
    problems = [Problem(source, int(i) + offset, column, frame[column].iat[i], message) for i in rows[:MAX_PER_CHECK]]
    if len(rows) > MAX_PER_CHECK:
        problems.append(
            Problem(source, None, column, None, f"{len(rows) - MAX_PER_CHECK} more rows fail this check: {message}")
        )
    return problems


def _unasked_items(
    frame: pd.DataFrame,
    spec: IndexSpec,
    items: list[tuple[str, list[str]]],
    item_code: np.ndarray,
    resp_code: np.ndarray,
    respondents: pd.DataFrame,
) -> list[Problem]:
    """A problem for each answer to an item whose indicator the respondent's group is not asked."""
    groups = pd.Index(list(spec.groups))
    asked = np.zeros((len(items), len(groups)), dtype=bool)
    for row, (_, item_groups) in enumerate(items):
        asked[row, groups.get_indexer(item_groups)] = True
    group_code = groups.get_indexer(respondents["group"])[resp_code]
    bad = ~asked[item_code, group_code]
    if not bad.any():
        return []
    first = group_code[np.flatnonzero(bad)[0]]
    return _flagged(frame, bad, "item_id", f"item not asked of respondent group {groups[first]!r} in spec {spec.id}")


def check_kawasan(frame: pd.DataFrame, spec: IndexSpec) -> Checked:
    """Kawasan assessments: kawasan_id, kabkota_code, year, phase (mapping/before/after), and
    either the 13 indicator columns (0/1) or ``status``; optional score_<dimension> on 1–4."""
    kabkota, _ = _region_codes()
    rule = spec.status_rule
    columns = {
        "kawasan_id": _column(),
        "kabkota_code": _column(_text_in(kabkota), "unknown kab/kota code"),
        "year": _column(_numeric_in(lo=2000, hi=2100), "year must be a number such as 2024"),
        "phase": _column(_text_in({"mapping", "before", "after"}), "phase must be mapping, before or after"),
        "status": _column(_text_in(set(STATUSES)), f"status must be one of {STATUSES}", required=False, nullable=True),
    }
    for name in rule.pokok + rule.pendukung:
        columns[name] = _column(_numeric_in(allowed=[0, 1]), "indicator must be 0 or 1", required=False, nullable=True)
    for var in spec.variables:
        columns[f"score_{var.id}"] = _column(
            _numeric_in(lo=spec.scale.min, hi=spec.scale.max),
            "score outside the scale",
            required=False,
            nullable=True,
        )
    problems = _schema_problems(frame, pa.DataFrameSchema(columns))
    source = frame.attrs.get("source", "<table>")
    has_indicators = set(rule.pokok + rule.pendukung) <= set(frame.columns)
    if not has_indicators and "status" not in frame:
        problems.append(Problem(source, None, None, None, "needs the indicator columns or a 'status' column"))
    problems += _duplicates(frame, ["kawasan_id", "year", "phase"])
    if problems:
        raise DataError(problems)
    return Checked(frame.astype({"year": int}))


def check_areas(frame: pd.DataFrame, spec: IndexSpec) -> Checked:
    """IKKTT area data: kawasan_id, kabkota_code, year, phase (before/after), one numeric
    column ≥ 0 per indicator of the spec."""
    kabkota, _ = _region_codes()
    columns = {
        "kawasan_id": _column(),
        "kabkota_code": _column(_text_in(kabkota), "unknown kab/kota code"),
        "year": _column(_numeric_in(lo=2000, hi=2100), "year must be a number such as 2024"),
        "phase": _column(_text_in({"before", "after"}), "phase must be before or after"),
    }
    for ind in spec.indicators:
        columns[ind.id] = _column(_numeric_in(lo=0), "must be a number ≥ 0", nullable=True)
    problems = _schema_problems(frame, pa.DataFrameSchema(columns))
    problems += _duplicates(frame, ["kawasan_id", "year", "phase"])
    if problems:
        raise DataError(problems)
    return Checked(frame.astype({"year": int}))


OUTPUT_MEASURES = ["penggiat_formed", "kawasan_intervened", "lifeskill_participants"]


def check_outputs(frame: pd.DataFrame) -> Checked:
    """Programme outputs per kab/kota and year: counts ≥ 0 of each output measure."""
    kabkota, _ = _region_codes()
    columns = {
        "kabkota_code": _column(_text_in(kabkota), "unknown kab/kota code"),
        "year": _column(_numeric_in(lo=2000, hi=2100), "year must be a number such as 2024"),
    }
    for name in OUTPUT_MEASURES:
        columns[name] = _column(_numeric_in(lo=0), "must be a count ≥ 0")
    problems = _schema_problems(frame, pa.DataFrameSchema(columns))
    problems += _duplicates(frame, ["kabkota_code", "year"])
    if problems:
        raise DataError(problems)
    return Checked(frame.astype({"year": int, **dict.fromkeys(OUTPUT_MEASURES, float)}))


def check_targets(frame: pd.DataFrame) -> Checked:
    """Targets: measure, region_code ("00" national or a province code), year, target > 0."""
    _, provinces = _region_codes()
    columns = {
        "measure": _column(),
        "region_code": _column(_text_in(provinces | {"00"}), "region_code must be '00' or a province code"),
        "year": _column(_numeric_in(lo=2000, hi=2100), "year must be a number such as 2024"),
        "target": _column(_numeric_in(lo=1e-12), "target must be a positive number"),
    }
    problems = _schema_problems(frame, pa.DataFrameSchema(columns))
    problems += _duplicates(frame, ["measure", "region_code", "year"])
    if problems:
        raise DataError(problems)
    return Checked(frame.astype({"year": int, "target": float}))


def _duplicates(frame: pd.DataFrame, keys: list[str]) -> list[Problem]:
    """A problem for each row that repeats the key of an earlier row."""
    if not set(keys) <= set(frame.columns):
        return []
    source, offset = frame.attrs.get("source", "<table>"), frame.attrs.get("row_offset", 1)
    repeated = np.flatnonzero(frame.duplicated(keys).to_numpy())
    return [
        Problem(
            source,
            int(i) + offset,
            ", ".join(keys),
            tuple(frame.iloc[i][keys]),
            "repeats the key of an earlier row",
        )
        for i in repeated
    ]
