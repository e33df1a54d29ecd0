"""The PDF beside each HTML report: A4, whole pages, the report's own numbers, links, a table of
contents for the national report, sharp charts; and a clear reason where no PDF can be made.

The printing tests use Debian's Chromium through Playwright and are skipped without it
(``make test`` installs Chromium where it can). The page layout itself is report.css's.
"""

from __future__ import annotations

import base64
import html as htmllib
import io
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

from bnn_lib.reporting import html, pdf

REASON = pdf.unavailable()
needs_chromium = pytest.mark.skipif(REASON is not None, reason=REASON or "")
A4 = (595.3, 841.9)  # points
TEXT_BLOCK = round((210 - 25 - 15) / 25.4 * 96)  # CSS px: A4 less report.css's side margins
WIDER = """width => Array.from(document.querySelectorAll("main *"))
  .filter(e => e.getBoundingClientRect().right > width + 1).map(e => e.tagName + ": " + e.innerText.slice(0, 60))"""
# A page with an external, a relative and an internal link, and headings whose ids are awkward
# in a URL or a PDF name; with_toc gives it a table of contents.
LINKS_PAGE = (
    '<h1>Uji tautan</h1><p><a href="https://example.org/panduan">panduan</a> · '
    '<a href="provinsi-11.html#Peta">peta Aceh</a> · <a href="#akhir">akhir</a></p>'
    '<h2>Capaian 100% Kab/Kota (IKKRN)</h2><h2 id="akhir">Akhir</h2>'
)


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace removed (PDF text breaks lines anywhere)."""
    return re.sub(r"\s+", "", htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)))


def visible_links(page: str) -> list[str]:
    """The hrefs of the links a reader sees (nbconvert's hidden heading anchors left out)."""
    return [htmllib.unescape(h) for h in re.findall(r'<a (?![^>]*anchor-link)[^>]*href="([^"]+)"', page)]


@pytest.fixture(scope="module")
def printed(rendered, tmp_path_factory) -> Path:
    """Aceh's report, the national report with its table of contents, and a page of links,
    printed through one Printer into a folder of their own, each PDF beside its HTML."""
    if REASON is not None:
        pytest.skip(REASON)
    folder = tmp_path_factory.mktemp("pdf")
    shutil.copy(rendered / "provinsi-11.html", folder / "provinsi-11.html")
    national = (rendered / "nasional.html").read_text(encoding="utf-8")
    title = htmllib.unescape(re.search(r"<title>(.*?)</title>", national).group(1))
    nb = nbformat.read(rendered / "notebooks" / "nasional.ipynb", as_version=4)
    (folder / "nasional.html").write_text(html.notebook_to_html(nb, title, toc=True), encoding="utf-8")
    (folder / "tautan.html").write_text(html.page("Uji tautan", html.with_toc(LINKS_PAGE)), encoding="utf-8")
    pairs = [(folder / f"{name}.html", folder / f"{name}.pdf") for name in ("provinsi-11", "nasional", "tautan")]
    with pdf.Printer() as printer:
        errors = printer.print_all(pairs, jobs=2)
    assert errors == dict.fromkeys(errors), errors
    return folder


def reader(path: Path):
    from pypdf import PdfReader

    return PdfReader(path)


@needs_chromium
@pytest.mark.parametrize(("name", "pages"), [("provinsi-11", (4, 20)), ("nasional", (6, 30))])
def test_pdf_is_a4_portrait_with_a_sane_page_count(printed, name, pages):
    document = reader(printed / f"{name}.pdf")
    assert pages[0] <= len(document.pages) <= pages[1], len(document.pages)
    for page in document.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1.5)


@needs_chromium
def test_text_layer_holds_the_place_and_the_headline_numbers_as_the_html_shows_them(printed):
    page = (printed / "provinsi-11.html").read_text(encoding="utf-8")
    text = text_of("".join(p.extract_text() for p in reader(printed / "provinsi-11.pdf").pages))
    place = re.search(r"class=[\"']subtitle[\"']>([^<·]+)·", page).group(1)
    assert text_of(place) in text and "Aceh" in place
    # The executive summary's table: every number of it, exactly as the HTML writes it.
    summary = page[page.find('<table class="data">') :]
    summary = summary[: summary.find("</table>")]
    numbers = [text_of(c) for c in re.findall(r'<td class="num">(.*?)</td>', summary) if text_of(c) != "–"]
    assert len(numbers) >= 8, numbers
    assert [n for n in numbers if n not in text] == []
    assert text_of("DATA CONTOH SINTETIS") in text  # the cover block keeps the synthetic-data banner


@needs_chromium
def test_footer_has_the_title_and_page_numbers_on_every_page(printed):
    document = reader(printed / "provinsi-11.pdf")
    title = htmllib.unescape(re.search(r"<title>(.*?)</title>", (printed / "provinsi-11.html").read_text()).group(1))
    total = len(document.pages)
    for number, page in enumerate(document.pages, start=1):
        text = text_of(page.extract_text())
        assert f"{number}/{total}" in text and text_of(title) in text, (number, text[:80])


@needs_chromium
@pytest.mark.parametrize("name", ["provinsi-11", "nasional", "tautan"])
def test_links_are_kept_and_local_ones_stay_relative(printed, name):
    links = visible_links((printed / f"{name}.html").read_text(encoding="utf-8"))
    document = reader(printed / f"{name}.pdf")
    uris, destinations = [], []
    for page in document.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/A" in annotation and "/URI" in annotation["/A"]:
                uris.append(str(annotation["/A"]["/URI"]).strip())
            elif "/Dest" in annotation:
                destinations.append(str(annotation["/Dest"]).lstrip("/"))
    # Every link of the page, to the same target (one that wraps is one annotation a line).
    assert set(uris) == {link for link in links if not link.startswith("#")}
    assert set(destinations) == {link[1:] for link in links if link.startswith("#")}
    assert b"file://" not in (printed / f"{name}.pdf").read_bytes()  # nothing points into this machine
    if name == "tautan":
        assert "https://example.org/panduan" in uris and "provinsi-11.html#Peta" in uris
        assert set(destinations) == {"akhir", "Capaian-100%-Kab/Kota-(IKKRN)"}


@needs_chromium
def test_table_of_contents_numbers_pages_also_for_awkward_ids(printed):
    first = text_of(reader(printed / "tautan.pdf").pages[0].extract_text())
    assert "Capaian100%Kab/Kota(IKKRN)2" in first and "Akhir2" in first


@needs_chromium
def test_national_pdf_opens_with_the_leader_pages_then_a_table_of_contents_whose_page_numbers_are_right(
    printed,
):
    page = (printed / "nasional.html").read_text(encoding="utf-8")
    headings = [text_of(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page, re.S)]
    document = reader(printed / "nasional.pdf")
    pages = [text_of(p.extract_text()) for p in document.pages]
    # The summary on the first page; the contents on a page of its own after where to act next.
    assert "Ringkasaneksekutif" in pages[0] and "Daftarisi" not in pages[0]
    toc = next(i for i, text in enumerate(pages) if "Daftarisi" in text)
    assert "Prioritastindaklanjut" in "".join(pages[:toc]) and len(headings) >= 10
    first = pages[toc]
    for heading in (h.replace("¶", "") for h in headings):
        number = int(re.search(re.escape(heading) + r"(\d+)", first).group(1))
        assert heading in text_of(document.pages[number - 1].extract_text()), (heading, number)
    assert document.outline  # bookmarks too


@needs_chromium
def test_everything_fits_the_text_block_so_no_report_is_shrunk(rendered):
    """A table wider than the text block would make Chromium shrink every page to fit it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    pages = [rendered / "provinsi-11.html", rendered / "provinsi-31.html", rendered / "nasional.html"]
    pages += sorted((rendered / "kabkota").glob("*.html"))[:3]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=pdf.chromium(), args=pdf.FLAGS)
        page = browser.new_page(viewport={"width": TEXT_BLOCK, "height": 1000})
        page.emulate_media(media="print")
        wider = {}
        for path in pages:
            page.goto(path.as_uri())
            wider[path.name] = page.evaluate(WIDER, TEXT_BLOCK)
        browser.close()
    assert {name: found for name, found in wider.items() if found} == {}


@needs_chromium
@pytest.mark.parametrize("name", ["provinsi-11", "nasional"])
def test_no_page_is_blank(printed, name):
    document = reader(printed / f"{name}.pdf")
    total = len(document.pages)
    for number, page in enumerate(document.pages, start=1):
        body = text_of(page.extract_text()).replace(f"{number}/{total}", "", 1)
        assert len(body) > 60 or len(page.images), f"page {number} holds only its footer"


@needs_chromium
@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="pdfimages (poppler-utils) is not installed")
def test_charts_print_at_200_dpi_or_more(printed):
    listing = subprocess.run(
        ["pdfimages", "-list", str(printed / "provinsi-11.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    ppi = [(int(row.split()[12]), int(row.split()[13])) for row in listing]
    assert len(ppi) >= 5 and min(min(p) for p in ppi) >= 200, ppi


@needs_chromium
def test_a_failing_report_stops_no_other_and_leaves_the_old_pdf_whole(printed, tmp_path):
    (tmp_path / "rusak.pdf").write_bytes(b"old")
    shutil.copy(printed / "tautan.html", tmp_path / "tautan.html")
    pairs = [(tmp_path / "rusak.html", tmp_path / "rusak.pdf"), (tmp_path / "tautan.html", tmp_path / "tautan.pdf")]
    with pdf.Printer() as printer:
        errors = printer.print_all(pairs)
        with pytest.raises(pdf.PdfError, match=r"rusak\.html"):
            printer.print(*pairs[0])
    assert "rusak.html" in errors[pairs[0][0]] and "\n" not in errors[pairs[0][0]]
    assert errors[pairs[1][0]] is None and (tmp_path / "tautan.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "rusak.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rusak.pdf", "tautan.html", "tautan.pdf"]  # no temp file


def test_a_missing_chromium_is_told_in_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "tidak-ada" / "chromium"))
    reason = pdf.unavailable()
    assert reason and "\n" not in reason and str(tmp_path / "tidak-ada") in reason and pdf.CHROMIUM_ENV in reason
    with pytest.raises(pdf.PdfError) as raised, pdf.Printer():
        pass
    assert str(raised.value) == reason


def test_a_missing_package_is_told_in_one_sentence(monkeypatch):
    monkeypatch.setattr(pdf, "find_spec", lambda name: None if name == "pypdf" else object())
    reason = pdf.unavailable()
    assert reason and "\n" not in reason and "pypdf" in reason and "bnn-suite[pdf]" in reason


def test_figures_keep_their_screen_size_and_are_drawn_finer_for_print():
    fig = Figure(figsize=(9, 3))
    fig.subplots().plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    source = base64.b64encode(buffer.getvalue()).decode("ascii")
    page = html.sized_images(f'<img alt="x" src="data:image/png;base64,{source}">')
    assert 'width="900" height="300"' in page  # 9 × 3 inches at the screen's 100 px an inch
    assert html.sized_images('<img width="5" src="data:image/png;base64,AAAA">') == (
        '<img width="5" src="data:image/png;base64,AAAA">'
    )


def test_table_of_contents_links_every_h2_and_h3_and_gives_ids_to_those_without():
    body = (
        '<h1>Judul</h1><h2 id="Satu">Satu<a class="anchor-link" href="#Satu">¶</a></h2>'
        "<h3>Dua &amp; tiga</h3><h3>Dua &amp; tiga</h3><h2>Empat</h2>"
    )
    page = html.with_toc(body)
    assert page.index("<nav") < page.index("<h2")
    hrefs = re.findall(r'<li class="toc-\d"><a href="#([^"]+)"', page)
    assert hrefs == ["Satu", "Dua-&amp;-tiga", "Dua-&amp;-tiga-2", "Empat"]
    assert all(f'id="{href}"' in page.split("</nav>", 1)[1] for href in hrefs)


def test_running_title_cannot_break_out_of_its_string_or_style():
    rule = html.running_title('A "B" </style><script>')
    assert "</style>" not in rule and '\\"B\\"' in rule


def test_wide_table_headers_break_only_between_syllables():
    # Syllables by hand: Ke|jak|sa|an, Ma|sya|ra|kat, Pe|me|rin|tah; a break leaves two letters
    # before it and three after, and nothing outside a header's text is touched.
    source = (
        '<p>Kejaksaan</p><th title="Masyarakat">Kejaksaan <b>Masyarakat</b></th><th>Pemerintah Polres</th>'
        "<th>ikotan-dayamas-2022 &ThickSpace; laporan.html</th>"
    )
    page = html.hyphenated_headers(source)
    breaks = {
        word.replace(html.SOFT_HYPHEN, ""): [len(part) for part in word.split(html.SOFT_HYPHEN)]
        for word in re.findall(r"[\w\u00ad]+", page)
        if html.SOFT_HYPHEN in word
    }
    syllable_ends = {"Kejaksaan": {2, 5, 7}, "Masyarakat": {2, 5, 7}, "Pemerintah": {2, 4, 7}}
    assert set(breaks) == set(syllable_ends)  # "Polres" is too short to break, <p> is no header
    assert 'title="Masyarakat"' in page  # inside a tag: untouched
    for word, parts in breaks.items():
        ends = set(itertools.accumulate(parts[:-1]))
        assert ends <= syllable_ends[word] and parts[0] >= 2 and parts[-1] >= 3, (word, parts)
    assert page.replace(html.SOFT_HYPHEN, "") == source  # names, entities and files whole
