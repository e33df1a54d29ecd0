"""The ``bnn`` command: sample data, computing the indices, reports, and what offices fill in:
input templates, survey forms and the validation report of their data."""

from __future__ import annotations

import argparse
import errno
import sys
import time
import traceback
from pathlib import Path

from bnn_lib.analyses import Analyses
from bnn_lib.build import YearOutcome, YearPlan, build, check_writable, plan_years, saved_meta
from bnn_lib.intake import DataError, check_year
from bnn_lib.intake.tables import SURVEY_INDICES
from bnn_lib.office.template import write_template
from bnn_lib.office.validation import write_report
from bnn_lib.office.xlsform import write_form
from bnn_lib.paths import REPORTS_DIR, SAMPLE_DIR
from bnn_lib.pipeline import START_METHODS, start_method_for
from bnn_lib.publish import export, target_problem
from bnn_lib.regions import UnknownRegionError, regions
from bnn_lib.reporting import LEVELS
from bnn_lib.sample import write_sample
from bnn_lib.spec import MIN_CELL, SpecError, choose_specs, list_specs, load_spec, parse_overrides

SHOWN = 5  # problems and warnings printed per year; the rest are in the saved files


class UsageError(ValueError):
    """A command line that cannot be carried out (found before anything is written)."""


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code: 0 done, 1 refused or failed (one message says why),
    2 a malformed command line, 3 a fault of the suite itself (``--debug`` shows where)."""
    _safe_console()
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (DataError, SpecError, OSError, UnknownRegionError, UsageError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {_os_message(exc) if isinstance(exc, OSError) else exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped; files already written are complete, nothing is half-written", file=sys.stderr)
        return 130
    except Exception as exc:  # a fault of ours: one line for users, the traceback for developers
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            print("run the same command with `bnn --debug ...` and send us what it prints", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bnn", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the synthetic sample data")
    p.add_argument("--out", type=Path, default=SAMPLE_DIR)

    p = sub.add_parser("compute", help="compute every index for one or more years and save the tables")
    _year_data_out(p, "results go to OUT/<year>/results")
    _spec_option(p, "use another spec for every year computed, e.g. ikotan=my-copy.toml (repeatable)")
    _analysis_options(p, default_replicates=1000, default_samples=2000)
    _start_method(p)

    p = sub.add_parser(
        "reports",
        help="render every report of a year as HTML, computing first only the results that are missing or out of date",
    )
    _year_data_out(p, "reports go to OUT/<year>/")
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
    p.add_argument("--jobs", type=int, default=None, help="reports rendered at once (default: the number of cores)")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to a PDF beside it (needs Chromium; without it, says so and writes the HTML)",
    )
    p.add_argument("--force", action="store_true", help="render even the reports that are up to date")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per report")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--province-notebook", type=Path, help="render provinces with another notebook")
    _spec_option(p, "compute missing results with another spec; refused if saved results used a different one")
    _analysis_options(p, default_replicates=None, default_samples=None)
    _start_method(p)
    p.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="render on the workers of a Dask cluster, e.g. tcp://host:8786 (pip install '.[cluster]')",
    )

    p = sub.add_parser("export", help="copy a year's results folder, e.g. a public copy fit for publication")
    p.add_argument("--year", type=int, nargs="+", required=True)
    p.add_argument("--out", type=Path, default=REPORTS_DIR, help="the results are in OUT/<year>/results")
    p.add_argument("--to", type=Path, help="where the copy goes (default: OUT/<year>/results-publik or -salinan)")
    p.add_argument(
        "--public", action="store_true", help="aggregates only, cells of fewer than --min-cell respondents blanked"
    )
    p.add_argument(
        "--min-cell",
        type=int,
        help=f"publish no cell of fewer respondents (default: each spec's own, else {MIN_CELL}; never below it)",
    )

    p = sub.add_parser("specs", help="list the shipped specs, or validate spec files")
    p.add_argument("files", nargs="*")

    p = sub.add_parser("validate", help="check a year's input data and write a validation report; compute nothing")
    _year_data_out(p, "report folder (default: reports/<year>/validasi)", default_out=None)
    _spec_option(p, "check against another spec")

    p = sub.add_parser("template", help="write the input workbook an office fills in")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--province", help="limit the kab/kota lists to one province (code or name)")
    p.add_argument("--out", type=Path, default=Path(), help="folder to write the workbook to")
    _spec_option(p, "use another spec")

    p = sub.add_parser("form", help="write the XLSForm (KoboToolbox, ODK) of a survey index")
    p.add_argument("--index", required=True, choices=list(SURVEY_INDICES))
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--province", help="offer the kab/kota of one province only (code or name)")
    p.add_argument("--year", type=int, help="build it from the spec in force that year (default: the latest)")
    p.add_argument("--spec", help="the spec to build it from (default: the spec in force, see --year)")
    return parser


def _year_data_out(p: argparse.ArgumentParser, out_help: str, default_out: Path | None = REPORTS_DIR) -> None:
    p.add_argument("--year", type=int, nargs="+", required=True)
    p.add_argument("--data", type=Path, default=SAMPLE_DIR, help="folder holding <year>/ input tables")
    p.add_argument("--out", type=Path, default=default_out, help=out_help)


def _spec_option(p: argparse.ArgumentParser, text: str) -> None:
    note = "; without it each year uses the shipped spec in force that year"
    p.add_argument("--spec", action="append", default=[], metavar="INDEX=SPEC", help=text + note)


def _analysis_options(p: argparse.ArgumentParser, default_replicates: int | None, default_samples: int | None) -> None:
    kept = " (default: as the saved results, else 1000)" if default_replicates is None else ""
    p.add_argument("--replicates", type=int, default=default_replicates, help=f"bootstrap replicates (0: none){kept}")
    kept = " (default: as the saved results, else 2000)" if default_samples is None else ""
    p.add_argument("--samples", type=int, default=default_samples, help=f"sensitivity Monte Carlo runs (0: none){kept}")


def _start_method(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--start-method",
        choices=START_METHODS,
        default="auto",
        help="how worker processes start (auto: fork on Linux, spawn on Windows and macOS)",
    )


def _run(args: argparse.Namespace) -> int:
    if args.command == "sample":
        print(f"sample data written to {write_sample(args.out)}")
    elif args.command == "compute":
        return _compute(args)
    elif args.command == "reports":
        return _reports(args)
    elif args.command == "validate":
        return _validate(args)
    elif args.command == "export":
        _export(args)
    elif args.command == "template":
        specs = choose_specs(parse_overrides(args.spec), args.year)
        print(f"template written to {write_template(args.year, args.out, args.province, specs)}")
    elif args.command == "form":
        spec = load_spec(args.spec) if args.spec else choose_specs(None, args.year)[args.index]
        print(f"form written to {write_form(spec, args.out, args.province)}")
    else:
        for name in args.files or list_specs():
            spec = load_spec(name)
            assumed = len(spec.assumptions())
            print(f"{spec.id} {spec.version} ({spec.index}, {spec.kind}): {assumed} assumed elements")
    return 0


def _compute(args: argparse.Namespace) -> int:
    """Compute and save each year asked, with the specs asked (the defaults otherwise)."""
    _check_folders(args, require_data=True)
    _check_start_method(args.start_method)
    plans = plan_years(args.year, args.data, args.out, parse_overrides(args.spec), _analyses(args), reuse=False)
    return 1 if any(o.status == "refused" for o in _build(plans, args)) else 0


def _reports(args: argparse.Namespace) -> int:
    """Bring the results up to date (each year up to the latest asked, for the trend), then
    render the reports of the years asked from the results as they are."""
    from bnn_lib.reporting import batch, cluster, pdf  # the report stack is only imported when reports are made

    provinces = _provinces(args.province)
    _check_folders(args, require_data=False)
    _check_start_method(args.start_method)
    for name, value, low in (("--jobs", args.jobs, 1), ("--timeout", args.timeout, 0.001)):
        if value is not None and value < low:
            raise UsageError(f"{name} {value}: must be at least {low:g}")
    if args.province_notebook and not args.province_notebook.is_file():
        raise UsageError(f"--province-notebook {args.province_notebook}: no such notebook")
    if args.dask_scheduler:  # reached before anything is computed, not after
        try:
            cluster.connect(args.dask_scheduler, batch.DEFAULT_CONNECT_TIMEOUT).close()
        except cluster.ClusterError as exc:
            raise UsageError(f"--dask-scheduler: {exc}") from None
    with_data = [int(p.name) for p in args.data.glob("*") if p.name.isdigit() and p.is_dir()]
    years = sorted({y for y in with_data if y <= max(args.year)} | set(args.year))
    plans = plan_years(years, args.data, args.out, parse_overrides(args.spec), _analyses(args))
    outcomes = _build(plans, args)
    refused = {o.year for o in outcomes if o.status == "refused"}
    failed = bool(refused)
    for year in args.year:
        if year in refused:
            print(f"{year}: reports not rendered: its results could not be brought up to date (see above)")
            continue
        settings = batch.Batch(
            year=year,
            out=args.out,
            provinces=provinces,
            levels=tuple(args.level),
            pdf=args.pdf,
            force=args.force,
            timeout=args.timeout,
            progress=not args.no_progress,
            start_method=args.start_method,
            scheduler=args.dask_scheduler,
        )
        if args.jobs:
            settings.jobs = args.jobs
        if args.province_notebook:
            settings.province_notebook = args.province_notebook
        start = time.perf_counter()
        try:
            outcomes = batch.run(settings)
        except cluster.ClusterError as exc:  # the cluster went away between two years
            raise UsageError(f"--dask-scheduler: {exc}") from None
        except batch.NotWrittenError as exc:  # the index or the workbook (open in Excel, say)
            print(f"{year}: error: {_os_message(exc.error)}", file=sys.stderr)
            outcomes, failed = exc.outcomes, True
        except OSError as exc:  # before any report was rendered: the other years go on
            print(f"{year}: error: {_os_message(exc)}", file=sys.stderr)
            failed = True
            continue
        print(
            f"{year}: {batch.summary(outcomes)} in {time.perf_counter() - start:.1f} s; "
            f"index: {args.out / str(year) / 'index.html'}"
        )
        failed |= any(o.status in ("failed", "timeout") for o in outcomes)
        # A missing engine is said once and is no failure: the HTML is what was asked for first.
        failed |= any(o.pdf not in ("", *batch.PDF_DONE) for o in outcomes) and pdf.unavailable() is None
    return 1 if failed else 0


def _validate(args: argparse.Namespace) -> int:
    """Check each year's input data and write its report; 0 only when nothing blocks."""
    overrides = parse_overrides(args.spec)
    choose_specs(overrides)  # a bad --spec is refused before any year is read
    missing = [y for y in args.year if not (args.data / str(y)).is_dir()]
    if missing:
        raise UsageError(f"no input folder {', '.join(str(args.data / str(y)) for y in missing)}")
    if args.out and (problem := check_writable(args.out)):
        raise UsageError(f"--out: {problem}")
    blocked = False
    for year in args.year:
        loaded = check_year(args.data, year, choose_specs(overrides, year))
        out = args.out or REPORTS_DIR / str(year) / "validasi"
        written = write_report(loaded, year, out, str(args.data))
        verdict = "dapat dihitung" if not loaded.problems else f"{len(loaded.problems)} masalah harus diperbaiki"
        print(f"{year}: {verdict}; {len(loaded.warnings)} peringatan; laporan: {written[1]}")
        for problem in loaded.problems[:SHOWN]:
            print(f"  - {problem}")
        if len(loaded.problems) > SHOWN:
            print(f"  … dan {len(loaded.problems) - SHOWN} lainnya di {written[0]}")
        blocked |= bool(loaded.problems)
    return 1 if blocked else 0


def _export(args: argparse.Namespace) -> None:
    """Copy each year's results (after checking every year has some and ``--to`` fits)."""
    if args.min_cell is not None and args.min_cell < 1:
        raise UsageError(f"--min-cell {args.min_cell}: must be at least 1")
    missing = [y for y in args.year if not saved_meta(args.out, y)]
    if missing:
        raise UsageError(f"no results for {', '.join(map(str, missing))} in {args.out}; run `bnn compute` first")
    if args.to and len(args.year) > 1:
        raise UsageError("--to takes one year; leave it out to export several years beside their results")
    for year in args.year:
        default = "results-publik" if args.public else "results-salinan"
        to = args.to or args.out / str(year) / default
        results = args.out / str(year) / "results"
        if problem := check_writable(to) or target_problem(results, to):
            raise UsageError(f"--to: {problem}")
        folder, blanked = export(results, to, public=args.public, min_cell=args.min_cell)
        rule = f"; {blanked} rows from too few respondents blanked" if args.public else ""
        print(f"{year}: copied to {folder}{rule}")


def _build(plans: list[YearPlan], args: argparse.Namespace) -> list[YearOutcome]:
    """Compute what the plans say and print, year by year, what happened to its results."""
    for plan in plans:
        if plan.compute and plan.reason != "asked":
            print(f"{plan.year}: computing ({plan.reason})")
    start = time.perf_counter()
    outcomes = build(plans, args.data, args.out, args.start_method)
    computed = [o for o in outcomes if o.status != "kept"]
    for outcome in outcomes:
        stream = sys.stderr if outcome.status == "refused" else sys.stdout
        print(f"{outcome.year}: {outcome.status}: {outcome.message}", file=stream)
        if outcome.status == "refused":
            print(
                f"  (bnn validate --year {outcome.year} --data {args.data} lists every problem per file)", file=stream
            )
        for warning in outcome.warnings[:SHOWN]:
            print(f"  warning: {warning}")
        if len(outcome.warnings) > SHOWN:
            print(f"  … {len(outcome.warnings) - SHOWN} more warnings in specs.json")
    if computed:
        updated = sum(o.status == "updated" for o in computed)
        print(
            f"computed {len(computed)} year(s) in {time.perf_counter() - start:.1f} s: {updated} updated, "
            f"{len(computed) - updated} refused (their previous results, if any, are unchanged)"
        )
    return outcomes


def _check_folders(args: argparse.Namespace, require_data: bool) -> None:
    """Refuse, before anything is written, an output folder that cannot be written and a year
    with nothing to work from (no input folder; for reports, no saved results either)."""
    problem = check_writable(args.out)
    if problem:
        raise UsageError(f"--out: {problem}")
    if not args.data.is_dir() and (require_data or not all(saved_meta(args.out, y) for y in args.year)):
        raise UsageError(f"--data {args.data}: no such folder")
    missing = [
        y for y in args.year if not (args.data / str(y)).is_dir() and (require_data or not saved_meta(args.out, y))
    ]
    if missing:
        have = sorted(p.name for p in args.data.glob("*") if p.name.isdigit()) if args.data.is_dir() else []
        raise UsageError(
            f"no input folder {', '.join(str(args.data / str(y)) for y in missing)}"
            + (" and no saved results" if not require_data else "")
            + f"; years with input: {', '.join(have) or 'none'}"
        )


def _check_start_method(asked: str) -> None:
    """``--start-method fork`` on Windows is refused here, not when the first worker starts."""
    try:
        start_method_for(asked)
    except ValueError as exc:
        raise UsageError(f"--start-method: {exc}") from None


def _analyses(args: argparse.Namespace) -> Analyses | None:
    """The analysis settings asked for; None (keep the saved ones) when neither was given."""
    if args.replicates is None and args.samples is None:
        return None
    default = Analyses()
    for name in ("replicates", "samples"):
        if (getattr(args, name) or 0) < 0:
            raise UsageError(f"--{name} {getattr(args, name)}: must be 0 or more")
    return Analyses(
        replicates=default.replicates if args.replicates is None else args.replicates,
        samples=default.samples if args.samples is None else args.samples,
    )


def _provinces(asked: list[str] | None) -> list[str] | None:
    """Province codes (and "nasional") of ``--province``; an unknown or ambiguous one is refused."""
    if not asked:
        return None
    return [p if p.casefold() == "nasional" else regions().province(p).code for p in asked]


# What to do about the file-system errors a user meets, by errno.
OFFICE_FILES = (".xlsx", ".csv")
OS_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up; free some space and run the command again",
    errno.EACCES: "no permission; choose another folder or ask for write access",
    errno.EPERM: "no permission; choose another folder or ask for write access",
    errno.EROFS: "the disk is read-only; choose another folder",
    errno.EEXIST: "a file is in the way of a folder of that name; move it or choose another path",
    errno.ENOTDIR: "a file is in the way of a folder of that name; move it or choose another path",
    errno.EISDIR: "that is a folder; give a file name",
}


def _os_message(exc: OSError) -> str:
    """An operating-system error as one line: the path, what went wrong and what to do."""
    # A failed rename names its target second; the source is a temporary file, gone by now.
    path = exc.filename2 or exc.filename
    where = f"{path}: " if path else ""
    what = exc.strerror or str(exc)
    hint = OS_HINTS.get(exc.errno or 0)
    if hint and exc.errno in (errno.EACCES, errno.EPERM) and str(path).endswith(OFFICE_FILES):
        hint = "is it open in Excel? close it and run the command again"  # Windows locks an open file
    return f"{where}{what}" + (f" ({hint})" if hint else "")


def _safe_console() -> None:
    """Never fail on printing: a Windows console's code page (cp1252, cp437) has no ≥ or ±, so
    characters it cannot show are replaced instead of raising UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


if __name__ == "__main__":
    sys.exit(main())
