"""What the index page of a year links to is shared: it names no folder of this machine, no user
and no input file.

The batch renders reports from results computed from the sample in temporary folders (the
session's ``rendered`` fixture: Aceh, DKI Jakarta, their kab/kota and the nation). Every file the
index page links to (the reports, their PDFs where printed, the workbook, the manifest), and the
executed notebooks the manifest points to, are searched for the absolute paths of the data and
results folders, the home folder, the user's name as a folder, and the name of every input file
the results were computed from (``results/specs.json`` keeps that list, for the analyst).
"""

from __future__ import annotations

import getpass
import json
import re
import zipfile
from pathlib import Path

import pytest


def linked(folder: Path) -> list[Path]:
    """The index page of a year's ``folder``, the files it links to, the manifest included, and
    the executed notebooks of its reports."""
    page = (folder / "index.html").read_text(encoding="utf-8")
    files = {folder / href for href in re.findall(r'href="([^"#:]+)"', page) + re.findall(r"href='([^'#:]+)'", page)}
    files |= {folder / "index.html", *(folder / "notebooks").glob("*.ipynb")}
    return sorted(f for f in files if f.is_file())


def text_of(path: Path) -> str:
    """The text of a file as a reader's tools would show it: a workbook's XML parts, a PDF's bytes."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    if path.suffix == ".pdf":
        return path.read_bytes().decode("latin-1")
    return path.read_text(encoding="utf-8")


def private(folder: Path, data: Path) -> dict[str, re.Pattern]:
    """What must not be shared, by what it is: this machine's folders, the user, the input files."""
    inputs = json.loads((folder / "results" / "specs.json").read_text(encoding="utf-8"))["inputs"]
    names = {Path(f["file"]).name for files in inputs.values() for f in files}
    assert len(names) >= 8  # the sample's tables: something to look for
    places = {str(folder.parent.resolve()), str(data.resolve()), str(Path.home())}
    found = {f"folder {p}": re.compile(re.escape(p)) for p in places}
    # The user as a folder ("/home/ana/", "C:\\Users\\ana"): the bare word would find CSS's ":root".
    found["user"] = re.compile(rf"[/\\]{re.escape(getpass.getuser())}(?:[/\\\"']|$)", re.MULTILINE)
    return found | {f"input {n}": re.compile(re.escape(n)) for n in names}


def test_what_the_index_links_to_names_no_folder_user_or_input_file(rendered, sample_dir):
    files = linked(rendered)
    assert rendered / "manifest.json" in files and any(f.suffix == ".xlsx" for f in files)
    assert len([f for f in files if f.suffix == ".html"]) > 5 and any(f.suffix == ".ipynb" for f in files)
    leaks = [
        f"{f.relative_to(rendered)}: {what}"
        for f in files
        for what, pattern in private(rendered, Path(sample_dir)).items()
        if pattern.search(text_of(f))
    ]
    assert not leaks, leaks


def test_the_manifest_still_says_where_each_report_is(rendered):
    manifest = json.loads((rendered / "manifest.json").read_text(encoding="utf-8"))
    rows = {r["key"]: r for r in manifest["reports"]}
    assert rows["11"]["html"] == "provinsi-11.html" and rows["11"]["executed"] == "notebooks/provinsi-11.ipynb"
    assert all((rendered / r["html"]).is_file() for r in rows.values())
    assert manifest["inputs"]["results"] == "results/specs.json"  # where the analyst finds the inputs


@pytest.mark.parametrize("report", ["provinsi-11", "nasional"])
def test_an_executed_notebook_reads_its_results_relative_to_itself(rendered, report):
    notebook = json.loads((rendered / "notebooks" / f"{report}.ipynb").read_text(encoding="utf-8"))
    record = notebook["metadata"]["papermill"]
    assert record["parameters"]["results_dir"] == "../.."  # reports/<year>/notebooks → reports/
    assert (rendered / "notebooks" / record["parameters"]["results_dir"] / "2024" / "results").is_dir()
    assert "/" not in record["input_path"] and "/" not in record["output_path"]
    [injected] = [c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert 'results_dir = "../.."' in "".join(injected["source"])
