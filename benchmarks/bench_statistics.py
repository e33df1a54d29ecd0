"""Do the intervals mean what they say? Two simulation studies with a known truth.

Run with `make bench`. Prints figures; asserts nothing.

1. The IKKRN effect (docs/methodology.md §12.3): kawasan series from the sample generator, whose
   cohorts are picked on a noisy mapping and given a known effect. Printed: how often the 95 %
   interval holds the true effect, the mean error of the estimate, and how far the documented
   recovery rate lies above the truth.
2. Band probabilities (§9.2): IKOTAN years drawn afresh around fixed kab/kota levels, whose true
   values the generator knows (:func:`bnn_lib.sample.surveys.true_index`). For each kab/kota the
   bootstrap gives the probability of its reported band; the table sets that beside how often the
   reported band is the true one, in bins of the probability. Target: each bin within 5 points.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from bnn_lib.aggregate import rescale
from bnn_lib.analyses import Analyses
from bnn_lib.bands import band_edges, classify
from bnn_lib.pipeline import compute_survey
from bnn_lib.sample import SEED, YEARS
from bnn_lib.sample.areas import effect_trials
from bnn_lib.sample.surveys import (
    CALIBRATED_YEAR,
    IKOTAN_QUOTA,
    answers_at,
    choose_kabkota,
    draw_survey,
    ikotan_levels,
    measured_sets,
    profile,
    published_targets,
    standings,
    true_index,
)
from bnn_lib.spec import choose_specs

EFFECT_SERIES = 200
# Simulated years per band rule: a bin of about 500 kab/kota reads its hit rate to about 2 points.
CALIBRATION_YEARS = 48
REPLICATES = 500
BINS = [(0.5, 0.7), (0.7, 0.9), (0.9, 1.0001)]


def effect_coverage() -> None:
    specs = choose_specs(year=YEARS[-1])
    start = time.perf_counter()
    trials = effect_trials(specs["ikkrn"], range(EFFECT_SERIES), YEARS, choose_kabkota(np.random.default_rng(1)))
    covered = ((trials["ci_low"] <= trials["truth"]) & (trials["truth"] <= trials["ci_high"])).mean()
    seconds = time.perf_counter() - start
    print(f"IKKRN effect, {len(trials)} cohorts of {EFFECT_SERIES} simulated series ({seconds:.0f} s):")
    print(f"  95 % interval holds the true effect: {100 * covered:.1f} % of cohorts (target ≥ 90 %)")
    print(
        f"  mean true effect {trials['truth'].mean():.1f} points; mean error of the estimate "
        f"{(trials['effect'] - trials['truth']).mean():+.2f}; mean interval width "
        f"{(trials['ci_high'] - trials['ci_low']).mean():.1f}"
    )
    print(
        f"  documented recovery rate {trials['raw_rate'].mean():.1f} %: "
        f"{(trials['raw_rate'] - trials['truth']).mean():+.1f} points above the true effect"
    )


def calibration_rows(year: int) -> pd.DataFrame:
    """For every kab/kota of CALIBRATION_YEARS simulated years like ``year``: the bootstrap
    probability of its reported band and whether that band is the true one."""
    spec = choose_specs(year=year)["ikotan"]
    rng = np.random.default_rng(SEED)
    kabkota = choose_kabkota(rng)
    standing = standings(rng, kabkota, YEARS)
    measured = measured_sets(rng, standing[CALIBRATED_YEAR], YEARS)
    target = published_targets(standing[CALIBRATED_YEAR], measured[CALIBRATED_YEAR])
    effects = profile(rng, spec, len(kabkota))
    codes = pd.Index(kabkota["code"])
    calibrated = draw_survey(rng, spec, codes, IKOTAN_QUOTA, CALIBRATED_YEAR, "R", effects)
    level = ikotan_levels(calibrated, standing, target, spec)[year]
    rows = []
    for trial in range(CALIBRATION_YEARS):
        draws = draw_survey(np.random.default_rng([SEED, year, trial]), spec, codes, IKOTAN_QUOTA, year, "R", effects)
        tables = compute_survey(
            draws.people,
            answers_at(draws, level, spec),
            spec,
            "ikotan",
            Analyses(replicates=REPLICATES, samples=0, seed=trial),
        )
        truth = rescale(true_index(draws, level, spec), spec.rescale)
        true_band = classify(truth, spec.bands, band_edges(spec.bands, truth)).astype(str)
        shown = tables["ikotan_intervals"].query("level == 'kabkota'").set_index("region_code")
        reported = tables["ikotan_kabkota"].set_index("kabkota_code")["band"].astype(str)
        rows.append(pd.DataFrame({"p": shown["p_band"], "right": reported == true_band.reindex(reported.index)}))
    return pd.concat(rows)


def calibration() -> None:
    for year in (2021, YEARS[-1]):  # fixed Juknis bands; equal-interval classes re-estimated
        start = time.perf_counter()
        rows = calibration_rows(year)
        rule = choose_specs(year=year)["ikotan"].bands.mode
        print(
            f"Band probabilities, IKOTAN {year} ({rule}), {CALIBRATION_YEARS} simulated years, "
            f"{len(rows)} kab/kota ({time.perf_counter() - start:.0f} s):"
        )
        print("  predicted      kab/kota  mean predicted  band right  difference")
        for lo, hi in BINS:
            part = rows[(rows["p"] >= lo) & (rows["p"] < hi)]
            if part.empty:
                continue
            mean, right = 100 * part["p"].mean(), 100 * part["right"].mean()
            flag = "" if abs(right - mean) <= 5 else "  (more than 5 points)"
            bin_name = f"{lo:.1f}–{min(hi, 1):.1f}"
            print(f"  {bin_name}  {len(part):14d}  {mean:13.1f} %  {right:9.1f} %  {right - mean:+9.1f}{flag}")


if __name__ == "__main__":
    effect_coverage()
    calibration()
    sys.stdout.flush()
