"""Where the project's data live. The library is used from a clone (``pip install -e .``)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
SPECS_DIR = DATA_DIR / "specs"
SAMPLE_DIR = DATA_DIR / "sample"
REPORTS_DIR = ROOT / "reports"
