"""A real browser opens the rendered reports: images load, no console errors, every link works.

Uses Debian's Chromium through Playwright (``make test`` installs Chromium where it can; without
it this test is skipped). Screenshots are saved in ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import shutil

import pytest

from bnn_lib.paths import ROOT

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]  # fmt: skip


def _search_finds_by_name(page) -> None:
    """Typing part of a name in the index's search box leaves the rows that hold it, whatever
    the case; clearing it shows every row again."""
    rows = page.eval_on_selector_all("tr[data-nama]", "rows => rows.map(r => r.dataset.nama)")
    page.fill("#cari", "aceh")
    shown = page.eval_on_selector_all(
        "tr[data-nama]", "rows => rows.filter(r => r.offsetParent).map(r => r.dataset.nama)"
    )
    assert shown == [name for name in rows if "aceh" in name.lower()] and 1 < len(shown) < len(rows)
    page.fill("#cari", "")
    assert len(page.eval_on_selector_all("tr[data-nama]", "rows => rows.filter(r => r.offsetParent)")) == len(rows)


def test_reports_open_cleanly_in_chromium(rendered):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))

        page.goto((rendered / "index.html").as_uri())
        page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
        links = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.href)")
        reports = [link for link in links if link.endswith(".html")]
        manifest = json.loads((rendered / "manifest.json").read_text())
        assert len(reports) == len(manifest["reports"]) > 3, links
        _search_finds_by_name(page)
        kabkota = [link for link in reports if "/kabkota/" in link]
        workbooks = [link for link in links if link.endswith(".xlsx")]
        assert [w.rsplit("/", 1)[-1] for w in workbooks] == ["tabel-kinerja-2024.xlsx"]
        assert (rendered / "tabel-kinerja-2024.xlsx").is_file()  # a download, not a page to open
        for link in (link for link in links if link not in workbooks):
            page.goto(link)
            assert page.evaluate("document.readyState") == "complete"
            if link.endswith(".html"):
                assert page.title().startswith("Laporan Kinerja 2024")
                images = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
                assert images and all(images), f"{link}: an image did not load"
                if link not in kabkota[1:]:  # one kab/kota report stands for all in the artifacts
                    name = link.rsplit("/", 1)[-1].replace(".html", ".png")
                    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            else:
                assert '"reports"' in page.content()  # the manifest
        browser.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), [u for u in requests if "://" in u][:5]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_report_scrolls_sideways(rendered, width):
    """At a laptop's width and a phone's, no page of any level is wider than the window: a
    table wider than the screen scrolls in its own box, a chart shrinks to fit."""
    pages = [rendered / "index.html", rendered / "nasional.html", rendered / "provinsi-11.html"]
    pages += sorted((rendered / "kabkota").glob("kabkota-11.*.html"))[:2]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        wide = {}
        for path in pages:
            page.goto(path.as_uri())
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[path.name] = scroll
            # Whatever is wider than the page sits in a box that scrolls it.
            loose = page.evaluate(
                """(w) => [...document.querySelectorAll('table')]
                    .filter(t => t.getBoundingClientRect().width > w && !t.closest('.table-scroll'))
                    .length""",
                width,
            )
            assert loose == 0, path.name
        browser.close()
    assert not wide, wide
