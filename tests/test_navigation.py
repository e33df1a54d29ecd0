"""The reports link each other: every report names the way up to the year's index, and each
link of that trail opens a report that was rendered beside it."""

from __future__ import annotations

import re
from pathlib import Path

CRUMBS = re.compile(r'<nav[^>]*class="crumbs"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def trail(path: Path) -> list[tuple[str, str]]:
    """The (link, label) pairs of a report's breadcrumb, and its last, unlinked item."""
    [crumbs] = CRUMBS.findall(path.read_text(encoding="utf-8"))
    return [*HREF.findall(crumbs), ("", crumbs.rsplit("›", 1)[-1].strip())]


def test_every_report_links_the_way_up(rendered):
    kabkota = sorted((rendered / "kabkota").glob("kabkota-11.*.html"))[0]
    expected = {
        rendered / "nasional.html": [("index.html", "Semua laporan 2024"), ("", "Nasional")],
        rendered / "provinsi-11.html": [
            ("index.html", "Semua laporan 2024"),
            ("nasional.html", "Nasional"),
            ("", "Aceh"),
        ],
        kabkota: [
            ("../index.html", "Semua laporan 2024"),
            ("../nasional.html", "Nasional"),
            ("../provinsi-11.html", "Provinsi Aceh"),
        ],
    }
    for path, crumbs in expected.items():
        found = trail(path)
        assert found[: len(crumbs)] == crumbs, (path.name, found)
        for href, _ in found[:-1]:
            assert (path.parent / href).resolve().is_file(), (path.name, href)


def test_the_national_report_links_the_province_reports_that_stand(rendered):
    """The fixture renders Aceh (11) and DKI Jakarta (31) besides the nation: the national
    report links exactly those two province reports, and no page that is not there."""
    text = (rendered / "nasional.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="(provinsi-\d\d\.html)"', text))
    assert linked == {"provinsi-11.html", "provinsi-31.html"}
    assert all((rendered / name).is_file() for name in linked)
