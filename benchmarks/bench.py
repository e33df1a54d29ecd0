"""Load-and-compute timings: the synthetic sample (2023 + 2024) and a data set ten times larger.

Run with `make bench`. Prints figures; asserts nothing. Targets on a 2-core machine: the sample in
about a second, growing linearly with the data (the scoring is vectorised: no Python loop over
respondents or items); reading a national year of wide IKOTAN answers from .xlsx a small part of
the run; 1,000 bootstrap replicates of every kab/kota of a year under 10 s; a sensitivity run of
about 2,000 Monte Carlo samples under 30 s.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from pandas.api.types import union_categoricals

from bnn_lib import sensitivity
from bnn_lib.inputs import check_year, load_inputs
from bnn_lib.pipeline import compute_year, compute_years
from bnn_lib.sample import LABEL, YEARS, wide_survey
from bnn_lib.scoring import group_sums, respondent_scores
from bnn_lib.spec import DEFAULT_SPECS, load_spec
from bnn_lib.uncertainty import bootstrap_survey
from bnn_lib.workspace import workspace

SAMPLE_DIR = workspace().data  # the repository's workspace: its sample data

REPEATS = 3


def timed(years: tuple[int, ...], data: Path, parallel: bool = False) -> float:
    """Best of REPEATS wall-clock seconds to load and compute every index for ``years``
    (one after the other, or with ``compute_years``: one forked process per year)."""
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        if parallel:
            compute_years(list(years), data)
        else:
            for year in years:
                compute_year(year, data)
        runs.append(time.perf_counter() - start)
    return min(runs)


def replicate(column: pd.Series, copies: int) -> pd.Series:
    """``copies`` copies of an id column with suffixed ids (~0, ~1, …), kept categorical."""
    cat = column.astype("category")
    parts = [cat.cat.rename_categories([f"{c}~{k}" for c in cat.cat.categories]) for k in range(copies)]
    return pd.Series(union_categoricals(parts))


def sample_file(folder: Path, table: str) -> Path:
    """A table of the synthetic sample (Parquet for the survey tables, CSV for kawasan)."""
    return next(folder.glob(f"{table}_{LABEL}.*"))


def scale_up(source: Path, target: Path, copies: int = 10) -> None:
    """Write a data set with ``copies`` times the respondents, answers and kawasan."""
    for year in YEARS:
        out = target / str(year)
        out.mkdir(parents=True)
        for path in (source / str(year)).iterdir():
            shutil.copy(path, out / path.name)
        for index in ("ikotan", "ikp"):
            people = pd.read_parquet(sample_file(out, f"{index}_respondents"))
            answers = pd.read_parquet(sample_file(out, f"{index}_answers"))
            big_people = pd.concat([people] * copies, ignore_index=True)
            big_people["respondent_id"] = replicate(people["respondent_id"], copies).astype("str")
            big_answers = pd.concat([answers.drop(columns="respondent_id")] * copies, ignore_index=True)
            big_answers.insert(0, "respondent_id", replicate(answers["respondent_id"], copies))
            big_people.to_parquet(sample_file(out, f"{index}_respondents"), index=False)
            big_answers.to_parquet(sample_file(out, f"{index}_answers"), index=False)
        kawasan_path = sample_file(out, "kawasan_assessments")
        kawasan = pd.read_csv(kawasan_path, dtype={"kabkota_code": str, "kawasan_id": str})
        big = pd.concat([kawasan.assign(kawasan_id=kawasan["kawasan_id"] + f"~{k}") for k in range(copies)])
        big.to_csv(kawasan_path, index=False)


def sizes(data: Path) -> str:
    people = sum(len(pd.read_parquet(sample_file(data / str(y), "ikotan_respondents"))) for y in YEARS)
    answers = sum(len(pd.read_parquet(sample_file(data / str(y), "ikotan_answers"))) for y in YEARS)
    return f"{people:,} IKOTAN respondents, {answers:,} answers"


def reading(year: int) -> None:
    """Read and check a national year of wide IKOTAN answers (one row per respondent) from each
    format an office may send, beside the time to load and compute the whole long-form year."""
    folder = SAMPLE_DIR / str(year)
    spec = load_spec(DEFAULT_SPECS["ikotan"])
    wide = wide_survey(
        pd.read_parquet(sample_file(folder, "ikotan_respondents")),
        pd.read_parquet(sample_file(folder, "ikotan_answers")),
        spec,
    )
    writers = {
        "csv": lambda p: wide.to_csv(p, index=False),
        "csv (';', decimal comma)": lambda p: wide.to_csv(p, index=False, sep=";", decimal=","),
        "parquet": lambda p: wide.to_parquet(p, index=False),
        "xlsx": lambda p: wide.to_excel(p, index=False),
    }
    whole = min(_seconds(lambda: compute_year(year, SAMPLE_DIR)) for _ in range(REPEATS))
    print(f"reading wide IKOTAN answers, {year} ({len(wide):,} respondents x {wide.shape[1]} columns):")
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in writers.items():
            suffix = name.split(" ")[0]
            base = Path(tmp) / suffix.replace("(", "") / str(year)
            shutil.rmtree(base.parent, ignore_errors=True)
            base.mkdir(parents=True)
            write(base / f"ikotan_survey.{suffix}")
            size = (base / f"ikotan_survey.{suffix}").stat().st_size / 1e6
            seconds = min(_seconds(lambda b=base: check_year(b.parent, year, {"ikotan": spec})) for _ in range(REPEATS))
            print(f"  {name:26s} {size:6.1f} MB: read and check {seconds:6.2f} s")
    print(f"  (load and compute the whole long-form year, every index: {whole:.2f} s)")


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    compute_year(YEARS[-1], SAMPLE_DIR)  # warm imports and caches
    per_year = {year: timed((year,), SAMPLE_DIR) for year in YEARS}
    sample = timed(YEARS, SAMPLE_DIR)
    sample_parallel = timed(YEARS, SAMPLE_DIR, parallel=True)
    print(f"sample ({sizes(SAMPLE_DIR)}):")
    for year, seconds in per_year.items():
        print(f"  load + compute {year}: {seconds:6.2f} s")
    print(f"  load + compute both years, one after the other: {sample:6.2f} s")
    print(f"  load + compute both years, compute_years (a process per year): {sample_parallel:6.2f} s  (target < 1 s)")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "x10"
        scale_up(SAMPLE_DIR, big)
        large = timed(YEARS, big)
        large_parallel = timed(YEARS, big, parallel=True)
        print(f"10x sample ({sizes(big)}):")
        print(f"  load + compute both years, one after the other: {large:6.2f} s  ({large / sample:.1f}x the sample)")
        print(
            f"  load + compute both years, compute_years: {large_parallel:6.2f} s  "
            f"({large_parallel / sample_parallel:.1f}x the sample)"
        )
    median = statistics.median(per_year.values())
    print(f"(best of {REPEATS} runs each; median of per-year times {median:.2f} s)")
    reading(YEARS[-1])
    analyses(YEARS[-1])


def analyses(year: int) -> None:
    """Bootstrap (1,000 replicates, every kab/kota) and sensitivity (2,000 runs) for one year."""
    specs = {key: load_spec(name) for key, name in DEFAULT_SPECS.items()}
    inputs = load_inputs(SAMPLE_DIR, year, specs).tables
    print(f"analyses, {year}:")
    for key in ("ikotan", "ikp"):
        people = inputs[f"{key}_respondents"].set_index("respondent_id")
        scores = respondent_scores(inputs[f"{key}_answers"], people.index, specs[key])
        start = time.perf_counter()
        kabkota = bootstrap_survey(scores, people.reset_index(), specs[key], replicates=1000).kabkota
        seconds = time.perf_counter() - start
        print(f"  bootstrap {key}: 1,000 replicates x {kabkota.shape[1]} kab/kota: {seconds:6.2f} s (target < 10 s)")
    spec = specs["ikotan"]
    people = inputs["ikotan_respondents"].set_index("respondent_id")
    scores = respondent_scores(inputs["ikotan_answers"], people.index, spec)
    start = time.perf_counter()
    model = sensitivity.Model.from_group_sums(*group_sums(scores, people, spec)[:2], spec)
    result = sensitivity.run(model, samples=2000)
    seconds = time.perf_counter() - start
    print(
        f"  sensitivity ikotan: {result.runs:,} Monte Carlo runs (Saltelli design for ~2,000), Sobol and "
        f"drop-one: {seconds:6.2f} s (target < 30 s)"
    )


if __name__ == "__main__":
    main()
