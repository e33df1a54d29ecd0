"""The ``bnn`` command: generate the sample data, compute the indices, check specs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bnn_lib.contracts import DataError
from bnn_lib.paths import REPORTS_DIR, SAMPLE_DIR
from bnn_lib.pipeline import compute_year
from bnn_lib.sample import write_sample
from bnn_lib.spec import SpecError, list_specs, load_spec


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

    p = sub.add_parser("specs", help="list the shipped specs, or validate spec files")
    p.add_argument("files", nargs="*")

    args = parser.parse_args(argv)
    try:
        if args.command == "sample":
            print(f"sample data written to {write_sample(args.out)}")
        elif args.command == "compute":
            return _compute(args)
        else:
            for name in args.files or list_specs():
                spec = load_spec(name)
                assumed = len(spec.assumptions())
                print(f"{spec.id} {spec.version} ({spec.index}, {spec.kind}): {assumed} assumed elements")
    except (DataError, SpecError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _compute(args: argparse.Namespace) -> int:
    overrides = dict(item.split("=", 1) for item in args.spec)
    failed = 0
    for year in args.year:
        start = time.perf_counter()
        try:
            results = compute_year(year, args.data, overrides)
        except (DataError, FileNotFoundError) as exc:
            print(f"{year}: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        folder = results.save(args.out / str(year) / "results")
        seconds = time.perf_counter() - start
        print(f"{year}: {len(results.tables)} tables in {folder} ({seconds:.1f} s)")
        for warning in results.warnings[:5]:
            print(f"  warning: {warning}")
        if len(results.warnings) > 5:
            print(f"  … {len(results.warnings) - 5} more warnings in specs.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
