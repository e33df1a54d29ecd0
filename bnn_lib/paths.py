"""What the suite ships, read only, inside the package: the specs, the region registry, the
rules, the names offices see, the map data and the notebooks (:mod:`bnn_lib.workspace` is where a
user's data, specs and reports live); and the hashes that tell saved results out of date."""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "data"  # the specs, the region registry, the rules, the names, the map data
SPECS_DIR = SHIPPED / "specs"
NOTEBOOKS_DIR = PACKAGE / "notebooks"  # the report notebooks and the research notebooks


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# What code_hash leaves out: the command line and what it alone uses (the workspace, the scenario
# comparison and the what-if, never saved as results), the reports, the offices' files, the shipped
# data (but for what decides the results, below) and the notebooks.
COMMAND_LINE = {"reporting", "office", "cli.py", "arguments.py", "terminal.py", "workspace.py", "data", "notebooks"}
COMMAND_LINE |= {"scenarios.py", "comparing.py", "whatif.py", "lab.py"}


def code_hash() -> str:
    """SHA-256 over the computing code (``bnn_lib`` without the command line, its arguments and
    terminal output, and the report and office packages), the region registry and the priority
    rules: saved results computed by others are out of date."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] not in COMMAND_LINE:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    for path in sorted((SHIPPED / "regions").glob("*.csv")):  # the registry decides codes and names
        digest.update(path.name.encode() + path.read_bytes())
    for path in sorted((SHIPPED / "rules").glob("*.toml")):  # the priority rules decide ``prioritas``
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
