"""Data that reads and meets the contracts of :mod:`.checks`, yet cannot be right, or would change
the results without a word.

- rows of another year than their folder's (refused where they would be ignored or counted as
  the folder's year, a warning for the targets of other years, which a plan holds by nature);
- counts that are not whole, or beyond any kab/kota, province or the nation; targets beyond what
  their measure can reach;
- a kawasan in two kab/kota, or whose id holds the code of another kab/kota than its row's;
- a kab/kota code read as its current meaning although it meant another kab/kota before a split;
- a survey with a part of its questionnaire unanswered everywhere (refused: the index would be
  computed without it), a kab/kota or a group whose answers give no score at all (a warning: it
  drops out of the roll-ups), a kawasan assessed before an intervention and not after.

Each check returns its blocking problems and its warnings, and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from bnn_lib import measures
from bnn_lib.intake.cells import PERCENT
from bnn_lib.intake.checks import Found, key_codes, repeats, source_of
from bnn_lib.intake.problems import Problem, at_rows
from bnn_lib.lookup import positions
from bnn_lib.regions import NATIONAL, regions
from bnn_lib.spec import IndexSpec

KAWASAN_TABLES = ("kawasan_assessments", "ikktt_areas")
# The targets of the year and of the end of the Renstra period (optional): the same rules hold.
TARGET_COLUMNS = ("target", "target_renstra")


def check_table(name: str, frame: pd.DataFrame, year: int, specs: Mapping[str, IndexSpec]) -> Found:
    """The checks of this module that concern one table as read (the survey scores need both
    tables of a survey: :func:`survey_scores`)."""
    found = [folder_year(frame, name, year), reused_codes(frame)]
    if name in KAWASAN_TABLES:
        previous = name == "kawasan_assessments" and specs["ikkrn"].recovery.missing_before == "previous_mapping"
        found += [kawasan_places(frame), unpaired(frame, after_alone=previous)]
    if name == "program_outputs":
        found.append(outputs(frame))
    if name == "targets":
        found.append(targets(frame, specs))
    return [p for f in found for p in f[0]], [w for f in found for w in f[1]]


# -- the year of the folder ------------------------------------------------------------------------


def folder_year(frame: pd.DataFrame, table: str, year: int) -> Found:
    """Rows whose year is not their folder's. The kawasan indices and the outputs read only the
    folder's year, so such a row would be ignored; a survey's respondents would be counted as
    the folder's year: both refused. The targets of other years are a warning: a plan of several
    years is at home in one table."""
    if "survey_year" in frame:
        other = (frame["survey_year"].notna() & (frame["survey_year"] != year)).to_numpy()
        message = f"tahun tidak sesuai dengan folder {year}/: responden ini akan dihitung sebagai tahun {year}"
        return at_rows(frame, other, "survey_year", message + "; simpan di folder tahunnya"), []
    if "year" not in frame:
        return [], []
    other = (frame["year"].notna() & (frame["year"] != year)).to_numpy()
    if table == "targets":
        message = f"target tahun lain, tidak dipakai: hanya target tahun {year} yang dibandingkan dengan realisasi"
        warnings = at_rows(frame, other, "year", message)
        if not (frame["year"] == year).any():
            message = f"tidak ada target tahun {year}: capaian tahun ini tidak dihitung"
            warnings.append(Problem(source_of(frame, table), None, "year", None, message))
        return [], warnings
    message = f"tahun tidak sesuai dengan folder {year}/: baris ini tidak akan dihitung; simpan di folder tahunnya"
    if table in KAWASAN_TABLES:
        message += " (penilaian sebelum dan sesudah intervensi dicatat dengan tahun intervensi)"
    return at_rows(frame, other, "year", message), []


# -- counts and targets ------------------------------------------------------------------------------

# The most a count can be in one kab/kota, one province, the nation: beyond it the number cannot
# be true (digits typed twice, another number pasted in) and is refused rather than summed.
# People: more than live there (the most populous kab/kota, Kab. Bogor, about 5.5 million in the
# 2020 census; province, Jawa Barat, about 49 million; Indonesia, about 280 million). Kawasan
# (desa/kelurahan): more than there are (the most in a kab/kota, Kab. Aceh Utara, 852 gampong;
# in a province, Jawa Tengah, about 8,500; in Indonesia, about 84,000).
CEILINGS = {
    "orang": {"kabkota": 10_000_000, "provinsi": 100_000_000, "nasional": 300_000_000},
    "kawasan": {"kabkota": 2_000, "provinsi": 20_000, "nasional": 100_000},
}
WHERE = {"kabkota": "satu kab/kota", "provinsi": "satu provinsi", "nasional": "seluruh Indonesia"}


def outputs(frame: pd.DataFrame) -> Found:
    """Programme outputs, counts of one kab/kota: whole, and within the ceiling of their unit."""
    problems: list[Problem] = []
    level = np.full(len(frame), "kabkota", dtype=object)
    for m in measures.outputs():
        if m.id in frame:
            problems += _count(frame, m.id, frame[m.id].to_numpy(dtype=float), m.unit, level)
    return problems, []


def targets(frame: pd.DataFrame, specs: Mapping[str, IndexSpec]) -> Found:
    """Targets a measure can reach: a count whole and within its ceiling (a count of kab/kota
    within the kab/kota of the region, and never set for one kab/kota), a percentage at most
    100, a mean within the spec's scale. The end-of-period (Renstra) target, where given, is
    held to the same rules."""
    if not {"measure", "region_code", "target"} <= set(frame.columns):
        return [], []
    region = frame["region_code"].to_numpy(dtype=object)
    is_kabkota = np.array(["." in str(r) for r in region], dtype=bool)
    level = np.where(region == NATIONAL, "nasional", np.where(is_kabkota, "kabkota", "provinsi"))
    problems: list[Problem] = []
    for m in measures.measures():
        rows = (frame["measure"] == m.id).to_numpy()
        if m.unit == "kab/kota":  # a count of kab/kota has no meaning for one of them
            message = f"target {m.id} (jumlah kab/kota) berlaku untuk provinsi atau nasional, bukan satu kab/kota"
            problems += at_rows(frame, rows & is_kabkota, "region_code", message)
        for column in (c for c in TARGET_COLUMNS if c in frame):
            problems += _reachable(frame, column, rows, m, specs, level, region)
    return problems, []


def _reachable(
    frame: pd.DataFrame,
    column: str,
    rows: np.ndarray,
    m: measures.Measure,
    specs: Mapping[str, IndexSpec],
    level: np.ndarray,
    region: np.ndarray,
) -> list[Problem]:
    """The targets in ``column`` of measure ``m`` (its ``rows``) that it cannot reach."""
    problems: list[Problem] = []
    x = np.where(rows, frame[column].to_numpy(dtype=float), np.nan)
    if m.unit != "persen" and PERCENT + column in frame:
        message = f"target {m.id} bukan persentase (satuannya {m.unit}); tulis angkanya tanpa tanda atau format persen"
        problems += at_rows(frame, rows & frame[PERCENT + column].to_numpy(), column, message)
    if m.is_count:
        problems += _count(frame, column, x, m.unit, level, region)
    elif m.unit == "persen":
        problems += at_rows(frame, x > 100, column, "persentase tidak dapat lebih dari 100")
    elif m.unit == "indeks" and m.index in specs:
        scale = specs[m.index].scale
        message = f"di luar skala {scale.min:g}–{scale.max:g} ukuran {m.id} (rata-rata jawaban, bukan 0–100)"
        problems += at_rows(frame, (x < scale.min) | (x > scale.max), column, message)
    return problems


def _count(
    frame: pd.DataFrame,
    column: str,
    x: np.ndarray,
    unit: str,
    level: np.ndarray,
    region: np.ndarray | None = None,
) -> list[Problem]:
    """Counts (NaN where not checked) that are not whole, or beyond the ceiling of their level."""
    problems = at_rows(frame, ~np.isnan(x) & (x != np.floor(x)), column, f"jumlah {unit} harus bilangan bulat")
    if unit == "kab/kota":  # of a region: at most the kab/kota it has
        counts = regions().kabkota_counts
        most = np.array([counts.sum() if r == NATIONAL else counts.get(r, np.nan) for r in region], dtype=float)
        for n in np.unique(most[~np.isnan(most)]):
            message = f"tidak mungkin: lebih dari jumlah kab/kota di wilayah ini ({n:.0f})"
            problems += at_rows(frame, (most == n) & (x > n), column, message)
        return problems
    for where, n in CEILINGS[unit].items():
        message = f"tidak mungkin: lebih dari {n:,} {unit} di {WHERE[where]}; periksa angkanya".replace(",", ".")
        problems += at_rows(frame, (level == where) & (x > n), column, message)
    return problems


# -- kawasan ------------------------------------------------------------------------------------------

# A kab/kota code inside a kawasan id: "KWS-11.01-03", a Kemendagri desa code "11.01.05.2003".
EMBEDDED_CODE = re.compile(r"(?<![\d.])(\d{2}\.\d{2})(?!\d)")


def kawasan_places(frame: pd.DataFrame) -> Found:
    """A kawasan in one kab/kota: the same id in two kab/kota, or an id that holds the code of
    another kab/kota than its row's, is refused (its rows would count, or pair, in the wrong
    place). An old code in the id (before a split) stands for the kab/kota it became."""
    if not {"kawasan_id", "kabkota_code"} <= set(frame.columns):
        return [], []
    frame = frame[(frame["kawasan_id"].notna() & frame["kabkota_code"].notna()).to_numpy()]  # blanks: refused
    # Each kawasan's first row, and its rows in another kab/kota than the first, share a code:
    # the latter are reported as repeats of the first.
    ids = pd.factorize(frame["kawasan_id"])[0]
    kabkota = frame["kabkota_code"].to_numpy(dtype=object)
    first = pd.Series(kabkota).groupby(ids).transform("first").to_numpy(dtype=object)
    leading = ~pd.Series(ids).duplicated().to_numpy()
    codes = np.where(leading | (kabkota != first), ids, -1)
    message = "kawasan yang sama tercatat di kab/kota lain"
    problems = repeats(frame, codes, ["kawasan_id", "kabkota_code"], message)
    return problems + _embedded_codes(frame), []


def _embedded_codes(frame: pd.DataFrame) -> list[Problem]:
    registry = regions()
    embedded = frame["kawasan_id"].astype(object).map(_code_in_id).to_numpy(dtype=object)
    # Digits that are no kab/kota code have no meaning and are left alone.
    meanings = {code: _meanings(code) for code in pd.unique(embedded) if isinstance(code, str)}
    kabkota = frame["kabkota_code"].to_numpy(dtype=object)
    bad = np.array(
        [bool(meanings.get(e)) and k not in meanings[e] for e, k in zip(embedded, kabkota, strict=True)], dtype=bool
    )
    problems = []
    for code in sorted(set(embedded[bad])):
        now = meanings[code][-1]
        shown = registry.label(code) if code in registry.labels else f"kode lama {registry.label(now)}"
        message = f"tidak sesuai dengan kode kawasan, yang memuat kode kab/kota {code} ({shown}); periksa keduanya"
        problems += at_rows(frame, bad & (embedded == code), "kabkota_code", message)
    return problems


def _code_in_id(kawasan_id: object) -> str | None:
    match = EMBEDDED_CODE.search(kawasan_id) if isinstance(kawasan_id, str) else None
    return match[1] if match else None


def _meanings(code: str) -> list[str]:
    """The kab/kota a code in a kawasan id may stand for: itself, and what it became if it is old."""
    registry = regions()
    change = registry.former(code)
    return ([code] if code in registry.labels else []) + ([change.new_code] if change else [])


def unpaired(frame: pd.DataFrame, after_alone: bool = False) -> Found:
    """A kawasan assessed before an intervention and not after it, in the same year, or the
    reverse: its recovery cannot be measured, and it is left out of the recovery counts.
    ``after_alone``: an after without a before is expected (the before status comes from the
    previous year's mapping; the computation warns where that is missing too)."""
    if "phase" not in frame or frame.empty:
        return [], []
    keys = key_codes(frame, ["kawasan_id", "kabkota_code", "year"])
    phase = frame["phase"].to_numpy(dtype=object)
    warnings: list[Problem] = []
    for this, other, word in (("before", "after", "sesudah"), ("after", "before", "sebelum")):
        if this == "after" and after_alone:
            continue
        alone = (phase == this) & ~np.isin(keys, keys[phase == other])
        message = f"kawasan tanpa penilaian {word} intervensi pada tahun yang sama: tidak masuk hitungan pemulihan"
        warnings += at_rows(frame, alone, "phase", message)
    return [], warnings


# -- survey scores -------------------------------------------------------------------------------------


def survey_scores(people: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec, scores: pd.DataFrame) -> Found:
    """What the answers give once scored (checked tables only; ``scores``: the respondent ×
    indicator scores, in the order of ``people``): an indicator with no score anywhere is a part
    of the questionnaire missing (refused: the index would be computed without it); a kab/kota,
    or a group within one, with no score drops out without a word (a warning, naming how many
    respondents and answers it has)."""
    ids = pd.Index(people["respondent_id"])
    scored = scores.notna()
    resp = positions(answers["respondent_id"], ids)
    value = answers["value"].to_numpy(dtype=float)
    known = resp >= 0
    tallies = pd.DataFrame(
        {
            "answers": np.bincount(resp[known], minlength=len(ids)),
            "unknown": np.bincount(resp[known & np.isin(value, spec.scale.missing_codes)], minlength=len(ids)),
        },
        index=ids,
    )
    problems, warnings = _missing_parts(scored, answers, spec)
    return problems, warnings + _without_score(scored, tallies, people, spec)


def _missing_parts(scored: pd.DataFrame, answers: pd.DataFrame, spec: IndexSpec) -> Found:
    """Indicators without a score anywhere (refused), and items of the others without a single
    answer in any file (a warning: their indicator is computed from its other items)."""
    missing = spec.scale.missing_codes
    source = source_of(answers, f"jawaban {spec.index}")
    answered = set(pd.unique(answers["item_id"].dropna()))
    problems, warnings = [], []
    for ind in spec.indicators:
        items = [it.id for it in ind.items]
        if scored[ind.id].any():
            silent = [i for i in items if i not in answered]
            if silent:
                message = (
                    f"butir {', '.join(silent)} tanpa satu jawaban pun di semua berkas; indikator {ind.id} dihitung "
                    "dari butirnya yang lain"
                )
                warnings.append(Problem(source, None, None, None, message))
            continue
        given = answers.loc[answers["item_id"].isin(items).to_numpy(), "value"].to_numpy(dtype=float)
        if not len(given):
            why = f"tanpa satu jawaban pun (butir {', '.join(items)} tidak ada atau kosong di semua berkas)"
        elif np.isin(given, missing).all():
            why = f"semua {len(given)} jawabannya 'tidak tahu' ({_codes(spec)})"
        else:
            share = spec.scale.min_answered_share
            why = f"tidak ada responden yang menjawab sedikitnya {share:.0%} dari {len(items)} butirnya"
        message = f"indikator {ind.id} ({ind.name}) {why}; {spec.index} tidak dapat dihitung tanpa bagian ini"
        problems.append(Problem(source, None, None, None, message))
    return problems, warnings


def _without_score(scored: pd.DataFrame, tallies: pd.DataFrame, people: pd.DataFrame, spec: IndexSpec) -> list[Problem]:
    """Kab/kota with no score at all; groups with none in a kab/kota that has one."""
    frame = tallies.assign(
        scored=scored.any(axis=1).to_numpy(),
        kabkota_code=people["kabkota_code"].to_numpy(dtype=object),
        group=people["group"].to_numpy(dtype=object),
    )
    kabkota = frame.groupby("kabkota_code")["scored"].any()
    warnings = []
    for code in kabkota.index[~kabkota.to_numpy()]:
        rows = frame[frame["kabkota_code"] == code]
        what = f"kab/kota {code} ({regions().label(code)}) tanpa nilai {spec.index}"
        message = f"{what}: {_why(rows, spec)}; tidak ikut rekap provinsi dan nasional"
        warnings.append(_about(people, code, message, spec))
    groups = frame.groupby(["kabkota_code", "group"])["scored"].any()
    for code, group in groups.index[~groups.to_numpy()]:
        if kabkota[code]:
            rows = frame[(frame["kabkota_code"] == code) & (frame["group"] == group)]
            what = f"kelompok {group} di kab/kota {code} ({regions().label(code)}) tanpa nilai {spec.index}"
            message = f"{what}: {_why(rows, spec)}; nilai kab/kota ini dihitung dari kelompok lain"
            warnings.append(_about(people, code, message, spec))
    return warnings


def _why(rows: pd.DataFrame, spec: IndexSpec) -> str:
    """Why respondents give no score: no answers, only "tidak tahu", or too few items answered."""
    n, given, unknown = len(rows), int(rows["answers"].sum()), int(rows["unknown"].sum())
    if not given:
        return f"{n} responden tanpa satu jawaban pun"
    if unknown == given:
        return f"semua {given} jawaban dari {n} responden 'tidak tahu' ({_codes(spec)})"
    share = spec.scale.min_answered_share
    return f"{n} responden, tidak satu pun menjawab sedikitnya {share:.0%} butir satu indikator"


def _codes(spec: IndexSpec) -> str:
    return "kode " + ", ".join(f"{c:g}" for c in spec.scale.missing_codes)


def _about(people: pd.DataFrame, code: str, message: str, spec: IndexSpec) -> Problem:
    rows = people[(people["kabkota_code"] == code).to_numpy()]
    return Problem(source_of(rows, f"responden {spec.index}"), None, "kabkota_code", code, message)


# -- codes that changed ----------------------------------------------------------------------------------


def reused_codes(frame: pd.DataFrame) -> Found:
    """Kab/kota codes that meant another kab/kota before a split (where the registry gives an old
    code to a new kab/kota): read as their meaning now, a warning naming the former one. An old
    code that no longer exists is refused as it is read (:func:`.values.kabkota_code`)."""
    if "kabkota_code" not in frame:
        return [], []
    registry = regions()
    warnings = []
    for code in pd.unique(frame["kabkota_code"].dropna()):
        change = registry.former(code)
        if change is not None:
            message = (
                f"dibaca sebagai {registry.label(code)}; sebelum pemekaran {change.since_year} kode ini adalah "
                f"{change.name}, sekarang {change.new_code}: periksa kodenya"
            )
            warnings += at_rows(frame, (frame["kabkota_code"] == code).to_numpy(), "kabkota_code", message)
    return [], warnings
