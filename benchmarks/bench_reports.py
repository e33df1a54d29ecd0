"""The report batch beside the naive baseline, on the same notebook, in the same run.

Baseline: for each report, the ``papermill`` CLI (a fresh Jupyter kernel) and then the
``jupyter nbconvert --to html --no-input`` CLI, one after the other, as a naive loop would.
Batch: ``bnn reports`` for every report of the year (--force): the nation, the 38 provinces and
every measured kab/kota, then the performance workbook; target on a 2-core machine: under
3 minutes, with flat memory (the peak resident memory of this process and of the largest report
process are printed).

The baseline runs on a sample of reports (default 6: it costs ~5 s each) and its mean per report
is multiplied by the number of reports; pass --baseline-all to run it on every report.
Prints both times, their ratio and the HTML sizes. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil
from bench_cluster import MB, Sampler

from bnn_lib import cli
from bnn_lib.regions import regions
from bnn_lib.reporting import batch
from bnn_lib.reporting.jobs import NATIONAL_NOTEBOOK, PROVINCE_NOTEBOOK
from bnn_lib.workspace import workspace

SAMPLE_DIR = workspace().data  # the repository's workspace: its sample data
REPORTS_DIR = workspace().reports

BIN = Path(sys.executable).parent
TARGET_SECONDS = 180  # every report of one year on a 2-core machine


def naive(code: str | None, year: int, out: Path) -> float:
    """Seconds for one report the naive way (papermill CLI, then nbconvert CLI)."""
    notebook = PROVINCE_NOTEBOOK if code else NATIONAL_NOTEBOOK
    executed = out / f"{code or 'nasional'}.ipynb"
    params = ["-p", "year", str(year), "-p", "results_dir", str(REPORTS_DIR)] + (
        ["-p", "province", code] if code else []
    )
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "papermill"), str(notebook), str(executed), *params, "--no-progress-bar"],
        check=True,
        capture_output=True,
        cwd=notebook.parent,
    )
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--baseline", type=int, default=6, help="reports in the baseline sample")
    parser.add_argument("--baseline-all", action="store_true")
    args = parser.parse_args()
    codes = list(regions().province_table["code"])

    # The indices are computed once (both approaches read the same saved results), then the
    # batch renders every report; only the rendering is compared with the baseline.
    start = time.perf_counter()
    years = [str(y) for y in range(args.year - 1, args.year + 1) if (SAMPLE_DIR / str(y)).is_dir()]
    cli.main(["compute", "--year", *years, "--data", str(SAMPLE_DIR)])
    compute_seconds = time.perf_counter() - start
    me = psutil.Process()
    start = time.perf_counter()
    with Sampler(lambda: [], me.children, lambda: 0) as memory:
        outcomes = batch.run(batch.Batch(year=args.year, force=True, progress=False))
    batch_seconds = time.perf_counter() - start
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes if o.status != "ok"]
    n_reports = len(outcomes)
    levels = Counter(
        "kab/kota" if "." in o.key else "nasional" if o.key == "nasional" else "provinsi" for o in outcomes
    )

    sample = codes if args.baseline_all else codes[:: max(1, len(codes) // args.baseline)][: args.baseline]
    with tempfile.TemporaryDirectory() as tmp:
        times = [naive(code, args.year, Path(tmp)) for code in sample]
        sizes_naive = [p.stat().st_size for p in Path(tmp).glob("*.html")]
    per_report = statistics.mean(times)
    baseline = per_report * n_reports

    sizes = sorted(p.stat().st_size for p in (REPORTS_DIR / str(args.year)).rglob("*.html"))
    print(
        f"report batch, {args.year}: {n_reports} reports ({levels['nasional']} national, {levels['provinsi']} "
        f"provinces, {levels['kab/kota']} kab/kota) on {psutil.cpu_count()} cores"
    )
    print(
        f"  computing the indices with intervals, sensitivity and audit ({', '.join(years)}): "
        f"{compute_seconds:.1f} s, once, before either"
    )
    print(
        f"  batch (the renderer of bnn reports): {batch_seconds:6.1f} s  ({batch_seconds / n_reports:.2f} s per report)"
    )
    print(
        f"  naive papermill CLI + nbconvert CLI: {per_report:.2f} s per report over {len(sample)} reports "
        f"-> {baseline:6.1f} s for {n_reports}"
    )
    print(f"  speed-up: {baseline / batch_seconds:.1f}x")
    verdict = "met" if batch_seconds < TARGET_SECONDS else "NOT met"
    print(
        f"  every report of the year and the workbook: {batch_seconds:.0f} s (target < {TARGET_SECONDS} s: {verdict})"
    )
    print(
        f"  peak RSS: this process {max(m.parent for m in memory.samples) / MB:.0f} MB, "
        f"largest report process {max(m.report for m in memory.samples) / MB:.0f} MB"
    )
    print(
        f"  HTML size: batch median {statistics.median(sizes) / 1e3:.0f} kB, max {max(sizes) / 1e3:.0f} kB; "
        f"naive (lab template) median {statistics.median(sizes_naive) / 1e3:.0f} kB"
    )


if __name__ == "__main__":
    main()
