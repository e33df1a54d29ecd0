"""Every number on the command line is checked before anything is read or written: a refused
value is one usage line naming the option and the value (exit code 2), and the folders are as
they were; the edge values the README documents are accepted."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bnn_lib import arguments, cli

ROOT = Path(__file__).resolve().parents[1]

# The limits as the README states them, by (command, option): (lowest, highest, 0 allowed as "none",
# whole numbers only). Written out here, not read from the suite.
DOCUMENTED = {
    ("compute", "--year"): (2000, 2100, False, True),
    ("compute", "--replicates"): (40, 20000, True, True),
    ("compute", "--samples"): (14, 20000, True, True),
    ("reports", "--year"): (2000, 2100, False, True),
    ("reports", "--jobs"): (1, 128, False, True),
    ("reports", "--timeout"): (1, 86400, False, False),
    ("reports", "--replicates"): (40, 20000, True, True),
    ("reports", "--samples"): (14, 20000, True, True),
    ("compare", "--year"): (2000, 2100, False, True),
    ("compare", "--replicates"): (40, 20000, True, True),
    ("compare", "--samples"): (14, 20000, True, True),
    ("export", "--year"): (2000, 2100, False, True),
    ("export", "--min-cell"): (1, 1000, False, True),
    ("validate", "--year"): (2000, 2100, False, True),
    ("template", "--year"): (2000, 2100, False, True),
    ("form", "--year"): (2000, 2100, False, True),
}
# What each command needs besides the option tried, so that the option is what decides.
REQUIRED = {
    "compute": ["--year", "2024"],
    "reports": ["--year", "2024"],
    "compare": ["--year", "2024", "--variant", "ikotan=ikotan-juknis-2021"],
    "export": ["--year", "2024"],
    "validate": ["--year", "2024"],
    "template": ["--year", "2024"],
    "form": ["--index", "ikotan", "--out", "form.xlsx"],
}


def numeric_options() -> set[tuple[str, str]]:
    """Every (command, option) of the parser whose value is converted to a number."""
    parser = arguments.parser(None)
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        (name, action.option_strings[0])
        for name, sub in commands.choices.items()
        for action in sub._actions
        if action.type in (int, float) or isinstance(action.type, arguments.Bounded)
    }


def test_every_numeric_option_is_checked_and_documented():
    assert numeric_options() == set(DOCUMENTED)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for option in {option for _, option in DOCUMENTED}:
        assert f"`{option}`" in readme


def bad_values(low: float, high: float, zero: bool, whole: bool) -> dict[str, str]:
    """Values each option must refuse: not finite, below and above its limits, not a number."""
    values = {"nan": "nan", "inf": "inf", "-inf": "-inf", "negative": "-1", "past-limit": f"{high + 1:g}"}
    values["below-limit"] = f"{low - 1:g}" if not zero or low - 1 > 0 else "0.5"
    values["not-a-number"] = "banyak"
    if whole:
        values["fraction"] = f"{low + 0.5:g}"
    if not zero and low > 0:
        values["zero"] = "0"
    return values


CASES = [
    (command, option, kind, value)
    for (command, option), limits in sorted(DOCUMENTED.items())
    for kind, value in bad_values(*limits).items()
]


def argv_with(command: str, option: str, value: str, out: Path, data: Path) -> list[str]:
    """The command line with ``option=value`` (the = form: argparse would take -inf for an option)."""
    rest = list(REQUIRED[command])
    if option in rest:  # the option tried replaces the required one
        del rest[rest.index(option) : rest.index(option) + 2]
    folders = {c: ["--data", str(data), "--out", str(out)] for c in ("compute", "reports", "compare")}
    return [command, *rest, *folders.get(command, []), f"{option}={value}"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("command", "option", "kind", "value"), CASES, ids=[f"{c}{o}-{k}" for c, o, k, _ in CASES])
def test_a_bad_number_is_one_usage_line_and_changes_nothing(command, option, kind, value, tmp_path, capsys):
    out, data = tmp_path / "reports", tmp_path / "data"
    (out / "2024" / "results").mkdir(parents=True)
    (data / "2024").mkdir(parents=True)
    (out / "2024" / "index.html").write_text("<p>laporan yang baik</p>", encoding="utf-8")
    (out / "2024" / "results" / "specs.json").write_text("{}", encoding="utf-8")
    before = snapshot(tmp_path)
    assert cli.main(argv_with(command, option, value, out, data)) == 2
    captured = capsys.readouterr()
    assert f"bnn {command}: error: argument {option}: '{value}' " in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("command", "option"), sorted(DOCUMENTED))
def test_the_documented_edges_are_accepted(command, option):
    low, high, zero, _ = DOCUMENTED[command, option]
    edges = [low, high, *([0] if zero else [])]
    for edge in edges:
        argv = argv_with(command, option, f"{edge:g}", Path("out"), Path("data"))
        args = arguments.parser(None).parse_args(argv)
        assert getattr(args, option.removeprefix("--").replace("-", "_")) in (edge, [edge])


def test_the_help_states_the_limits():
    printed = subprocess.run(
        [sys.executable, "-m", "bnn_lib.cli", "reports", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        check=True,
    ).stdout
    for text in ("2000–2100", "1–128", "1–86400", "0 (none) or 40–20000", "0 (none) or 14–20000"):
        assert text in printed
