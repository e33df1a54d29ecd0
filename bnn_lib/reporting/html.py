"""Executed notebook → one self-contained HTML page: no code, no prompts, nothing fetched.

nbconvert's ``basic`` template renders the cells' outputs only (images stay inline as base64
PNG); this module wraps them in a page with its own stylesheet, so the file opens offline and
prints cleanly. The injected-parameters cell and stderr output (warnings) are dropped.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from bnn_lib.reporting.fmt import esc

DROP_TAGS = {"parameters", "injected-parameters"}

CSS = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")

PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
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


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """The standalone page of an executed notebook."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not DROP_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
    body, _ = exporter().from_notebook_node(nb)
    return page(title, body, footer)


def page(title: str, body: str, footer: str = "") -> str:
    """Wrap an HTML body in the report page (title escaped; body and footer trusted)."""
    return PAGE.format(title=esc(title), css=CSS, body=body, footer=footer)
