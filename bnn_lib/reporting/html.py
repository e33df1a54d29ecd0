"""Executed notebook → one self-contained HTML page: no code, no prompts, nothing fetched.

nbconvert's ``basic`` template renders the cells' outputs only (images stay inline as base64
PNG); this module wraps them in a page with its own stylesheet, so the file opens offline and
prints cleanly. The injected-parameters cell and stderr output (warnings) are dropped.

The page is also the source of the PDF (:mod:`.pdf`): the stylesheet's print rules lay out A4
pages, this module adds what varies per page: the report's title in the running footer, each
figure's on-screen size (its PNG is drawn finer, for print) and, when asked, a table of contents.
"""

from __future__ import annotations

import base64
import copy
import re
import struct
from functools import cache
from pathlib import Path

import nbformat
import pyphen
from nbconvert import HTMLExporter

from bnn_lib.reporting.fmt import esc

DROP_TAGS = {"parameters", "injected-parameters"}

CSS = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")

# CSS px per inch of a figure on screen: the layout the charts were drawn for (a 9-inch chart is
# 900 px wide). A PNG drawn at a finer resolution is shown at that same size.
SCREEN_DPI = 100
PNG_SRC = re.compile(r'<img (?![^>]*\bwidth=)([^>]*?)src="data:image/png;base64,([^"]+)"')
# A table header cell, and a word long enough to need a break point in a narrow column.
HEADER_CELL = re.compile(r"(<th\b[^>]*>)(.*?)(</th>)", re.S)
# A free-standing word: not part of an identifier, a file or spec name, a URL or an entity
# ("ikotan-dayamas-2022", "report.css", "&ThickSpace;"), which must stay whole.
LONG_WORD = re.compile(r"(?<![\w&\-./])[^\W\d_]{7,}(?![\w;\-./])")
SOFT_HYPHEN = "\u00ad"
DATA_TABLE = re.compile(r'(<table class="data".*?</table>)', re.S)  # report tables hold no table
LEADER_SECTIONS = 2  # the h2 sections before the table of contents
HEADING = re.compile(r"<h([23])([^>]*)>(.*?)</h\1>", re.S)
TAG = re.compile(r"<[^>]+>")
TAG_OR_TEXT = re.compile(f"({TAG.pattern})")  # splits text from tags, keeping both

PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}{running}</style>
</head>
<body>
<main>
{body}
<footer>{footer}</footer>
</main>
</body>
</html>
"""


@cache
def exporter() -> HTMLExporter:
    """nbconvert's exporter (built once per process: loading its templates is the slow part)."""
    return HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer: str = "", toc: bool = False) -> str:
    """The standalone page of an executed notebook; with ``toc``, a table of contents of its
    h2/h3 headings after the title block."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not DROP_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    body, _ = exporter().from_notebook_node(nb)
    return page(title, with_toc(body) if toc else body, footer)


def page(title: str, body: str, footer: str = "") -> str:
    """Wrap an HTML body in the report page (title escaped; body and footer trusted). Each inline
    PNG gets its on-screen size, each table header its break points; the title also runs in the
    footer of every printed page."""
    body = scrolling_tables(hyphenated_headers(sized_images(body)))
    return PAGE.format(title=esc(title), css=CSS, running=running_title(title), body=body, footer=footer)


def scrolling_tables(body: str) -> str:
    """Each data table in a box of its own that scrolls sideways where the table is wider than
    the screen (a phone), so that the page itself never does; on paper the box is not there."""
    return DATA_TABLE.sub(r'<div class="table-scroll">\1</div>', body)


def running_title(title: str) -> str:
    """The print rule that puts ``title`` in the footer's outer-edge corner opposite the page
    number (report.css places the numbers; pages mirror for binding)."""
    text = css_string(title)
    return (
        f"@page :right {{ @bottom-left {{ content: {text} }} }} @page :left {{ @bottom-right {{ content: {text} }} }}"
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end its string or its <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def sized_images(body: str) -> str:
    """Give each inline PNG without a width its on-screen size: its pixels at :data:`SCREEN_DPI`
    (from the resolution recorded in the PNG). A PNG that records none keeps its pixel size."""

    def size(match: re.Match) -> str:
        found = png_size(base64.b64decode(match.group(2)[:1024]))
        if found is None:
            return match.group(0)
        width, height, dpi = found
        css = f'width="{round(width * SCREEN_DPI / dpi)}" height="{round(height * SCREEN_DPI / dpi)}" '
        return f'<img {match.group(1)}{css}src="data:image/png;base64,{match.group(2)}"'

    return PNG_SRC.sub(size, body)


def hyphenated_headers(body: str) -> str:
    """Put soft hyphens between the syllables of the long words of every table header, so that
    the narrow columns of a wide table break "Kejak-saan" on paper, never "Kejaksa" and "an" at
    whatever letter fills the line. A soft hyphen shows only where a line breaks, and a browser's
    search ignores it."""

    def cell(match: re.Match) -> str:
        parts = TAG_OR_TEXT.split(match.group(2))  # words in text only, never inside a tag
        text = "".join(p if p.startswith("<") else LONG_WORD.sub(syllables, p) for p in parts)
        return match.group(1) + text + match.group(3)

    return HEADER_CELL.sub(cell, body)


def syllables(match: re.Match) -> str:
    """A word with a soft hyphen at its Indonesian hyphenation points (pyphen's dictionary),
    two letters at least before the first and three after the last."""
    word = match.group(0)
    # The dictionary splits a lone consonant off now and then ("ra-k-at"): a point is kept only
    # two letters or more after the one before.
    kept: list[int] = []
    for p in _hyphenator().positions(word):
        if not kept or p - kept[-1] >= 2:
            kept.append(p)
    return SOFT_HYPHEN.join(word[a:b] for a, b in zip([0, *kept], [*kept, len(word)], strict=True))


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="id_ID", left=2, right=3)


def png_size(head: bytes) -> tuple[int, int, float] | None:
    """Width and height in pixels and dots per inch, from the first bytes of a PNG (its chunks
    before the image data); None when the PNG records no resolution in metres."""
    width, height = struct.unpack(">II", head[16:24])
    at = 8
    while at + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[at : at + 8])
        if kind == b"IDAT":
            break
        if kind == b"pHYs" and at + 17 <= len(head) and head[at + 16] == 1:
            per_metre = struct.unpack(">I", head[at + 8 : at + 12])[0]
            return width, height, per_metre * 0.0254
        at += 12 + length
    return None


def with_toc(body: str) -> str:
    """``body`` with a table of contents of its h2 and h3 headings after the leader's pages (the
    first :data:`LEADER_SECTIONS` h2 sections: the summary and where to act next, which a leader
    reads first, on the first screen and page); headings without an id get one. Each entry
    links to its heading and has an empty page number, which the PDF printer fills in
    (:mod:`.pdf`)."""
    entries: list[str] = []
    taken = set(re.findall(r'\bid="([^"]+)"', body))

    def entry(match: re.Match) -> str:
        level, attrs, inner = match.groups()
        text = TAG.sub("", re.sub(r'<a class="anchor-link".*?</a>', "", inner)).strip()
        found = re.search(r'\bid="([^"]+)"', attrs)
        anchor = found.group(1) if found else unique_id(text, taken)
        entries.append(
            f'<li class="toc-{level}"><a href="#{anchor}"><span>{text}</span><span class="toc-page"></span></a></li>'
        )
        return match.group(0) if found else f'<h{level} id="{anchor}"{attrs}>{inner}</h{level}>'

    body = HEADING.sub(entry, body)
    if not entries:
        return body
    starts = [m.start() for m in re.finditer(r"<h2\b", body)]
    # After the leader's pages it starts a page of its own when printed; a short page keeps it first.
    after = len(starts) > LEADER_SECTIONS
    at = starts[LEADER_SECTIONS] if after else starts[0]
    classes = "toc after-leader" if after else "toc"
    nav = f'<nav class="{classes}"><p class="toc-title">Daftar isi</p><ol>{"".join(entries)}</ol></nav>\n'
    return body[:at] + nav + body[at:]


def unique_id(text: str, taken: set[str]) -> str:
    """An id made of ``text`` as nbconvert makes them (spaces become hyphens), not in ``taken``;
    it is added to ``taken``."""
    base = re.sub(r"\s+", "-", TAG.sub("", text).strip()) or "bagian"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor
