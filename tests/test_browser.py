"""A real browser opens the rendered reports: images load, no console errors, every link works.

Uses Debian's Chromium through Playwright (``make test`` installs Chromium where it can; without
it this test is skipped). Screenshots are saved in ``tests/artifacts/``.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from bnn_lib.paths import SHIPPED
from bnn_lib.reporting import index_page

ROOT = Path(__file__).resolve().parents[1]

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
ARTIFACTS = ROOT / "tests" / "artifacts"
REGIONS = SHIPPED / "regions"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]  # fmt: skip


def _registry(name: str) -> list[dict[str, str]]:
    """The rows of one of the region registry's files, read here as plain CSV."""
    with (REGIONS / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _province_rows(alias: str) -> set[str]:
    """The codes of the province ``province_aliases.csv`` gives ``alias`` and of its kab/kota."""
    code = {row["alias"]: row["code"] for row in _registry("province_aliases.csv")}[alias]
    return {code} | {row["code"] for row in _registry("kabkota.csv") if row["province_code"] == code}


def _shown(page, code: str) -> set[str]:
    """The region codes of the rows the search box leaves, given JavaScript that reads a row's code."""
    return set(page.eval_on_selector_all("tr[data-cari]", f"rows => rows.filter(r => r.offsetParent).map({code})"))


def _search_finds_by_alias(page) -> None:
    """Typing a province's alias in the index's search box leaves exactly the rows of that province
    and of its kab/kota (worked out from the registry's files, a row's code from its report's
    link); clearing it shows every row again."""
    code = r"r => (r.querySelector('a').getAttribute('href').match(/-([\d.]+)\.html$/) || [0, '00'])[1]"
    every = _shown(page, code)
    for alias in ("NAD", "DKI", "Jakarta"):
        page.fill("#cari", alias)
        wanted = _province_rows(alias) & every
        assert _shown(page, code) == wanted and 2 < len(wanted) < len(every), alias
    page.fill("#cari", "")
    assert _shown(page, code) == every


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
        _search_finds_by_alias(page)
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


def test_search_box_finds_aliases_and_names_without_kab_or_kota(tmp_path):
    """The index's search box over a row for every region of the registry: each province alias
    leaves its province and the province's kab/kota; a name without "Kab."/"Kota" leaves both the
    kabupaten and the kota of that name, and a prefix, however written, only the one it names.
    What each query should leave is worked out from the registry's files."""
    provinces, kabkota = _registry("provinces.csv"), _registry("kabkota.csv")
    codes = ["00"] + [row["code"] for row in provinces + kabkota]
    rows = "".join(f"{index_page.search_row(code)}<td>{code}</td></tr>" for code in codes)
    path = tmp_path / "cari.html"
    path.write_text(f"<!doctype html><meta charset='utf-8'>{index_page.SEARCH}<table>{rows}</table>", encoding="utf-8")
    named = {row["name"]: row["code"] for row in kabkota}
    aliases = [row["alias"] for row in _registry("province_aliases.csv")]
    wanted = {alias: _province_rows(alias) for alias in ["Jabar", "Jogja", "DIY", "Sulsel", *aliases]}
    wanted |= {name: {named[f"Kabupaten {name}"], named[f"Kota {name}"]} for name in ("Bogor", "Bekasi", "Tasikmalaya")}
    wanted |= {query: {named["Kabupaten Bogor"]} for query in ("kabupaten bogor", "Kab. Bogor", "KAB BOGOR")}
    wanted |= {query: {named["Kota Bogor"]} for query in ("kota bogor", " Kota  Bogor. ")}
    wanted |= {"Kota Adm. Jakarta Pusat": {named["Kota Administrasi Jakarta Pusat"]}, "Prov. Jabar": {"32"}}
    wanted |= {"jawa-BARAT": _province_rows("Jabar"), "Nasional": {"00"}}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(path.as_uri())
        for query, codes_wanted in wanted.items():
            page.fill("#cari", query)
            assert _shown(page, "r => r.cells[0].textContent") == codes_wanted, query
        page.fill("#cari", "Jabar")
        assert page.text_content("#jumlah") == f"{len(wanted['Jabar'])} wilayah ditemukan"
        page.fill("#cari", "")
        assert _shown(page, "r => r.cells[0].textContent") == set(codes)
        browser.close()
