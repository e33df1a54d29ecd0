"""The ``bnn`` command line: its options, and its numbers checked as argparse reads them.

Every numeric option's ``type=`` is a :class:`Bounded` check: not a number, NaN, ±inf and a
value outside the option's limits are refused as a usage error. argparse prints the usage and
one line naming the option and the value, and the command exits with code 2 before it reads or
writes anything (``--timeout nan`` would otherwise time every report out). The limits are stated
in ``--help`` and in the README.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import NoReturn

from bnn_lib.limits import FIRST_YEAR, LAST_YEAR, MAX_MIN_CELL
from bnn_lib.pipeline import START_METHODS
from bnn_lib.reporting import LEVELS
from bnn_lib.sensitivity import MIN_SAMPLES
from bnn_lib.spec import MIN_CELL, SURVEY_INDICES
from bnn_lib.terminal import safe
from bnn_lib.uncertainty import MIN_REPLICATES

SHOWN_CHARACTERS = 40  # of a refused value, in the message


class Bounded:
    """An argparse ``type``: text to an int or float within [low, high] (and 0, meaning "none",
    where ``zero`` allows it); anything else raises ArgumentTypeError with the value and the
    limits, in Bahasa Indonesia."""

    def __init__(self, kind: type[int] | type[float], low: float, high: float, zero: bool = False) -> None:
        self.kind, self.low, self.high, self.zero = kind, low, high, zero

    @property
    def limits(self) -> str:
        """The accepted values, for ``--help``: "1–128", "0 (none) or 40–20000"."""
        return self._limits("none", "or")

    def _limits(self, none: str, either: str) -> str:
        span = f"{self.low:g}–{self.high:g}"
        return f"0 ({none}) {either} {span}" if self.zero else span

    def __call__(self, text: str) -> int | float:
        # repr: a value with control characters is shown escaped, never sent to the terminal raw.
        shown = repr(text[:SHOWN_CHARACTERS] + ("…" if len(text) > SHOWN_CHARACTERS else ""))
        allowed = f"boleh {self._limits('tidak ada', 'atau')}"
        try:
            value = self.kind(text)
        except ValueError:
            noun = "bilangan bulat" if self.kind is int else "angka"
            raise argparse.ArgumentTypeError(f"{shown} bukan {noun}; {allowed}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{shown} bukan angka terhingga; {allowed}")
        if not (self.low <= value <= self.high or (self.zero and value == 0)):
            raise argparse.ArgumentTypeError(f"{shown} di luar batas; {allowed}")
        return value


# The limits of the numeric options. Jobs: processes at once, each a copy of the warm parent; more
# than this is past any machine's cores. Timeout: a report renders in about a second, and past a
# day a report is hung, not slow (a larger wait also overflows the operating system's timers).
# Replicates and samples: the analyses' minimums (MIN_REPLICATES, MIN_SAMPLES) and, above, the
# memory a year's tables of every kab/kota × run take (20 times and 10 times the defaults).
MAX_JOBS = 128
MIN_TIMEOUT, MAX_TIMEOUT = 1.0, 86_400.0
MAX_REPLICATES = 20_000
MAX_SAMPLES = 20_000
YEAR = Bounded(int, FIRST_YEAR, LAST_YEAR)
JOBS = Bounded(int, 1, MAX_JOBS)
TIMEOUT = Bounded(float, MIN_TIMEOUT, MAX_TIMEOUT)
REPLICATES = Bounded(int, MIN_REPLICATES, MAX_REPLICATES, zero=True)
SAMPLES = Bounded(int, MIN_SAMPLES, MAX_SAMPLES, zero=True)
MIN_CELL_OPTION = Bounded(int, 1, MAX_MIN_CELL)


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose one-line errors quote what was typed :func:`~bnn_lib.terminal.safe`
    (an unrecognised argument is quoted as typed, control characters and all)."""

    def error(self, message: str) -> NoReturn:
        super().error(safe(message))


def parser(description: str | None) -> argparse.ArgumentParser:
    """The parser of ``bnn`` and its subcommands (each a :class:`Parser` too)."""
    parser = Parser(prog="bnn", description=description)
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    parser.add_argument(
        "--project", type=Path, metavar="DIR", help="the workspace to work on (default: the one this folder is in)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="make a folder a workspace: data/, specs/, reports/, notebooks/ and bnn.toml")
    p.add_argument("folder", type=Path, nargs="?", help="the folder (default: --project, else this one)")

    p = sub.add_parser("lab", help="open JupyterLab in the workspace, its research notebooks ready")
    p.add_argument("--dry-run", action="store_true", help="only print the command that would open it")
    p.add_argument("jupyter", nargs="*", metavar="JUPYTER_OPTION", help="JupyterLab's own options, after --")

    p = sub.add_parser("sample", help="write the synthetic sample data")
    p.add_argument("--out", type=Path, help="where to (default: the workspace's data folder)")

    p = sub.add_parser("compute", help="compute every index for one or more years and save the tables")
    _year_data_out(p, "results go to OUT/<year>/results (default: the workspace's reports/)")
    _spec_option(p, "use another spec for every year computed, e.g. ikotan=my-copy.toml (repeatable)")
    _analysis_options(p, default_replicates=1000, default_samples=2000)
    _start_method(p)
    _no_progress(p)

    _reports(sub)

    p = sub.add_parser("compare", help="compute one index of a year under two specs and write a page comparing them")
    p.add_argument("--year", type=YEAR, required=True, help=f"the year of the data, {YEAR.limits}")
    p.add_argument("--data", type=Path, help="folder holding <year>/ input tables (default: the workspace's)")
    p.add_argument(
        "--out", type=Path, help="the page goes to OUT/perbandingan-<year>.html (default: the workspace's reports/)"
    )
    p.add_argument("--base", metavar="INDEX=SPEC", help="the spec compared against (default: in force that year)")
    p.add_argument("--variant", metavar="INDEX=SPEC", required=True, help="the spec of the assumption tried")
    _analysis_options(p, default_replicates=1000, default_samples=0)  # no sensitivity run: the page shows none

    p = sub.add_parser("export", help="copy a year's results folder, e.g. a public copy fit for publication")
    _years(p, required=True)
    p.add_argument("--out", type=Path, help="the results are in OUT/<year>/results (default: the workspace's reports/)")
    p.add_argument("--to", type=Path, help="where the copy goes (default: OUT/<year>/results-publik or -salinan)")
    p.add_argument(
        "--public", action="store_true", help="aggregates only, cells of fewer than --min-cell respondents blanked"
    )
    p.add_argument(
        "--min-cell",
        type=MIN_CELL_OPTION,
        help=f"publish no cell of fewer respondents, {MIN_CELL_OPTION.limits} "
        f"(default: each spec's own, else {MIN_CELL}; never below it)",
    )

    p = sub.add_parser("specs", help="list the shipped specs, or validate spec files")
    p.add_argument("files", nargs="*")

    p = sub.add_parser("validate", help="check a year's input data and write a validation report; compute nothing")
    _year_data_out(p, "report folder (default: the workspace's reports/<year>/validasi)")
    _spec_option(p, "check against another spec")

    p = sub.add_parser("template", help="write the input workbook an office fills in")
    p.add_argument("--year", type=YEAR, required=True, help=f"the year of the data, {YEAR.limits}")
    p.add_argument("--province", help="limit the kab/kota lists to one province (code or name)")
    p.add_argument("--out", type=Path, default=Path(), help="folder to write the workbook to")
    _spec_option(p, "use another spec")

    p = sub.add_parser("form", help="write the XLSForm (KoboToolbox, ODK) of a survey index")
    p.add_argument("--index", required=True, choices=list(SURVEY_INDICES))
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--province", help="offer the kab/kota of one province only (code or name)")
    p.add_argument(
        "--year", type=YEAR, help=f"build it from the spec in force that year, {YEAR.limits} (default: the latest)"
    )
    p.add_argument("--spec", help="the spec to build it from (default: the spec in force, see --year)")
    return parser


def _no_progress(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def _reports(sub: argparse._SubParsersAction) -> None:
    """The options of ``bnn reports``."""
    p = sub.add_parser(
        "reports",
        help="render every report of a year as HTML, computing first only the results that are missing or out of date",
    )
    _year_data_out(p, "reports go to OUT/<year>/ (default: the workspace's reports/)")
    p.add_argument(
        "--province",
        nargs="+",
        help="province codes or names: their reports and their kab/kota's (default: all 38 and the national report)",
    )
    p.add_argument(
        "--level",
        nargs="+",
        choices=LEVELS,
        default=list(LEVELS),
        help="which reports: the nation, each province, each measured kab/kota (default: all three)",
    )
    cores = "(default: the number of cores)"
    p.add_argument("--jobs", type=JOBS, default=None, help=f"reports rendered at once, {JOBS.limits} {cores}")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to a PDF beside it (needs Chromium; without it, says so and writes the HTML)",
    )
    p.add_argument("--force", action="store_true", help="render even the reports that are up to date")
    p.add_argument("--timeout", type=TIMEOUT, default=300.0, help=f"seconds allowed per report, {TIMEOUT.limits}")
    _no_progress(p)
    p.add_argument("--province-notebook", type=Path, help="render provinces with another notebook")
    _spec_option(p, "compute missing results with another spec; refused if saved results used a different one")
    _analysis_options(p, default_replicates=None, default_samples=None)
    _start_method(p)
    p.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="render on the workers of a Dask cluster, e.g. tcp://host:8786 (pip install '.[cluster]')",
    )


def _years(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--year", type=YEAR, nargs="+", required=required, help=f"one or more years, {YEAR.limits}")


def _year_data_out(p: argparse.ArgumentParser, out_help: str) -> None:
    _years(p, required=True)
    p.add_argument(
        "--data", type=Path, help="folder holding <year>/ input tables (default: the workspace's, see bnn.toml)"
    )
    p.add_argument("--out", type=Path, help=out_help)


def _spec_option(p: argparse.ArgumentParser, text: str) -> None:
    note = "; without it each year uses the shipped spec in force that year"
    p.add_argument("--spec", action="append", default=[], metavar="INDEX=SPEC", help=text + note)


def _analysis_options(p: argparse.ArgumentParser, default_replicates: int | None, default_samples: int | None) -> None:
    def option(name: str, check: Bounded, default: int | None, what: str, usual: int) -> None:
        kept = f" (default: as the saved results, else {usual})" if default is None else f" (default: {default})"
        p.add_argument(f"--{name}", type=check, default=default, help=f"{what}: {check.limits}{kept}")

    option("replicates", REPLICATES, default_replicates, "bootstrap replicates", 1000)
    option("samples", SAMPLES, default_samples, "sensitivity Monte Carlo runs", 2000)


def _start_method(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--start-method",
        choices=START_METHODS,
        default="auto",
        help="how worker processes start (auto: fork on Linux, spawn on Windows and macOS)",
    )
