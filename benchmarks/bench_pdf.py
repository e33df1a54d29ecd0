"""The PDFs of a year's reports beside the HTML batch that made the pages.

HTML: ``bnn reports`` for the 38 provinces and the national report (--force; --levels adds the
kab/kota reports), timed; or, with --no-render, the pages already there and the batch time
estimated from manifest.json (the sum of the report times over the jobs). PDF: each page printed
beside its HTML by one Printer (one Chromium), --jobs pages at once. Target: the PDFs add less
than half of the HTML batch time.

Prints the wall time of both and the load average before them (on a shared machine both also
count others' work), the time per PDF, whether the target is met, and the PDF sizes and pages.
--weasyprint N also times WeasyPrint on N of the pages (if installed), for the choice of engine.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

from pypdf import PdfReader

from bnn_lib.reporting import LEVELS, batch, pdf
from bnn_lib.workspace import workspace

REPORTS_DIR = workspace().reports


def level(key: str) -> str:
    """The level of a manifest row's key: "nasional", a kab/kota code ("11.01") or a province's."""
    return "nasional" if key == "nasional" else "kabkota" if "." in key else "provinsi"


def render(year: int, out: Path, levels: tuple[str, ...]) -> tuple[list[Path], float]:
    """Render the year's pages of ``levels`` with the batch: their paths and seconds."""
    start = time.perf_counter()
    outcomes = batch.run(batch.Batch(year=year, out=out, force=True, progress=False, levels=levels))
    seconds = time.perf_counter() - start
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes if o.status != "ok"]
    return [Path(o.html) for o in outcomes], seconds


def from_manifest(year: int, out: Path, levels: tuple[str, ...]) -> tuple[list[Path], float]:
    """The pages of ``levels`` a previous batch wrote and its estimated time: their report seconds
    summed over the jobs."""
    manifest = json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8"))
    rows = [r for r in manifest["reports"] if r["status"] in ("ok", "skipped") and level(r["key"]) in levels]
    return [Path(r["html"]) for r in rows], sum(r["seconds"] for r in rows) / manifest["jobs"]


def print_pdfs(pages: list[Path], jobs: int) -> tuple[float, float]:
    """Print each page to a PDF beside it with one Printer: seconds to start it, seconds in all."""
    begin = time.perf_counter()
    with pdf.Printer() as printer:
        start = time.perf_counter() - begin
        errors = printer.print_all([(page, page.with_suffix(".pdf")) for page in pages], jobs=jobs)
    failed = {str(k): v for k, v in errors.items() if v}
    assert not failed, failed
    return start, time.perf_counter() - begin


def weasyprint_seconds(pages: list[Path]) -> float | None:
    """Seconds per PDF with WeasyPrint on ``pages`` (same pages, same CSS); None if not installed."""
    if find_spec("weasyprint") is None:
        return None
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # it warns about CSS it does not know
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for page in pages:
            weasyprint.HTML(filename=str(page)).write_pdf(Path(tmp) / f"{page.stem}.pdf")
        return (time.perf_counter() - start) / len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="reports folder (holds <year>/results)")
    parser.add_argument("--jobs", type=int, default=2, help="pages printed at once")
    parser.add_argument("--levels", nargs="+", default=["provinsi", "nasional"], choices=LEVELS)
    parser.add_argument("--no-render", action="store_true", help="print the pages already there")
    parser.add_argument("--weasyprint", type=int, default=0, metavar="N", help="also time WeasyPrint on N pages")
    args = parser.parse_args()
    reason = pdf.unavailable()
    if reason:
        raise SystemExit(reason)

    load = os.getloadavg()[0]
    if args.no_render:
        pages, html_wall = from_manifest(args.year, args.out, tuple(args.levels))
        html_line = f"{html_wall:6.1f} s (estimated from manifest.json: report seconds / jobs)"
    else:
        pages, html_wall = render(args.year, args.out, tuple(args.levels))
        html_line = f"{html_wall:6.1f} s"
    start, pdf_wall = print_pdfs(pages, args.jobs)
    pdfs = [page.with_suffix(".pdf") for page in pages]
    sizes = [p.stat().st_size for p in pdfs]
    counts = [len(PdfReader(p).pages) for p in pdfs]

    n = len(pages)
    print(f"PDF beside each report, {args.year}: {n} reports on {os.cpu_count()} cores (load before: {load:.1f})")
    print(f"  HTML batch (bnn reports --force):         {html_line}")
    print(
        f"  PDFs (one Chromium, {args.jobs} pages at once): {pdf_wall:6.1f} s  "
        f"({pdf_wall / n:.2f} s per PDF; Chromium start {start:.1f} s)"
    )
    met = "met" if pdf_wall < html_wall / 2 else "NOT met"
    print(f"  target, PDFs < half the HTML batch: {pdf_wall:.1f} s vs {html_wall / 2:.1f} s: {met}")
    print(
        f"  PDF size: median {statistics.median(sizes) / 1e3:.0f} kB, max {max(sizes) / 1e3:.0f} kB; "
        f"pages: median {statistics.median(counts):.0f}, max {max(counts)}"
    )
    if args.weasyprint:
        sample = pages[:: max(1, n // args.weasyprint)][: args.weasyprint]
        seconds = weasyprint_seconds(sample)
        if seconds is None:
            print("  WeasyPrint: not installed (pip install weasyprint to compare)")
        else:
            total = f"{seconds * n:.0f} s for {n}"
            print(f"  WeasyPrint, one process: {seconds:.2f} s per PDF over {len(sample)} -> {total}")


if __name__ == "__main__":
    main()
