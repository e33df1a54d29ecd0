"""The ``bnn`` command: sample data, computing the indices, reports, and what offices fill in:
input templates, survey forms and the validation report of their data."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bnn_lib.analyses import Analyses
from bnn_lib.intake import DataError, check_year
from bnn_lib.intake.tables import SURVEY_INDICES
from bnn_lib.office.template import write_template
from bnn_lib.office.validation import write_report
from bnn_lib.office.xlsform import write_form
from bnn_lib.paths import REPORTS_DIR, SAMPLE_DIR
from bnn_lib.pipeline import Results, compute_years, load_results
from bnn_lib.regions import UnknownRegionError, regions
from bnn_lib.sample import write_sample
from bnn_lib.spec import DEFAULT_SPECS, SpecError, choose_specs, list_specs, load_spec, parse_overrides


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 bad input or failure)."""
    parser = argparse.ArgumentParser(prog="bnn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the synthetic sample data")
    p.add_argument("--out", type=Path, default=SAMPLE_DIR)

    p = sub.add_parser("compute", help="compute every index for one or more years and save the tables")
    p.add_argument("--year", type=int, nargs="+", required=True)
    p.add_argument("--data", type=Path, default=SAMPLE_DIR, help="folder holding <year>/ input tables")
    p.add_argument("--out", type=Path, default=REPORTS_DIR, help="results go to OUT/<year>/results")
    p.add_argument(
        "--spec",
        action="append",
        default=[],
        metavar="INDEX=SPEC",
        help="use another spec, e.g. ikotan=my-copy.toml (repeatable)",
    )
    p.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates (0: no intervals)")
    p.add_argument("--samples", type=int, default=2000, help="sensitivity Monte Carlo runs (0: none)")

    p = sub.add_parser("reports", help="compute the indices, then render every report of a year as HTML")
    p.add_argument("--year", type=int, nargs="+", required=True)
    p.add_argument("--province", nargs="+", help="province codes or names (default: all 38 and the national report)")
    p.add_argument("--jobs", type=int, default=None, help="reports rendered at once (default: the number of cores)")
    p.add_argument("--out", type=Path, default=REPORTS_DIR, help="reports go to OUT/<year>/")
    p.add_argument("--data", type=Path, default=SAMPLE_DIR, help="folder holding <year>/ input tables")
    p.add_argument("--force", action="store_true", help="render even the reports that are up to date")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per report")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--province-notebook", type=Path, help="render provinces with another notebook")
    p.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates (0: no intervals)")
    p.add_argument("--samples", type=int, default=2000, help="sensitivity Monte Carlo runs (0: none)")

    p = sub.add_parser("specs", help="list the shipped specs, or validate spec files")
    p.add_argument("files", nargs="*")

    p = sub.add_parser("validate", help="check a year's input data and write a validation report; compute nothing")
    p.add_argument("--year", type=int, nargs="+", required=True)
    p.add_argument("--data", type=Path, default=SAMPLE_DIR, help="folder holding <year>/ input tables")
    p.add_argument("--out", type=Path, default=None, help="report folder (default: reports/<year>/validasi)")
    p.add_argument("--spec", action="append", default=[], metavar="INDEX=SPEC", help="check against another spec")

    p = sub.add_parser("template", help="write the input workbook an office fills in")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--province", help="limit the kab/kota lists to one province (code or name)")
    p.add_argument("--out", type=Path, default=Path(), help="folder to write the workbook to")
    p.add_argument("--spec", action="append", default=[], metavar="INDEX=SPEC", help="use another spec")

    p = sub.add_parser("form", help="write the XLSForm (KoboToolbox, ODK) of a survey index")
    p.add_argument("--index", required=True, choices=list(SURVEY_INDICES))
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--province", help="offer the kab/kota of one province only (code or name)")
    p.add_argument("--spec", help="the spec to build it from (default: the index's default spec)")

    args = parser.parse_args(argv)
    try:
        if args.command == "sample":
            print(f"sample data written to {write_sample(args.out)}")
        elif args.command == "compute":
            return _compute(args)
        elif args.command == "reports":
            return _reports(args)
        elif args.command == "validate":
            return _validate(args)
        elif args.command == "template":
            specs = choose_specs(parse_overrides(args.spec))
            print(f"template written to {write_template(args.year, args.out, args.province, specs)}")
        elif args.command == "form":
            spec = load_spec(args.spec or DEFAULT_SPECS[args.index])
            print(f"form written to {write_form(spec, args.out, args.province)}")
        else:
            for name in args.files or list_specs():
                spec = load_spec(name)
                assumed = len(spec.assumptions())
                print(f"{spec.id} {spec.version} ({spec.index}, {spec.kind}): {assumed} assumed elements")
    except (DataError, SpecError, OSError, UnknownRegionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _reports(args: argparse.Namespace) -> int:
    """Compute each year with input data up to the latest asked (for the trend), then render."""
    from bnn_lib.reporting import batch  # the report stack is only imported when reports are made

    years = sorted(int(p.name) for p in args.data.glob("*") if p.name.isdigit() and int(p.name) <= max(args.year))
    compute = argparse.Namespace(
        year=years, data=args.data, out=args.out, spec=[], replicates=args.replicates, samples=args.samples
    )
    if _compute(compute):
        return 1
    provinces = [p if p == "nasional" else regions().province(p).code for p in args.province] if args.province else None
    failed = False
    for year in args.year:
        settings = batch.Batch(
            year=year,
            out=args.out,
            provinces=provinces,
            force=args.force,
            timeout=args.timeout,
            progress=not args.no_progress,
        )
        if args.jobs:
            settings.jobs = args.jobs
        if args.province_notebook:
            settings.province_notebook = args.province_notebook
        start = time.perf_counter()
        outcomes = batch.run(settings)
        print(
            f"{year}: {batch.summary(outcomes)} in {time.perf_counter() - start:.1f} s; "
            f"index: {args.out / str(year) / 'index.html'}"
        )
        failed |= any(o.status in ("failed", "timeout") for o in outcomes)
    return 1 if failed else 0


def _validate(args: argparse.Namespace) -> int:
    """Check each year's input data and write its report; 0 only when nothing blocks."""
    specs = choose_specs(parse_overrides(args.spec))
    blocked = False
    for year in args.year:
        loaded = check_year(args.data, year, specs)
        out = args.out or REPORTS_DIR / str(year) / "validasi"
        written = write_report(loaded, year, out, str(args.data))
        verdict = "dapat dihitung" if not loaded.problems else f"{len(loaded.problems)} masalah harus diperbaiki"
        print(f"{year}: {verdict}; {len(loaded.warnings)} peringatan; laporan: {written[1]}")
        for problem in loaded.problems[:10]:
            print(f"  - {problem}")
        if len(loaded.problems) > 10:
            print(f"  … dan {len(loaded.problems) - 10} lainnya di {written[0]}")
        blocked |= bool(loaded.problems)
    return 1 if blocked else 0


def _compute(args: argparse.Namespace) -> int:
    """Compute and save each year in order; a year's change tables use the year before."""
    overrides = parse_overrides(args.spec)
    choose_specs(overrides)  # a bad spec or index is refused before any year is computed
    analyses = Analyses(replicates=args.replicates, samples=args.samples)
    years = sorted(args.year)
    if not years:
        print(f"no input data under {args.data}: using the results already in {args.out}")
        return 0
    start = time.perf_counter()
    computed, errors = compute_years(years, args.data, overrides, analyses, _previous(args.out, years[0]))
    seconds = time.perf_counter() - start
    for year, exc in errors.items():
        print(f"{year}: error: {exc}", file=sys.stderr)
        if isinstance(exc, DataError):
            print(f"  (bnn validate --year {year} --data {args.data} writes the full list per file)", file=sys.stderr)
    for year, results in computed.items():
        folder = results.save(args.out / str(year) / "results")
        print(f"{year}: {len(results.tables)} tables in {folder}")
        for warning in results.warnings[:5]:
            print(f"  warning: {warning}")
        if len(results.warnings) > 5:
            print(f"  … {len(results.warnings) - 5} more warnings in specs.json")
    print(f"computed {len(computed)} year(s) in {seconds:.1f} s")
    return 1 if errors else 0


def _previous(out: Path, year: int) -> Results | None:
    """Last year's saved results, if any (for the year-on-year change)."""
    folder = out / str(year - 1) / "results"
    return load_results(year - 1, folder) if (folder / "specs.json").exists() else None


if __name__ == "__main__":
    sys.exit(main())
