"""Every interval can be reproduced from the saved results: the analysis settings are saved, and
the seed drives both the bootstrap and the Monte Carlo."""

from __future__ import annotations

import json

import pandas as pd

from bnn_lib.analyses import Analyses
from bnn_lib.pipeline import compute_year
from bnn_lib.results import load_results


def test_the_seed_drives_the_draws_and_is_saved(sample_dir, tmp_path):
    runs = {
        seed: compute_year(2024, sample_dir, analyses=Analyses(replicates=20, samples=64, seed=seed)) for seed in (7, 8)
    }
    again = compute_year(2024, sample_dir, analyses=Analyses(replicates=20, samples=64, seed=7))
    for table in ("ikotan_bootstrap", "ikotan_rank_intervals", "ikotan_sobol"):
        pd.testing.assert_frame_equal(again.tables[table], runs[7].tables[table])  # same seed, same draws
        assert not runs[7].tables[table].equals(runs[8].tables[table]), table  # another seed, other draws
    folder = runs[8].save(tmp_path / "results")
    assert json.loads((folder / "specs.json").read_text())["analyses"] == {"replicates": 20, "samples": 64, "seed": 8}
    assert load_results(2024, folder).analyses == Analyses(replicates=20, samples=64, seed=8)
