"""What if one assumption of a survey index were otherwise? The kab/kota table of a year under a
variant spec in well under a second, for a researcher trying weights, band rules and aggregation
one after another (the panel of :mod:`bnn_lib.lab`).

    whatif = WhatIf(2024)                      # reads and checks the year once (the workspace's data)
    variant = variant_spec(whatif.spec, weights={"ketahanan_keluarga": 2.0}, bands="fixed")
    whatif.kabkota(variant)                    # the ikotan_kabkota table compute_year would give

Reading, checking and scoring the respondents takes most of a year's computation and depends on
no weight, band rule or aggregation method: it is done once, in the constructor, up to the group
sums of :func:`bnn_lib.survey.respondent_groups`. Each call of :meth:`WhatIf.kabkota` runs the
stages after it (:mod:`bnn_lib.survey`), the functions the pipeline runs, so that the table is
the pipeline's. The kab/kota indicator table S_{k,i} is kept per unit weighting, the one
aggregation setting it reads.

A spec whose scale, items or respondent groups differ from the year's is refused rather than
computed afresh: its respondent scores would need the checks of the inputs again (a part of the
questionnaire scored nowhere is refused there), and a change that silently took the seconds of
a whole year would no longer be a what-if. Such a spec is computed by a new :class:`WhatIf`
built with it, or by :func:`bnn_lib.pipeline.compute_year`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import get_args

import pandas as pd

from bnn_lib.aggregate import index_tables
from bnn_lib.inputs import load_inputs
from bnn_lib.intake import Problem
from bnn_lib.publish import flag_small_cells
from bnn_lib.scoring import entity_indicators
from bnn_lib.spec import SURVEY_INDICES, Aggregation, Bands, IndexSpec, SpecError, default_spec, load_spec, modify
from bnn_lib.survey import banded_kabkota, entity_table, kabkota_table, respondent_groups, scoring_fields
from bnn_lib.workspace import data_folder

BAND_MODES: tuple[str, ...] = get_args(Bands.model_fields["mode"].annotation)
METHODS: tuple[str, ...] = get_args(Aggregation.model_fields["method"].annotation)


class WhatIf:
    """One survey index of one year, read, checked and scored once; :meth:`kabkota` gives its
    kab/kota table under any spec that scores the respondents as :attr:`spec` does.

    ``year``: the year of ``data/<year>/`` (default folder: the workspace's); ``index``:
    "ikotan" or "ikp"; ``spec``: the baseline, by default the shipped spec in force in the year.
    Raises :class:`bnn_lib.intake.DataError` where the inputs do not pass their checks.
    """

    def __init__(
        self, year: int, data: str | Path | None = None, index: str = "ikotan", spec: IndexSpec | None = None
    ) -> None:
        if index not in SURVEY_INDICES:
            raise ValueError(f"indeks {index!r} bukan indeks survei; pilih salah satu: {', '.join(SURVEY_INDICES)}")
        self.year, self.index = year, index
        self.spec = spec or load_spec(default_spec(index, year))
        loaded = load_inputs(data_folder(data), year, {index: self.spec})
        self.warnings: list[Problem] = loaded.warnings
        # The KPI targets, for the capaian of a comparison (None where the year's inputs have none).
        self.targets: pd.DataFrame | None = loaded.tables.get("targets")
        people = loaded.tables[f"{index}_respondents"].set_index("respondent_id")
        answers = loaded.tables[f"{index}_answers"]
        _, (self._sums, self._weights, self._heads) = respondent_groups(
            people, answers, self.spec, loaded.scores.get(index)
        )
        self._scored = scoring_fields(self.spec)
        self._indicators: dict[tuple[bool, str], pd.DataFrame] = {}

    def kabkota(self, spec: IndexSpec) -> pd.DataFrame:
        """The ``<index>_kabkota`` table of the year under ``spec``, as
        :func:`bnn_lib.pipeline.compute_year` gives it (values, bands, ranks, ``small_cell``).
        Raises ValueError for a spec of another index or one that scores the respondents
        otherwise than :attr:`spec` (see the module's note)."""
        if spec.index.lower() != self.index:
            raise ValueError(f"spesifikasi {spec.id} adalah indeks {spec.index}, bukan {self.index.upper()}")
        if scoring_fields(spec) != self._scored:
            raise ValueError(
                f"spesifikasi {spec.id} mengubah skala, butir, indikator atau kelompok responden {self.spec.id}: "
                "skor responden harus dihitung dan diperiksa ulang. Buat WhatIf baru dengan spesifikasi itu "
                "(WhatIf(tahun, spec=...)) atau hitung dengan compute_year"
            )
        key = (spec.aggregation.by_group, spec.aggregation.unit_weighting)
        if key not in self._indicators:
            self._indicators[key] = entity_indicators(self._sums, self._weights, spec)
        indicators = self._indicators[key]
        _, value = index_tables(indicators, spec)
        kabkota, _ = banded_kabkota(entity_table(indicators, value, self._heads, spec), spec)
        name = f"{self.index}_kabkota"
        return flag_small_cells({name: kabkota_table(kabkota, spec)}, {self.index: spec.min_cell})[name]


def variant_spec(
    base: IndexSpec,
    weights: Mapping[str, float] | None = None,
    bands: str | None = None,
    method: str | None = None,
    id: str | None = None,
) -> IndexSpec:
    """``base`` with the variable ``weights`` (by variable id), the band rule (``bands``, a
    ``[bands] mode``) and the aggregation ``method`` given, through :func:`bnn_lib.spec.modify`
    (``id`` names the copy). Only what differs from ``base`` is changed, so that the copy's
    source names the changes; with none, ``base`` itself. Raises :class:`SpecError` where the
    spec cannot take the change (a band rule without its bands)."""
    changes: dict[str, object] = {
        f"variables.{v.id}.weight": float(weights[v.id])
        for v in base.variables
        if weights is not None and v.id in weights and float(weights[v.id]) != v.weight
    }
    if bands is not None and bands != base.bands.mode:
        changes["bands.mode"] = bands
    if method is not None and method != base.aggregation.method:
        changes["aggregation.method"] = method
    return modify(base, changes, id=id) if changes else base


def band_rules(spec: IndexSpec) -> list[str]:
    """The band modes of the spec schema that ``spec`` can be switched to: a mode whose bands
    the spec states (fixed bands need their table, equal intervals their labels)."""
    usable = []
    for mode in BAND_MODES:
        try:
            variant_spec(spec, bands=mode)
        except SpecError:
            continue
        usable.append(mode)
    return usable
