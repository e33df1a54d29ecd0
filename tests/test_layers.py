"""Which layer does what: the engine computes, the reports read, select and format.

The tests read the source (``ast``), so they hold for code no report run reaches. Each forbidden
construct was found in the reports before and moved to the engine: a rank, a sum over rows, a
change as one value minus another, Python's ``round`` (the formatter rounds half up, as bands).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORTING = ROOT / "bnn_lib" / "reporting"
INTAKE = ROOT / "bnn_lib" / "intake"

# Methods that rank or aggregate rows. ``count`` and ``min``/``max`` are left out: Playwright
# counts locators, and chart layout takes the extent of what it draws.
AGGREGATES = {
    "rank", "groupby", "sum", "mean", "median", "std", "var", "diff", "pct_change", "cumsum",
    "cumprod", "value_counts", "nunique", "agg", "aggregate", "pivot_table", "resample", "corr",
    "quantile", "transform", "round", "crosstab", "nansum", "nanmean",
}  # fmt: skip
# Functions of the engine that compute: a report that calls one recomputes a result.
COMPUTING = {
    "ranks", "with_ranks", "with_province_ranks", "rollup", "region_means", "region_sums", "region_mean",
    "classify", "at_or_above", "band_edges", "change_tables", "capaian", "respondent_scores", "kpi_table",
    "compare", "differences",
}  # fmt: skip
# Columns of a result whose difference would be a change computed in a report.
MEASURED = (
    "value", "value_100", "score", "score_100", "realisasi", "n_success", "recovery_rate", "n_rawan", "n_pulih",
    "n_respondents", "n_measured", "n_kabkota", "change", "change_score",
)  # fmt: skip
# Where the builtin ``round`` makes no number a reader sees: the pixels of an embedded chart, the
# seconds a report took in the manifest.
ROUND_NOT_SHOWN = {"html.py", "schedule.py"}
# Modules of the suite that compute; the intake reads and checks and imports none of them.
STAGES = {
    "aggregate", "analyses", "association", "audit", "bands", "build", "disclosure", "effect", "inputs",
    "kawasan", "kawasan_year", "pipeline", "priorities", "publish", "ranking", "rollup", "scoring",
    "sensitivity", "series", "survey", "uncertainty", "whatif",
}  # fmt: skip


def sources(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _column(node: ast.AST) -> str | None:
    """The first MEASURED column that ``node`` reads (``frame["value"]``, ``row.value``,
    ``table.loc[code, "value"]``, ``value_of(row, "value")``, inside a call or not)."""
    for part in ast.walk(node):
        if isinstance(part, ast.Call):
            named = [a.value for a in part.args if isinstance(a, ast.Constant) and a.value in MEASURED]
            if named:
                return named[0]
        if isinstance(part, ast.Subscript):
            keys = part.slice.elts if isinstance(part.slice, ast.Tuple) else [part.slice]
            read = [k.value for k in keys if isinstance(k, ast.Constant) and k.value in MEASURED]
            if read:
                return read[0]
        if isinstance(part, ast.Attribute) and part.attr in MEASURED:
            return part.attr
    return None


def computing(path: Path) -> list[str]:
    """What in ``path`` ranks, aggregates or computes a change, as "line: what"."""
    found: list[tuple[int, str]] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # An error bar is drawn from its extent either side of the value: layout, not a figure read.
    extents = {
        id(n) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg in ("xerr", "yerr") for n in ast.walk(k)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if isinstance(node.func, ast.Attribute) and name in AGGREGATES:
                found.append((node.lineno, f".{name}()"))
            elif name in COMPUTING:
                found.append((node.lineno, f"{name}()"))
            elif name == "round" and isinstance(node.func, ast.Name) and path.name not in ROUND_NOT_SHOWN:
                found.append((node.lineno, "round()"))
        # One result minus another, or minus a value: a change (a constant offset is layout).
        subtracts = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and id(node) not in extents
        if (
            subtracts
            and not isinstance(node.right, ast.Constant)
            and (read := _column(node.left) or _column(node.right))
        ):
            found.append((node.lineno, f"{read} minus"))
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub) and (read := _column(node.value)):
            found.append((node.lineno, f"{read} minus"))
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"imports {a.name}") for a in node.names if a.name in COMPUTING]
    return [f"{line}: {what}" for line, what in sorted(found)]


def test_the_detector_finds_what_reports_used_to_compute(tmp_path):
    """The scan finds each construct the reports held before they read the results."""
    sample = tmp_path / "old.py"
    sample.write_text(
        "from bnn_lib.ranking import ranks\n"
        "a = ranks(v)\n"
        "n = table['n_respondents'].sum()\n"
        "heads = own.groupby('group')['n'].max()\n"
        "delta = value - float(compared.loc[code, 'value'])\n"
        "d = now['value'] - before['value']\n"
        "x = round(x, 2)\n"
        "moved = value_of(row, 'recovery_rate') - value_of(before, 'recovery_rate')\n"
        "total -= row['n_rawan']\n"
        "y = frame['value'].round(2)\n",
        encoding="utf-8",
    )
    assert computing(sample) == [
        "1: imports ranks",
        "2: ranks()",
        "3: .sum()",
        "4: .groupby()",
        "5: value minus",
        "6: value minus",
        "7: round()",
        "8: recovery_rate minus",
        "9: n_rawan minus",
        "10: .round()",
    ]


@pytest.mark.parametrize("path", sources(REPORTING), ids=lambda p: str(p.relative_to(REPORTING)))
def test_reports_rank_aggregate_and_compute_nothing(path):
    assert not computing(path), f"{path.relative_to(ROOT)} computes: {computing(path)}"


def test_the_intake_imports_no_computing_stage():
    """The intake reads and checks; a check that needs a computed figure is given it."""
    imports = []
    for path in sources(INTAKE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bnn_lib":  # from bnn_lib import scoring
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bnn_lib."):
                modules = [node.module.split(".")[1]]
            elif isinstance(node, ast.Import):  # import bnn_lib.scoring
                modules = [a.name.split(".")[1] for a in node.names if a.name.startswith("bnn_lib.")]
            else:
                continue
            imports += [f"{path.relative_to(ROOT)}:{node.lineno} {m}" for m in modules if m in STAGES]
    assert not imports


def test_respondent_scores_are_computed_once_per_index(sample_dir, monkeypatch):
    """The check of the inputs scores the respondents; the pipeline takes those scores on."""
    import sys

    from bnn_lib.pipeline import compute_year
    from bnn_lib.scoring import respondent_scores

    calls: list[str] = []

    def counted(answers, ids, spec):
        calls.append(spec.index)
        return respondent_scores(answers, ids, spec)

    for module in ("bnn_lib.inputs", "bnn_lib.survey"):
        monkeypatch.setattr(sys.modules[module], "respondent_scores", counted)
    results = compute_year(2024, sample_dir)
    assert sorted(calls) == ["IKOTAN", "IKP"]
    assert results.tables["ikotan_kabkota"]["value"].notna().all()


def test_scores_handed_on_are_those_of_the_respondents_in_order(sample_dir):
    """The pipeline takes the scores of the input check only for the same respondents in the
    same order, and they give the index the scores computed afresh would."""
    from bnn_lib.inputs import load_inputs
    from bnn_lib.pipeline import compute_survey
    from bnn_lib.spec import choose_specs

    spec = choose_specs(None, 2024)["ikotan"]
    loaded = load_inputs(Path(sample_dir), 2024, {"ikotan": spec})
    people, answers, scores = (
        loaded.tables["ikotan_respondents"],
        loaded.tables["ikotan_answers"],
        loaded.scores["ikotan"],
    )
    given = compute_survey(people, answers, spec, "ikotan", scores=scores)["ikotan_kabkota"]
    afresh = compute_survey(people, answers, spec, "ikotan")["ikotan_kabkota"]
    pd.testing.assert_frame_equal(given, afresh)
    with pytest.raises(ValueError, match="not of these respondents"):
        compute_survey(people, answers, spec, "ikotan", scores=scores.iloc[::-1])
