"""A seeded, deterministic generator of SYNTHETIC input data for 2023 and 2024.

Nothing here is real: the data exist so that the pipeline, the tests and the reports have
something realistic to work on. Every file name carries ``_synthetic`` and ``metadata.json``
says so. The same seed gives byte-identical tables (NumPy's PCG64, never Python's ``hash()``).

What it makes, per year, in ``<out>/<year>/``:

- IKOTAN: about 210 kab/kota "with a BNN office" over all 38 provinces, 180 respondents each
  over the observation units of the spec, answers to every item the respondent's group is asked;
  about 3 % "tidak tahu" (9) and 1 % blank.
- IKP: the same kab/kota, 12 respondents in each of the four environments.
- Kawasan: about 15 mapped kawasan per kab/kota (routine mapping, 13 indicators), and 60–80
  intervened kawasan a year measured before and after, with supply/demand scores.
- IKKTT: kawasan in the five Aceh cannabis regencies, before and after.
- Programme outputs per kab/kota, and targets for the nation and each province.

Each province has its own level of responsiveness, each kab/kota its own deviation, and 2024
moves from 2023 by a province trend plus noise, so reports have differences to show.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.intake import OUTPUT_MEASURES
from bnn_lib.regions import regions
from bnn_lib.scoring import positions
from bnn_lib.spec import IndexSpec, StatusRule, load_spec

SEED = 20241121
YEARS = (2023, 2024)
IKOTAN_QUOTA = {  # 180 respondents per kab/kota (Donggala 2023), split by assumption
    "keluarga": 60,
    "masyarakat": 40,
    "pendidikan": 20,
    "dunia_usaha": 15,
    "pemda": 15,
    "polres": 8,
    "kodim": 8,
    "kejaksaan": 7,
    "pengadilan": 7,
}
IKP_PER_ENVIRONMENT = 12
KAWASAN_PER_KABKOTA = 15
IKKTT_REGENCIES = [
    "11.06",
    "11.01",
    "11.13",
    "11.08",
    "11.11",
]  # Aceh Besar, Selatan, Gayo Lues, Utara, Bireuen
LABEL = "synthetic"


def choose_kabkota(rng: np.random.Generator, share: float = 0.41) -> pd.DataFrame:
    """About 41 % of the kab/kota of every province (≈ 210 of 514), at least one per province."""
    table = regions().kabkota_table
    picks = []
    for _, group in table.groupby("province_code"):
        n = max(1, round(share * len(group)))
        picks.append(group.iloc[np.sort(rng.choice(len(group), n, replace=False))])
    return pd.concat(picks, ignore_index=True)[["code", "province_code"]]


def latent_levels(rng: np.random.Generator, kabkota: pd.DataFrame) -> pd.DataFrame:
    """Latent responsiveness on the 1–4 scale for each kab/kota and year.

    level = 2.85 + province effect (sd 0.22) + kab/kota effect (sd 0.2), and
    2024 = 2023 + province trend (mean +0.05, sd 0.06) + noise (sd 0.05).
    """
    provinces = kabkota["province_code"].unique()
    effect = dict(zip(provinces, rng.normal(0, 0.22, len(provinces)), strict=True))
    trend = dict(zip(provinces, rng.normal(0.05, 0.06, len(provinces)), strict=True))
    base = 2.85 + kabkota["province_code"].map(effect) + rng.normal(0, 0.2, len(kabkota))
    step = kabkota["province_code"].map(trend) + rng.normal(0, 0.05, len(kabkota))
    return pd.DataFrame({"code": kabkota["code"], 2023: base, 2024: base + step})


def likert(rng: np.random.Generator, mean: np.ndarray, lo: int = 1, hi: int = 4) -> np.ndarray:
    """Answers on lo..hi around ``mean`` (sd 0.7), rounded and clipped."""
    return np.clip(np.rint(mean + rng.normal(0, 0.7, mean.shape)), lo, hi)


def profile(rng: np.random.Generator, spec: IndexSpec, n_kabkota: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lasting effects, drawn once and kept across years: each respondent group's (sd 0.12), and
    each kab/kota's strengths and weaknesses per variable (sd 0.2, around a common variable
    effect of sd 0.15) and per indicator (sd 0.12)."""
    n_var, n_ind = len(spec.variables), len(spec.indicators)
    return (
        rng.normal(0, 0.12, len(spec.groups)),
        rng.normal(0, 0.15, n_var)[None, :] + rng.normal(0, 0.2, (n_kabkota, n_var)),
        rng.normal(0, 0.12, (n_kabkota, n_ind)),
    )


def survey(
    rng: np.random.Generator,
    spec: IndexSpec,
    level: pd.Series,
    quota: dict[str, int],
    year: int,
    prefix: str,
    effects: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondents and answers of one survey index for every kab/kota in ``level``.

    An answer's mean is the kab/kota level + the group, variable and indicator ``effects``
    (:func:`profile`, with a little yearly noise on the last two), so profiles differ and
    indicators are correlated but not interchangeable; reverse items are answered mirrored, so
    that after reverse coding they agree with the others.
    """
    codes = level.index.to_numpy()
    group_effect = dict(zip(spec.groups, effects[0], strict=True))
    var_ids = [v.id for v in spec.variables]
    ind_ids = [i.id for i in spec.indicators]
    var_effect = effects[1] + rng.normal(0, 0.05, effects[1].shape)
    ind_effect = effects[2] + rng.normal(0, 0.04, effects[2].shape)
    people, answers = [], []
    for group, n in quota.items():
        items = [
            (it, var.id, ind.id)
            for var in spec.variables
            for ind in var.indicators
            if group in ind.groups
            for it in ind.items
        ]
        kab_index = np.repeat(np.arange(len(codes)), n)
        kab = codes[kab_index]
        ids = [f"{prefix}{year}-{c}-{group}-{j:03d}" for c in codes for j in range(1, n + 1)]
        person = rng.normal(0, 0.25, len(ids))
        people.append(pd.DataFrame({"respondent_id": ids, "kabkota_code": kab, "group": group}))
        item_var = [var_ids.index(v) for _, v, _ in items]
        item_ind = [ind_ids.index(i) for _, _, i in items]
        mean = (
            (level.reindex(kab).to_numpy() + group_effect[group] + person)[:, None]
            + var_effect[kab_index][:, item_var]
            + ind_effect[kab_index][:, item_ind]
        )
        values = likert(rng, mean, int(spec.scale.min), int(spec.scale.max))
        reverse = np.array([it.reverse for it, _, _ in items])
        values[:, reverse] = spec.scale.min + spec.scale.max - values[:, reverse]
        noise = rng.random(values.shape)
        values[noise < 0.03] = spec.scale.missing_codes[0] if spec.scale.missing_codes else np.nan
        values[(noise >= 0.03) & (noise < 0.04)] = np.nan
        # Categorical ids are stored dictionary-encoded in Parquet: smaller and faster to read.
        answers.append(
            pd.DataFrame(
                {
                    "respondent_id": pd.Categorical(np.repeat(ids, len(items))),
                    "item_id": pd.Categorical(np.tile([it.id for it, _, _ in items], len(ids))),
                    "value": values.ravel(),
                }
            )
        )
    answers = pd.concat(answers, ignore_index=True)  # categories are unioned into object columns
    answers = answers.astype({"respondent_id": "category", "item_id": "category"})
    return pd.concat(people, ignore_index=True), answers


def wide_survey(people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The survey as form tools export it: one row per respondent (its columns first), one column
    per item of the spec in spec order; a blank where the respondent gave or was asked no answer."""
    items = spec.item_ids
    row = positions(answers["respondent_id"], pd.Index(people["respondent_id"]))
    column = positions(answers["item_id"], pd.Index(items))
    grid = np.full((len(people), len(items)), np.nan)
    grid[row, column] = answers["value"].to_numpy(dtype=float)
    return pd.concat([people.reset_index(drop=True), pd.DataFrame(grid, columns=items)], axis=1)


def kawasan(rng: np.random.Generator, spec: IndexSpec, kabkota: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Routine mapping of every kawasan for both years, and before/after rows of the intervened.

    Each kawasan has a latent risk; an indicator is present with probability rising with risk.
    A more responsive kab/kota (higher IKOTAN level) has lower risk. Intervened kawasan are
    drawn among the rawan ones each year; their risk falls by 0.8–2.4 after the intervention.
    """
    rule = spec.status_rule
    codes = np.repeat(kabkota["code"].to_numpy(), KAWASAN_PER_KABKOTA)
    ids = [f"KWS-{c}-{j:02d}" for c in kabkota["code"] for j in range(1, KAWASAN_PER_KABKOTA + 1)]
    lvl = levels.set_index("code")[2023].reindex(codes).to_numpy()
    risk = rng.normal(-0.6 - 1.6 * (lvl - 2.85), 1.1)
    rows = []
    for year in YEARS:
        mapped = _indicators(rng, risk, rule)
        rows.append(
            pd.DataFrame({"kawasan_id": ids, "kabkota_code": codes, "year": year, "phase": "mapping"}).join(mapped)
        )
        p = mapped[rule.pokok].sum(axis=1).to_numpy()
        rawan = np.flatnonzero(p >= rule.waspada_min_pokok)
        n = int(rng.integers(60, 81))
        chosen = np.sort(rng.choice(rawan, min(n, len(rawan)), replace=False))
        after_risk = risk.copy()
        after_risk[chosen] -= rng.uniform(0.8, 2.4, len(chosen))
        before = mapped.iloc[chosen].reset_index(drop=True)
        after = _indicators(rng, after_risk[chosen], rule)
        for phase, table, r in (("before", before, risk[chosen]), ("after", after, after_risk[chosen])):
            frame = pd.DataFrame(
                {
                    "kawasan_id": np.array(ids)[chosen],
                    "kabkota_code": codes[chosen],
                    "year": year,
                    "phase": phase,
                }
            ).join(table)
            frame["score_supply"] = np.clip(2.6 - 0.45 * r + rng.normal(0, 0.2, len(r)), 1, 4).round(3)
            frame["score_demand"] = np.clip(2.7 - 0.40 * r + rng.normal(0, 0.2, len(r)), 1, 4).round(3)
            rows.append(frame)
        risk = after_risk + rng.normal(0.05, 0.25, len(risk))  # some relapse, some drift
    return pd.concat(rows, ignore_index=True)


def _indicators(rng: np.random.Generator, risk: np.ndarray, rule: StatusRule) -> pd.DataFrame:
    """0/1 indicator columns: P(present) = logistic(risk + offset), pokok rarer than pendukung."""
    names = rule.pokok + rule.pendukung
    offset = np.array([-0.4] * len(rule.pokok) + [0.6] * len(rule.pendukung))
    prob = 1 / (1 + np.exp(-(risk[:, None] + offset[None, :])))
    return pd.DataFrame((rng.random(prob.shape) < prob).astype(int), columns=names)


def ikktt(rng: np.random.Generator, spec: IndexSpec) -> pd.DataFrame:
    """IKKTT area data: 6–9 gampong per cannabis regency, before and after, for both years."""
    rows = []
    for code in IKKTT_REGENCIES:
        n = int(rng.integers(6, 10))
        progress = rng.uniform(0.2, 0.6, n)
        for year in YEARS:
            for phase, gain in (("before", 0.0), ("after", rng.uniform(0.0, 0.2, n))):
                x = np.clip(progress + gain + rng.normal(0, 0.05, n), 0, 1)
                rows.append(
                    pd.DataFrame(
                        {
                            "kawasan_id": [f"GDAD-{code}-{j:02d}" for j in range(1, n + 1)],
                            "kabkota_code": code,
                            "year": year,
                            "phase": phase,
                            "ladang_ganja_ha": active_ha(rng, x),
                            "titik_ganja": np.rint(np.clip(30 * (0.7 - x) + rng.normal(0, 2, n), 0, None)),
                            "lahan_legal_ha": np.round(100 * x * rng.uniform(0.6, 1.1, n), 1),
                            "eks_petani_ganja_pct": np.round(np.clip(100 * x + rng.normal(0, 8, n), 0, 100), 1),
                            "persepsi": np.round(np.clip(1 + 3 * x + rng.normal(0, 0.2, n), 1, 4), 2),
                            "partisipasi_kelompok_pct": np.round(np.clip(90 * x + rng.normal(0, 8, n), 0, 100), 1),
                            "program_pemangku": np.rint(np.clip(10 * x + rng.normal(0, 1, n), 0, None)),
                            "akses_pasar": np.round(np.clip(1 + 3 * x + rng.normal(0, 0.3, n), 1, 4), 2),
                        }
                    )
                )
            progress = np.clip(progress + rng.uniform(0.0, 0.15, n), 0, 1)
    return pd.concat(rows, ignore_index=True)


def active_ha(rng: np.random.Generator, progress: np.ndarray) -> np.ndarray:
    """Hectares of active cannabis: none past 0.55 progress, otherwise shrinking with it."""
    hectares = np.round(20 * (0.6 - progress) * rng.uniform(0.5, 1.5, len(progress)), 1)
    return np.where(progress > 0.55, 0.0, hectares)


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


def targets(kabkota: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """National and provincial targets per measure and year (round planning numbers)."""
    rows = []
    per_province = kabkota.groupby("province_code").size()
    plan = {
        2023: {"ikotan": 2.85, "ikp": 2.95, "share_tanggap": 0.7, "pulih": 0.55},
        2024: {"ikotan": 2.9, "ikp": 3.0, "share_tanggap": 0.75, "pulih": 0.6},
    }
    for year, p in plan.items():
        rows.append(("ikotan", "00", year, p["ikotan"]))
        rows.append(("ikp", "00", year, p["ikp"]))
        rows.append(("ikotan_n_tanggap", "00", year, float(round(p["share_tanggap"] * len(kabkota)))))
        rows.append(("ikkrn_pulih", "00", year, 60.0 if year == 2023 else 70.0))
        rows.append(("ikkrn_rate", "00", year, 100 * p["pulih"]))
        rows.append(("ikktt_pulih", "00", year, 15.0 if year == 2023 else 20.0))
        year_out = out[out["year"] == year]
        for measure in OUTPUT_MEASURES:
            total = year_out[measure].sum()
            rows.append((measure, "00", year, float(round(total * 0.95, -1) or 10)))
            by_prov = year_out.assign(p=year_out["kabkota_code"].str[:2]).groupby("p")[measure].sum()
            for prov, value in by_prov.items():
                rows.append((measure, prov, year, float(max(1, round(value * 0.95)))))
        for prov, n in per_province.items():
            rows.append(("ikotan", prov, year, p["ikotan"]))
            rows.append(("ikotan_n_tanggap", prov, year, float(max(1, round(p["share_tanggap"] * n)))))
    return pd.DataFrame(rows, columns=["measure", "region_code", "year", "target"])


def write_sample(out: str | Path, seed: int = SEED) -> Path:
    """Generate the whole synthetic data set into ``out`` (replacing what is there)."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    ikotan_spec, ikp_spec = load_spec("ikotan-juknis-2021"), load_spec("ikp-placeholder-2024")
    kabkota = choose_kabkota(rng)
    levels = latent_levels(rng, kabkota)
    kawasan_rows = kawasan(rng, load_spec("ikkrn-dayatif-2024"), kabkota, levels)
    area_rows = ikktt(rng, load_spec("ikktt-placeholder-2024"))
    output_rows = outputs(rng, kabkota, kawasan_rows)
    target_rows = targets(kabkota, output_rows)
    ikp_quota = dict.fromkeys(ikp_spec.groups, IKP_PER_ENVIRONMENT)
    ikotan_profile, ikp_profile = profile(rng, ikotan_spec, len(kabkota)), profile(rng, ikp_spec, len(kabkota))
    for year in YEARS:
        folder = out / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        level = levels.set_index("code")[year]
        people, answers = survey(rng, ikotan_spec, level, IKOTAN_QUOTA, year, "R", ikotan_profile)
        people.to_parquet(folder / f"ikotan_respondents_{LABEL}.parquet", index=False)
        answers.to_parquet(folder / f"ikotan_answers_{LABEL}.parquet", index=False)
        # IKP tracks IKOTAN loosely: kemandirian follows responsiveness, a little higher.
        ikp_level = level + 0.08 + rng.normal(0, 0.1, len(level))
        people, answers = survey(rng, ikp_spec, ikp_level, ikp_quota, year, "P", ikp_profile)
        people.to_parquet(folder / f"ikp_respondents_{LABEL}.parquet", index=False)
        answers.to_parquet(folder / f"ikp_answers_{LABEL}.parquet", index=False)
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
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2))
    return out
