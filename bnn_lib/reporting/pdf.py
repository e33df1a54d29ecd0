"""Each HTML report printed to a PDF beside it, by headless Chromium driven by Playwright.

    reason = pdf.unavailable()          # None, or one sentence: why no PDF can be made here
    with pdf.Printer() as printer:      # starts Chromium once
        errors = printer.print_all([(html, html.with_suffix(".pdf")), ...], jobs=2)

The page lays itself out: the print rules of ``report.css`` (``@page``, ``@media print``) give A4
portrait, the binding margin, the cover block, the running footer with the page numbers and the
title (:func:`.html.running_title`), and keep charts and table rows whole. A browser's print dialog
gives the same pages. This module adds what CSS cannot: the page numbers in a table of contents
(printed once, looked up in the PDF's named destinations, printed again) and the PDF outline.

Chromium, not WeasyPrint: on the 39 reports of 2024 (2 cores), Chromium printed all 39 in 17.5 s,
two pages at once (0.9 s of CPU a PDF, a third of it for the charts), within the budget of half
the HTML batch (about 26 s); WeasyPrint took 1.6-1.9 s a PDF in one process (3.5-4.7 s the
national report), about 32 s for the 39 on both cores. With the same print CSS their pages look
alike. One browser serves a whole batch (it starts in about 1 s), each of its pages in a renderer
process of its own. Start it after the batch has forked its report workers, never before: a fork
would copy its threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
from collections.abc import Callable, Iterable
from importlib.util import find_spec
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from bnn_lib.writing import atomic_path

CHROMIUM_ENV = "BNN_CHROMIUM"  # path of the Chromium to use; default: chromium on the PATH
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEFAULT_TIMEOUT = 60.0  # seconds for one report
START_TIMEOUT = 30.0  # seconds for Chromium to start
# The page's CSS decides size and margins; A4 only if a page has no @page rule. The outline
# (bookmarks) is made from the headings, and needs the tagged (accessible) structure.
PDF_OPTIONS = {"format": "A4", "prefer_css_page_size": True, "print_background": True, "outline": True, "tagged": True}
# A link to a local file as Chromium writes it: in a plain (uncompressed) annotation, the URI a
# literal string, its parentheses and backslashes escaped.
FILE_LINK = re.compile(rb"/URI \(file://((?:[^()\\]|\\.)*)\)")
# Writes each table-of-contents entry's page number ({id: page}) into its empty slot. The href is
# the heading's id as it stands (html.with_toc), which is also the destination's name.
FILL_TOC = """pages => document.querySelectorAll("nav.toc a[href^='#']").forEach(a => {
  const slot = a.querySelector(".toc-page");
  if (slot) slot.textContent = pages[a.getAttribute("href").slice(1)] ?? "";
})"""


class PdfError(Exception):
    """No PDF: the engine is missing or did not start, or one report failed (one-line message)."""


def printed(html: Path) -> Path | None:
    """The PDF beside report ``html`` if it was printed from this version of the page (not
    older than it); None otherwise."""
    pdf = html.with_suffix(".pdf")
    return pdf if pdf.exists() and html.exists() and pdf.stat().st_mtime >= html.stat().st_mtime else None


def chromium() -> str | None:
    """The Chromium executable: ``$BNN_CHROMIUM`` if set, else chromium on the PATH, else None."""
    return os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(executable: str | None = None) -> str | None:
    """None when PDFs can be made with ``executable`` (default :func:`chromium`); otherwise the
    reason, as one sentence for the user. Checks that the parts are there; starts nothing."""
    missing = [name for name in ("playwright", "pypdf") if find_spec(name) is None]
    if missing:
        return f"Tanpa PDF: paket Python {' dan '.join(missing)} tidak terpasang (pip install 'bnn-suite[pdf]')."
    path = executable or chromium()
    if path is None:
        return (
            f"Tanpa PDF: Chromium tidak terpasang (apt-get install chromium, atau isi {CHROMIUM_ENV} dengan letaknya)."
        )
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return f"Tanpa PDF: Chromium tidak ditemukan di {path} (periksa {CHROMIUM_ENV})."
    return None


class Printer:
    """One headless Chromium for a batch of PDFs; use it as a context manager.

    Entering starts the browser (raises :class:`PdfError` with a one-line reason if it cannot);
    leaving closes it. Not thread-safe: one caller prints at a time, ``jobs`` pages at once.
    """

    def __init__(self, executable: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.executable = executable or chromium()
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> Printer:
        reason = unavailable(self.executable)
        if reason:
            raise PdfError(reason)
        # Imported here: without Playwright, unavailable() must still be able to say so.
        from playwright.async_api import async_playwright

        # The async API in a loop of our own: it lets several pages print at once from this thread.
        self._loop = asyncio.new_event_loop()
        try:
            self._playwright = self._run(async_playwright().start())
            launch = self._playwright.chromium.launch(
                executable_path=self.executable, args=FLAGS, timeout=START_TIMEOUT * 1000
            )
            self._browser = self._run(launch)
        except Exception as exc:
            self.close()
            raise PdfError(f"Tanpa PDF: Chromium ({self.executable}) tidak dapat dijalankan: {one_line(exc)}") from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser and the driver (also when they half started)."""
        if self._loop is None:
            return
        for step in (self._browser and self._browser.close(), self._playwright and self._playwright.stop()):
            # Closing a browser that already died leaves nothing to do.
            with contextlib.suppress(Exception):
                if step is not None:
                    self._run(step)
        self._loop.close()
        self._loop = self._browser = self._playwright = None

    def print(self, html: Path, pdf: Path) -> None:
        """Print ``html`` to ``pdf`` (written atomically). Raises :class:`PdfError` on failure."""
        error = self.print_all([(html, pdf)], jobs=1)[html]
        if error is not None:
            raise PdfError(error)

    def print_all(
        self, pairs: Iterable[tuple[Path, Path]], jobs: int = 2, done: Callable[[], object] | None = None
    ) -> dict[Path, str | None]:
        """Print each (html, pdf) pair, ``jobs`` pages at once, calling ``done`` after each (a
        progress bar's update). Returns, by html path, None for a PDF written or the one-line
        error of a report that failed; a failure stops no other."""
        if self._browser is None:
            raise PdfError("Printer is not started: use it in a with block")
        queue = list(pairs)
        results: dict[Path, str | None] = {}
        self._run(self._workers(queue, results, max(1, min(jobs, len(queue))), done or (lambda: None)))
        return results

    def _run(self, awaitable: Any) -> Any:
        return self._loop.run_until_complete(awaitable)

    async def _workers(
        self, queue: list[tuple[Path, Path]], results: dict[Path, str | None], jobs: int, done: Callable[[], object]
    ) -> None:
        await asyncio.gather(*(self._worker(queue, results, done) for _ in range(jobs)))

    async def _worker(
        self, queue: list[tuple[Path, Path]], results: dict[Path, str | None], done: Callable[[], object]
    ) -> None:
        """Take pairs from ``queue`` until it is empty, printing each in this worker's page."""
        page = None
        while queue:
            html, pdf = queue.pop(0)
            try:
                # A page of its own context: its own renderer process, so pages print in parallel.
                page = page or await (await self._browser.new_context()).new_page()
                await asyncio.wait_for(print_page(page, html, pdf), self.timeout)
                results[html] = None
            except Exception as exc:  # one report's failure never stops the others
                why = (
                    f"PDF belum jadi setelah {self.timeout:.0f} detik"
                    if isinstance(exc, TimeoutError)
                    else one_line(exc)
                )
                results[html] = f"{html.name}: {why}"
                # A page that failed (crashed, timed out) may be in any state: start a fresh one.
                page = await _discard(page)
            done()
        await _discard(page)


async def print_page(page: Any, html: Path, pdf: Path) -> None:
    """Load ``html`` in ``page`` and write its PDF to ``pdf`` through a temporary file beside it.
    A table of contents gets its page numbers from a first print, then the page prints again."""
    if not html.is_file():
        raise FileNotFoundError(f"laporan tidak ada: {html}")
    await page.goto(html.resolve().as_uri(), wait_until="load")
    data = await page.pdf(**PDF_OPTIONS)
    if await page.locator("nav.toc").count():
        await page.evaluate(FILL_TOC, destination_pages(data))
        data = await page.pdf(**PDF_OPTIONS)
    with atomic_path(pdf) as tmp:
        tmp.write_bytes(relative_links(data, pdf.parent.resolve()))


def relative_links(data: bytes, folder: Path) -> bytes:
    """``data`` (a PDF) with each link to a local file made relative to ``folder``, as the HTML
    page has it: Chromium writes the absolute file:// URI of this machine, which breaks once the
    reports are copied. A relative URI is resolved from the PDF's own location (PDF 1.7, 12.6.4.7).
    Each URI is rewritten in place and padded with spaces, so no byte offset of the file moves;
    one whose relative form would be longer is left as it is."""

    def relative(match: re.Match) -> bytes:
        uri = urlsplit("file://" + re.sub(rb"\\(.)", rb"\1", match.group(1)).decode("latin-1"))
        # Percent-encoded, the path and the fragment hold no parenthesis or backslash to escape.
        target = quote(os.path.relpath(unquote(uri.path), folder))
        if uri.fragment:
            target += "#" + quote(unquote(uri.fragment))
        new = b"/URI (" + target.encode("ascii") + b")"
        return new.ljust(len(match.group(0))) if len(new) <= len(match.group(0)) else match.group(0)

    return FILE_LINK.sub(relative, data)


def destination_pages(data: bytes) -> dict[str, int]:
    """The page number (1-based) of each named destination of a PDF: Chromium names one after
    the id of each element that a link of the page points to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return {
        name.lstrip("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }


async def _discard(page: Any) -> None:
    """Close ``page`` and its context, if any and if still possible; return None."""
    # A renderer or browser that is gone leaves nothing to close.
    with contextlib.suppress(Exception):
        if page is not None:
            await page.context.close()


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
