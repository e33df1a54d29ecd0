"""The table of performance measures (``bnn_lib/data/rules/measures.toml``): for each measure a target
can be set for, its kind, label, unit, decimals, direction, the index it comes from and the
result table and column of its realisasi. The intake checks targets and outputs by it, the
roll-up reads realisasi by it, and the reports and the workbook name and print measures by it:
a researcher adds or relabels a measure in one place.

    measures()                 # every measure, in report order
    measure("ikkrn_rate").unit # "persen"
    outputs()                  # the programme outputs (counted in program_outputs)
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bnn_lib.paths import SHIPPED
from bnn_lib.spec import SpecError

MEASURES_FILE = SHIPPED / "rules" / "measures.toml"
Unit = Literal["indeks", "persen", "kab/kota", "kawasan", "orang"]
COUNTS = ("kab/kota", "kawasan", "orang")  # units that count things: whole numbers


class Measure(BaseModel):
    """One performance measure (see the comments of ``measures.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["outcome", "output"]
    label: str
    unit: Unit
    decimals: int = Field(ge=0, le=4)
    direction: Literal["naik", "turun"] = "naik"
    index: str | None = None
    table: str | None = None
    column: str | None = None
    help: str | None = None

    @model_validator(mode="after")
    def _where_from(self) -> Measure:
        """An outcome is read off a result table; an output is counted in program_outputs."""
        if self.kind == "outcome" and not (self.index and self.table and self.column):
            raise ValueError("an outcome names its index, table and column")
        if self.kind == "output" and not self.help:
            raise ValueError("an output says what to write in its column (help)")
        return self

    @property
    def is_count(self) -> bool:
        """Whether a value of it is a whole count."""
        return self.unit in COUNTS

    def name(self, scale: str = "", success_band: str = "") -> str:
        """The label with the index's score scale and success band filled in."""
        return self.label.format(scale=scale, success_band=success_band)


class Measures(BaseModel):
    """The measures of ``measures.toml``, ids unique."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: list[Measure]

    @model_validator(mode="after")
    def _unique(self) -> Measures:
        ids = [m.id for m in self.measure]
        if len(set(ids)) != len(ids):
            raise ValueError(f"ids repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


def load_measures(path: str | Path = MEASURES_FILE) -> tuple[Measure, ...]:
    """The measures of ``path``, in file order; raises :class:`SpecError` naming the file and field."""
    path = Path(path)
    try:
        return tuple(Measures.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).measure)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: cannot be read as measures: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "measure"  # a check of the whole table has no field
        raise SpecError(f"{path}: {where}: {first['msg']}") from None


@cache
def measures() -> tuple[Measure, ...]:
    """The shipped measures, read once."""
    return load_measures()


def measure(measure_id: str) -> Measure:
    """One measure by id; KeyError naming the known ones."""
    for m in measures():
        if m.id == measure_id:
            return m
    raise KeyError(f"no measure {measure_id!r}; have {[m.id for m in measures()]}")


def outcomes() -> tuple[Measure, ...]:
    """The measures read off result tables (indices and counts of them)."""
    return tuple(m for m in measures() if m.kind == "outcome")


def outputs() -> tuple[Measure, ...]:
    """The programme outputs, counted per kab/kota in program_outputs."""
    return tuple(m for m in measures() if m.kind == "output")


def listed(kpi: pd.DataFrame, kinds: tuple[str, ...] = ("outcome", "output")) -> list[tuple[Measure, pd.Series]]:
    """Each measure with its row of ``kpi`` (one region's KPI table, indexed by measure), the
    measures of each kind in ``kinds`` order and within a kind in the table's order; a measure
    the region has no row for is left out."""
    return [(m, kpi.loc[m.id]) for kind in kinds for m in measures() if m.kind == kind and m.id in kpi.index]
