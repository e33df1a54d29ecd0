"""Where the project's data live. The library is used from a clone (``pip install -e .``)."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SPECS_DIR = DATA_DIR / "specs"
SAMPLE_DIR = DATA_DIR / "sample"
REPORTS_DIR = ROOT / "reports"


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# What code_hash leaves out: the command line and what it alone uses, the reports, the offices' files.
COMMAND_LINE = ("reporting", "office", "cli.py", "arguments.py", "terminal.py")


def code_hash() -> str:
    """SHA-256 over the computing code (``bnn_lib`` without the command line, its arguments and
    terminal output, and the report and office packages), the region registry and the priority
    rules: saved results computed by others are out of date."""
    package = ROOT / "bnn_lib"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] not in COMMAND_LINE:
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    for path in sorted((DATA_DIR / "regions").glob("*.csv")):  # the registry decides codes and names
        digest.update(path.name.encode() + path.read_bytes())
    for path in sorted((DATA_DIR / "rules").glob("*.toml")):  # the priority rules decide ``prioritas``
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
