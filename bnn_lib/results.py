"""The saved results of a year: the tidy tables, the specs they were computed with, and what
they were computed from, written as Parquet and CSV with ``specs.json`` and read back.

    results = compute_year(2024)              # bnn_lib.pipeline
    results.save("reports/2024/results")      # atomically: the folder is replaced whole
    load_results(2024)                        # what the reports read
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bnn_lib.analyses import Analyses
from bnn_lib.intake import Problem
from bnn_lib.paths import file_hash
from bnn_lib.regions import regions
from bnn_lib.spec import IndexSpec, parse_spec
from bnn_lib.workspace import suite_version, workspace
from bnn_lib.writing import atomic_folder, write_csv


@dataclass
class Results:
    """The tables of one year, by name (``ikotan_kabkota``, ``ikotan_regions``, ``kpi``, …)."""

    year: int
    tables: dict[str, pd.DataFrame]
    specs: dict[str, IndexSpec]
    warnings: list[Problem] = field(default_factory=list)
    # table → the files read for it: [{"file": path relative to the data folder, "sheet", "sha256"}]
    inputs: dict[str, list[dict]] = field(default_factory=dict)
    # What the results depend on besides the specs (:func:`bnn_lib.build.fingerprint`), so that
    # a later run can tell whether they are up to date.
    fingerprint: dict | None = None
    # The bootstrap and Monte Carlo settings (replicates, samples, seed): every interval can be
    # reproduced from the saved results.
    analyses: Analyses | None = None

    @property
    def synthetic(self) -> bool:
        """Whether the inputs were the synthetic sample (its files carry the sample's label)."""
        return any("synthetic" in Path(f["file"]).name for files in self.inputs.values() for f in files)

    def table(self, name: str, province: str | int | None = None) -> pd.DataFrame:
        """A result table, optionally only the rows of one province (code or name)."""
        if name not in self.tables:
            raise KeyError(f"no table {name!r}; have {sorted(self.tables)}")
        frame = self.tables[name]
        if province is None:
            return frame
        code = regions().province(province).code
        column = "province_code" if "province_code" in frame else "region_code"
        return frame[frame[column] == code].reset_index(drop=True)

    def save(self, folder: str | Path) -> Path:
        """Write every table as Parquet and CSV, plus ``specs.json``, atomically.

        The tables go to a temporary folder beside ``folder`` that replaces it only when all
        are written, so a failed run never leaves a half-written result set.
        """
        folder = Path(folder)
        with atomic_folder(folder) as staging:
            for name, frame in self.tables.items():
                frame.to_parquet(staging / f"{name}.parquet", index=False)
                write_csv(frame, staging / f"{name}.csv")
            meta = {
                "year": self.year,
                "specs": {key: spec_summary(spec) for key, spec in self.specs.items()},
                "inputs": self.inputs,
                "synthetic": self.synthetic,
                "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "versions": {"bnn_lib": suite_version(), "pandas": pd.__version__},
                "warnings": [str(w) for w in self.warnings],
                "analyses": asdict(self.analyses) if self.analyses else None,
                "fingerprint": self.fingerprint,
            }
            (staging / "specs.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
        return folder


def spec_summary(spec: IndexSpec) -> dict:
    """Id, version, file and assumptions of a spec, for reports and the results metadata."""
    return {
        "id": spec.id,
        "index": spec.index,
        "version": spec.version,
        "path": spec.path,
        "sha256": file_hash(spec.path) if Path(spec.path).is_file() else None,
        "assumptions": spec.assumptions(),
        "spec": spec.content(),
    }


def load_results(year: int, folder: str | Path | None = None) -> Results:
    """Read the tables that :meth:`Results.save` wrote (default ``reports/<year>/results``)."""
    folder = Path(folder) if folder else workspace().reports / str(year) / "results"
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: belum ada hasil; jalankan `bnn compute --year {year}` dahulu")
    tables = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    meta = json.loads((folder / "specs.json").read_text(encoding="utf-8"))
    # The spec as used, from the results themselves: the file may have changed or, for a spec
    # modified in a notebook, never existed.
    specs = {key: parse_spec(s["spec"], source=s["path"]) for key, s in meta["specs"].items()}
    analyses = Analyses(**meta["analyses"]) if meta.get("analyses") else None
    return Results(year, tables, specs, analyses=analyses)
