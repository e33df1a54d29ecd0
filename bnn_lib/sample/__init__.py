"""A seeded, deterministic generator of SYNTHETIC input data for 2020 to 2024.

Nothing here is real: the data exist so that the pipeline, the tests and the reports have
something realistic to work on. Every file name carries ``_synthetic`` and ``metadata.json``
says so. The same seed gives byte-identical tables (NumPy's PCG64, never Python's ``hash()``).

What it makes, per year, in ``<out>/<year>/``:

- IKOTAN: 210 kab/kota "with a BNN office" over all 38 provinces (207 of them measured in 2022,
  as in the published 2022 round), 180 respondents each over the observation units of the spec
  in force that year, answers to every item the respondent's group is asked; about 3 % "tidak
  tahu" (9) and 1 % blank.
- IKP: the same kab/kota, 12 respondents in each of the four environments.
- Kawasan: about 15 mapped kawasan per kab/kota (routine mapping, 13 indicators), and 60–80
  intervened kawasan a year measured before and after, with supply/demand scores.
- IKKTT: kawasan in the five Aceh cannabis regencies, before and after.
- Programme outputs per kab/kota, and targets for the nation and each province (with the
  end-of-period Renstra target of the outcome measures).

Each kab/kota keeps its standing from year to year (a province effect and its own) and its
strengths and weaknesses per variable and indicator, drifting a little, with a slight upward
national trend. The 2022 IKOTAN is calibrated to the published 2022 round (docs/methodology.md
§2.1, §8 #5): computed under the spec in force that year, its 207 kab/kota range over
[2.600, 4.000] on the 1–4 scale and fall 25 / 160 / 22 into the three equal-interval classes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib import measures
from bnn_lib.regions import province_codes
from bnn_lib.sample.areas import ikktt, kawasan
from bnn_lib.sample.surveys import (
    CALIBRATED_YEAR,
    IKOTAN_QUOTA,
    IKP_PER_ENVIRONMENT,
    PREFIX,
    Draws,
    answers_at,
    choose_kabkota,
    draw_survey,
    ikotan_levels,
    measured_sets,
    profile,
    published_targets,
    standings,
    wide_survey,
)
from bnn_lib.spec import choose_specs

SEED = 20241121
YEARS = (2020, 2021, 2022, 2023, 2024)
LABEL = "synthetic"

__all__ = ["LABEL", "SEED", "YEARS", "wide_survey", "write_sample"]


def outputs(rng: np.random.Generator, kabkota: pd.DataFrame, kawasan_rows: pd.DataFrame) -> pd.DataFrame:
    """Programme outputs per kab/kota and year; kawasan_intervened agrees with the kawasan data."""
    intervened = kawasan_rows[kawasan_rows["phase"] == "before"].groupby(["kabkota_code", "year"]).size()
    frames = []
    for year in YEARS:
        n = len(kabkota)
        done = intervened.xs(year, level="year").reindex(kabkota["code"], fill_value=0).to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "kabkota_code": kabkota["code"],
                    "year": year,
                    "penggiat_formed": rng.poisson(140 + 10 * (year - 2023), n),
                    "kawasan_intervened": done,
                    "lifeskill_participants": rng.poisson(18, n) * done,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def plan(year: int) -> dict[str, float]:
    """The national plan of a year: round numbers that rise by a step a year from the first."""
    step = year - YEARS[0]
    return {
        "ikotan": round(3.15 + 0.05 * step, 2),
        "ikp": round(3.2 + 0.05 * step, 2),
        "share_tanggap": round(0.6 + 0.05 * step, 2),
        "ikkrn_pulih": 50.0 + 5 * step,
        "ikkrn_rate": 50.0 + 2.5 * step,
        "ikktt_pulih": 10.0 + 2 * step,
    }


def targets(kabkota: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """National and provincial targets per measure and year (:func:`plan`). The outcome measures
    also carry the target of the end of the Renstra period (``target_renstra``): set when the
    period began, a step beyond what the yearly plans reach in its last year. The outputs have
    none (a plan may set them year by year only), so the column is blank on their rows."""
    rows = []
    per_province = kabkota.groupby("province_code").size()
    end = plan(YEARS[-1] + 1)
    for year in YEARS:
        p = plan(year)
        for measure in ("ikotan", "ikp", "ikkrn_pulih", "ikkrn_rate", "ikktt_pulih"):
            rows.append((measure, "00", year, p[measure], end[measure]))
        tanggap = [float(round(share * len(kabkota))) for share in (p["share_tanggap"], end["share_tanggap"])]
        rows.append(("ikotan_n_tanggap", "00", year, *tanggap))
        year_out = out[out["year"] == year]
        for measure in (m.id for m in measures.outputs()):
            total = year_out[measure].sum()
            rows.append((measure, "00", year, float(round(total * 0.95, -1) or 10), np.nan))
            by_prov = year_out.assign(p=province_codes(year_out["kabkota_code"])).groupby("p")[measure].sum()
            for prov, value in by_prov.items():
                rows.append((measure, prov, year, float(max(1, round(value * 0.95))), np.nan))
        for prov, n in per_province.items():
            rows.append(("ikotan", prov, year, p["ikotan"], end["ikotan"]))
            tanggap = [float(max(1, round(share * n))) for share in (p["share_tanggap"], end["share_tanggap"])]
            rows.append(("ikotan_n_tanggap", prov, year, *tanggap))
    return pd.DataFrame(rows, columns=["measure", "region_code", "year", "target", "target_renstra"])


def is_sample(folder: str | Path) -> bool:
    """Whether ``folder`` holds a sample written by :func:`write_sample` (its ``metadata.json``
    says the data are synthetic)."""
    try:
        return json.loads((Path(folder) / "metadata.json").read_text(encoding="utf-8")).get("synthetic") is True
    except (OSError, ValueError, AttributeError):
        return False


def write_sample(out: str | Path, seed: int = SEED) -> Path:
    """Generate the whole synthetic data set into ``out`` (replacing what is there)."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    specs = {year: choose_specs(year=year) for year in YEARS}
    kabkota = choose_kabkota(rng)
    standing = standings(rng, kabkota, YEARS)
    measured = measured_sets(rng, standing[CALIBRATED_YEAR], YEARS)
    target = published_targets(standing[CALIBRATED_YEAR], measured[CALIBRATED_YEAR])
    # The kawasan draw from streams of their own: changing them leaves the surveys as they are.
    areas_rng = np.random.default_rng([seed, len(PREFIX)])
    kawasan_rows = kawasan(areas_rng, specs[CALIBRATED_YEAR]["ikkrn"], kabkota, target, YEARS).rows
    area_rows = ikktt(areas_rng, specs[CALIBRATED_YEAR]["ikktt"], YEARS)
    output_rows = outputs(rng, kabkota, kawasan_rows)
    target_rows = targets(kabkota, output_rows)
    effects = {key: profile(rng, specs[CALIBRATED_YEAR][key], len(kabkota)) for key in PREFIX}
    rows = pd.Index(kabkota["code"])

    def draw(year: int, key: str, quota: dict[str, int]) -> Draws:
        """A survey year of its own random stream, so that years can be drawn in any order."""
        codes = measured[year]
        group, variable, indicator = effects[key]
        at = rows.get_indexer(codes)
        year_rng = np.random.default_rng([seed, year, list(PREFIX).index(key)])
        return draw_survey(
            year_rng, specs[year][key], codes, quota, year, PREFIX[key], (group, variable[at], indicator[at])
        )

    calibrated = draw(CALIBRATED_YEAR, "ikotan", IKOTAN_QUOTA)
    levels = ikotan_levels(calibrated, standing, target, specs[CALIBRATED_YEAR]["ikotan"])
    ikp_quota = dict.fromkeys(specs[CALIBRATED_YEAR]["ikp"].groups, IKP_PER_ENVIRONMENT)
    for year in YEARS:
        folder = out / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        ikotan = calibrated if year == CALIBRATED_YEAR else draw(year, "ikotan", IKOTAN_QUOTA)
        write_survey(folder, "ikotan", ikotan, answers_at(ikotan, levels[year], specs[year]["ikotan"]))
        # IKP tracks IKOTAN loosely: kemandirian follows responsiveness, a little higher.
        ikp = draw(year, "ikp", ikp_quota)
        ikp_level = levels[year] + 0.08 + rng.normal(0, 0.1, len(levels))
        write_survey(folder, "ikp", ikp, answers_at(ikp, ikp_level, specs[year]["ikp"]))
        kawasan_rows[kawasan_rows["year"] == year].to_csv(folder / f"kawasan_assessments_{LABEL}.csv", index=False)
        area_rows[area_rows["year"] == year].to_csv(folder / f"ikktt_areas_{LABEL}.csv", index=False)
        output_rows[output_rows["year"] == year].to_excel(folder / f"program_outputs_{LABEL}.xlsx", index=False)
        target_rows[target_rows["year"] == year].to_csv(folder / f"targets_{LABEL}.csv", index=False)
    meta = {
        "synthetic": True,
        "seed": seed,
        "years": list(YEARS),
        "generator": "bnn_lib.sample.write_sample",
        "note": "SYNTHETIC data for testing and demonstration. Not BNN data; no value here is real.",
        "kabkota": len(kabkota),
        "measured": {str(year): len(codes) for year, codes in measured.items()},
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return out


def write_survey(folder: Path, key: str, draws: Draws, answers: pd.DataFrame) -> None:
    """The respondents and answers of one survey index as Parquet files."""
    draws.people.to_parquet(folder / f"{key}_respondents_{LABEL}.parquet", index=False)
    answers.to_parquet(folder / f"{key}_answers_{LABEL}.parquet", index=False)
