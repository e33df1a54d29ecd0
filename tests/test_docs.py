"""The methodology document: every section the project cites exists, and nothing points outside.

Specs, code, notebooks and the README cite sections of ``docs/methodology.md`` as "§2.3" (also
"§2.2–2.3", "§4, §7", "§8 #5"). Each cited number must be a numbered heading of that document
("## 2. IKOTAN …" is §2, "### 2.3 …" is §2.3). The project must also stand alone: no file may
refer to research notes kept outside the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "methodology.md"

HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)
NUMBER = r"\d+(?:\.\d+)*"
# "§2.3", "§ 2.3", and a range "§2.2–2.3" (both ends are cited).
CITATION = re.compile(rf"§\s*({NUMBER})(?:\s*[–-]\s*({NUMBER}))?")
OUTSIDE = ("../shared", "/work/shared", "shared/methodology")


def headings(markdown: str) -> set[str]:
    """The section numbers of the numbered headings of a Markdown text."""
    return set(HEADING.findall(markdown))


def citations(text: str) -> list[tuple[int, str]]:
    """(line number, section) for every "§x.y" in ``text``, both ends of a range included."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in CITATION.finditer(line):
            found += [(number, section) for section in match.groups() if section]
    return found


def missing_sections(texts: dict[str, str], known: set[str]) -> list[str]:
    """ "file:line: §x" for each citation whose section is not a heading."""
    return [
        f"{name}:{line}: §{section}"
        for name, text in texts.items()
        for line, section in citations(text)
        if section not in known
    ]


def notebook_text(path: Path) -> str:
    """The sources of a notebook's cells (not their outputs), one cell after another."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)


def read(path: Path) -> str:
    return notebook_text(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")


def citing_files() -> list[Path]:
    """The files whose § citations refer to docs/methodology.md (the document itself included)."""
    files = [
        *sorted((ROOT / "bnn_lib" / "data" / "specs").glob("*.toml")),
        *sorted((ROOT / "bnn_lib").rglob("*.py")),
        *sorted((ROOT / "bnn_lib" / "notebooks").glob("*.ipynb")),
        ROOT / "README.md",
        DOC,
    ]
    return [f for f in files if f.is_file()]


def project_files() -> list[Path]:
    """The project's own text: README, docs, data dictionary, workspace file, and the library with
    what it ships (specs, registry, rules, notebooks)."""
    files = [ROOT / "README.md", ROOT / "data" / "README.md", ROOT / "bnn.toml"]
    files += [p for p in (ROOT / "docs").rglob("*") if p.is_file()]
    files += [p for p in (ROOT / "bnn_lib").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return [f for f in files if f.is_file()]


def test_the_document_has_numbered_sections():
    sections = headings(DOC.read_text(encoding="utf-8"))
    assert {"1", "2", "2.1", "2.2", "2.3", "8"} <= sections, sorted(sections)


def test_every_cited_section_is_a_heading():
    known = headings(DOC.read_text(encoding="utf-8"))
    texts = {str(p.relative_to(ROOT)): read(p) for p in citing_files()}
    assert sum(len(citations(t)) for t in texts.values()) > 0, "no citation found: the scan reads nothing"
    missing = missing_sections(texts, known)
    assert not missing, "sections cited but not headings of docs/methodology.md:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(methodology §2.2–2.3).", ["2.2", "2.3"]),
        ("Two measures (docs/methodology.md §4, §7):", ["4", "7"]),
        ("disimpulkan (docs/methodology.md §2.2 butir 4).", ["2.2"]),
        ("# §8 #5: k = 3 equal classes", ["8"]),
        ("no section here, 75.01 %", []),
    ],
)
def test_citations_are_parsed(text, expected):
    assert [section for _, section in citations(text)] == expected


def test_a_section_that_is_no_heading_is_reported():
    known = headings("# Title\n\n## 2. IKOTAN\n\n### 2.3 Computation\n")
    assert known == {"2", "2.3"}
    texts = {"spec.toml": 'note = "ok (§2.3)"\nnote = "missing (§2.4)"\nnote = "range (§2.3–9.9)"'}
    assert missing_sections(texts, known) == ["spec.toml:2: §2.4", "spec.toml:3: §9.9"]


def test_no_file_points_outside_the_repository():
    found = []
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # a binary file (an image, a font) cannot cite a path
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            found += [f"{path.relative_to(ROOT)}:{number}: {word}" for word in OUTSIDE if word in line]
    assert not found, "the project must stand alone; these lines refer outside it:\n" + "\n".join(found)
