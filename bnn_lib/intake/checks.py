"""The data contracts: rules a parsed table must meet before anything is computed from it.

Cell rules come from the column definitions (:mod:`bnn_lib.intake.tables`): a number lies in its
range, an answer is on the scale or a missing code (a blank required cell is found as the cells
are read, in :mod:`bnn_lib.intake.load`, where a blank can be told from an unreadable cell). Rules across
rows and tables are written out here: a unique key (a respondent, an answer, a kawasan assessment
appears once, across all files), a respondent in one kab/kota, answers of known respondents to
items asked of their group, a name that agrees with its code.

Each check returns its blocking problems and its warnings; nothing is raised, so one pass lists
everything that is wrong. Tables carry the hidden location columns of
:mod:`bnn_lib.intake.problems`; positions in messages are rows as a spreadsheet shows them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnn_lib.intake.causes import by_value, caused
from bnn_lib.intake.problems import MAX_PER_CHECK, Problem, at_rows, plain
from bnn_lib.intake.tables import Column
from bnn_lib.limits import FIRST_YEAR, LAST_YEAR, year_range
from bnn_lib.lookup import positions
from bnn_lib.regions import names_match, province_codes, regions
from bnn_lib.spec import IndexSpec

Found = tuple[list[Problem], list[Problem]]  # (blocking problems, warnings)


def ranges(frame: pd.DataFrame, columns: list[Column], spec: IndexSpec | None) -> list[Problem]:
    """Numbers out of their range, answers off the scale (blank required cells are found as the
    cells are read, where a blank can be told from a cell that could not be read)."""
    problems: list[Problem] = []
    for column in columns:
        if column.name in frame and column.kind in ("number", "year", "answer"):
            bad, message = _out_of_range(frame[column.name].to_numpy(dtype=float), column, spec)
            problems += at_rows(frame, bad, column.name, message)
    return problems


def _out_of_range(x: np.ndarray, column: Column, spec: IndexSpec | None) -> tuple[np.ndarray, str]:
    with np.errstate(invalid="ignore"):
        if column.kind == "answer":
            scale = spec.scale
            codes = ", ".join(f"{c:g}" for c in scale.missing_codes)
            allowed = np.isin(x, scale.points + list(scale.missing_codes))
            message = f"jawaban di luar skala {scale.min:g}–{scale.max:g}" + (
                f" dan kode tidak tahu ({codes})" if codes else ""
            )
            return ~np.isnan(x) & ~allowed, message
        if column.kind == "year":
            return ~np.isnan(x) & ((x < FIRST_YEAR) | (x > LAST_YEAR)), f"tahun di luar {year_range()}"
        bad = np.zeros(len(x), dtype=bool)
        parts = []
        if column.gt is not None:
            bad |= x <= column.gt
            parts.append(f"> {column.gt:g}")
        if column.ge is not None:
            bad |= x < column.ge
            parts.append(f"≥ {column.ge:g}")
        if column.le is not None:
            bad |= x > column.le
            parts.append(f"≤ {column.le:g}")
    return bad & ~np.isnan(x), "harus angka " + " dan ".join(parts)


def unique_key(frame: pd.DataFrame, keys: list[str], message: str) -> list[Problem]:
    """A problem for each row that repeats the key of an earlier row, naming where that row is
    (in the same file or another one)."""
    if not set(keys) <= set(frame.columns) or frame.empty:
        return []
    return repeats(frame, key_codes(frame, keys), keys, message)


def key_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One integer per row, the same for rows that agree on every column of ``keys``."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for k in keys:
        c, uniques = pd.factorize(frame[k])
        codes = codes * (len(uniques) + 1) + (c + 1)
    return codes


def repeats(frame: pd.DataFrame, codes: np.ndarray, keys: list[str], message: str) -> list[Problem]:
    """A problem for each row whose key code repeats an earlier row's (negative codes never do),
    the first MAX_PER_CHECK per file, then a count."""
    codes = np.where(codes >= 0, codes, -1 - np.arange(len(frame)))
    repeated = np.flatnonzero(pd.Series(codes).duplicated().to_numpy())
    if not len(repeated):
        return []
    first = pd.Series(np.arange(len(frame))).groupby(codes).transform("first").to_numpy()
    sources, rows = frame["_source"].to_numpy(), frame["_row"].to_numpy()
    column = keys[0] if len(keys) == 1 else None  # a key of several columns is the whole row's
    problems, counted = [], {}
    for i in repeated:
        counted[sources[i]] = counted.get(sources[i], 0) + 1
        if counted[sources[i]] <= MAX_PER_CHECK:
            value = plain(tuple(frame[k].iat[i] for k in keys))
            also = (str(sources[first[i]]), int(rows[first[i]]))
            problems.append(
                Problem(str(sources[i]), int(rows[i]), column, value[0] if column else value, message, also=also)
            )
    for source, n in counted.items():
        if n > MAX_PER_CHECK:
            problems.append(Problem(str(source), None, column, None, f"{n - MAX_PER_CHECK} baris lain juga: {message}"))
    return problems


def source_of(frame: pd.DataFrame, what: str) -> str:
    """The file a problem of the whole table belongs to: its one file, or all of them."""
    sources = pd.unique(frame["_source"])
    return str(sources[0]) if len(sources) == 1 else f"{what} (semua berkas)"


def region_names(frame: pd.DataFrame) -> list[Problem]:
    """A kab/kota name or province that disagrees with the kab/kota code on the same row."""
    problems: list[Problem] = []
    if "kabkota_code" not in frame:
        return problems
    registry = regions()
    if "kabkota_name" in frame:
        pairs = frame[["kabkota_code", "kabkota_name"]].dropna().drop_duplicates()
        wrong = {
            (code, name) for code, name in pairs.itertuples(index=False) if not names_match(registry.get(code), name)
        }
        if wrong:
            mismatched = pd.Series(list(zip(frame["kabkota_code"], frame["kabkota_name"], strict=True))).isin(wrong)
            codes = frame["kabkota_code"].to_numpy(dtype=object)
            for code in sorted({c for c, _ in wrong}):
                message = f"nama tidak sesuai dengan kode {code} ({registry.label(code)}); periksa kodenya (Kemendagri)"
                problems += at_rows(frame, mismatched.to_numpy() & (codes == code), "kabkota_name", message)
    if "province_code" in frame:
        kabkota = frame["kabkota_code"].to_numpy(dtype=object)
        province = frame["province_code"].to_numpy(dtype=object)
        home = province_codes(pd.Series(kabkota)).to_numpy(dtype=object)
        bad = pd.notna(kabkota) & pd.notna(province) & (home != province)
        for own, given in sorted(set(zip(home[bad], province[bad], strict=True))):
            message = (
                f"kab/kota ini berada di provinsi {own} ({registry.label(own)}), bukan di provinsi {given} "
                f"({registry.label(given)}) pada kolom provinsi"
            )
            problems += at_rows(frame, bad & (home == own) & (province == given), "kabkota_code", message)
    return problems


def respondents(frame: pd.DataFrame, spec: IndexSpec) -> Found:
    """A respondent once and in one kab/kota; weights for all or for none; a group of the spec
    without respondents refused or noted (:func:`absent_groups`); a group missing in one
    kab/kota is a warning (that kab/kota's indicators use the units present)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    ids = frame["respondent_id"]
    repeated = ids.duplicated(keep=False) & ids.notna()
    if repeated.any():
        places = frame[repeated].groupby("respondent_id")["kabkota_code"].nunique()
        moved = frame["respondent_id"].isin(places.index[places > 1])
        message = "responden yang sama tercatat di kab/kota lain"
        problems += unique_key(frame[moved.to_numpy()], ["respondent_id"], message)
        problems += unique_key(frame[~moved.to_numpy()], ["respondent_id"], "kode responden ganda")
    if "weight" in frame and frame["weight"].notna().any():
        problems += weights(frame)
    present = frame.dropna(subset=["kabkota_code", "group"])
    counts = pd.crosstab(present["kabkota_code"], present["group"]).reindex(columns=list(spec.groups), fill_value=0)
    absent = absent_groups(list(counts.columns[counts.sum() == 0]), spec, source_of(frame, f"responden {spec.index}"))
    problems += absent[0]
    warnings += absent[1]
    if not problems:
        # A group absent everywhere is reported once, above, not again in every kab/kota.
        counts = counts.loc[:, counts.sum() > 0]
        for code, row in counts[(counts == 0).any(axis=1)].iterrows():
            missing = ", ".join(sorted(row.index[row == 0]))
            message = f"kab/kota {code} ({regions().label(code)}) tanpa responden kelompok: {missing}"
            rows = present[present["kabkota_code"] == code]
            warnings.append(Problem(source_of(rows, f"responden {spec.index}"), None, "group", None, message))
    return problems, warnings


def absent_groups(absent: list[str], spec: IndexSpec, source: str) -> Found:
    """Groups of the spec without a single respondent. Refused: a group the spec requires, and
    the groups that alone answer an indicator (one problem per such set of groups, naming the
    indicators lost); the others are warnings (their indicators are computed from the groups
    present). Each says what to do."""
    problems, warnings = [], []
    names = {gid: f"{gid} ({spec.groups[gid].name})" for gid in absent}
    lost: dict[tuple[str, ...], list[str]] = {}
    for ind in spec.indicators:
        if set(ind.groups) <= set(absent):
            lost.setdefault(tuple(ind.groups), []).append(ind.id)
    table = spec.index.lower()
    send = f"kirim data responden kelompok ini (lembar {table}_survey atau tabel {table}_respondents)"
    for groups, indicators in lost.items():
        message = (
            f"tidak ada responden kelompok {', '.join(names[g] for g in groups)}: indikator {', '.join(indicators)} "
            f"hanya ditanyakan kepada kelompok ini, dan {spec.index} tidak dapat dihitung tanpanya; {send}"
        )
        problems.append(Problem(source, None, "group", None, message))
    counted = {g for groups in lost for g in groups}
    for gid in absent:
        if spec.groups[gid].required and gid not in counted:
            message = f"tidak ada responden kelompok {names[gid]}, yang diwajibkan spesifikasi {spec.id}; {send}"
            problems.append(Problem(source, None, "group", gid, message))
        elif gid not in counted:
            message = (
                f"tidak ada responden kelompok {names[gid]}: indikatornya dihitung dari kelompok lain yang "
                "menjawabnya; bila data kelompok ini ada, kirimkan"
            )
            warnings.append(Problem(source, None, "group", None, message))
    return problems, warnings


def weights(frame: pd.DataFrame) -> list[Problem]:
    """Weights for every respondent or for none. Where fewer rows have a weight than lack one,
    the rows with a weight are the odd ones (a weight typed by mistake, a 0 meant as "none"):
    each is a problem, and the first carries the rows left without a weight. Otherwise each row
    without a weight is a problem of its own."""
    given = frame["weight"].notna().to_numpy()
    if given.sum() >= (~given).sum():
        message = "bobot kosong, padahal responden lain berbobot; isi semua bobot atau kosongkan semuanya"
        return at_rows(frame, ~given, "weight", message, value=False)
    message = (
        f"hanya {given.sum()} dari {len(frame)} responden yang berbobot; isi bobot semua responden, "
        "atau kosongkan semuanya bila semua berbobot sama"
    )
    problems = at_rows(frame, given, "weight", message)
    blank = "bobot kosong, padahal responden lain berbobot"
    first = next(i for i, p in enumerate(problems) if p.row is not None)
    problems[first] = caused(problems[first], frame, ~given, "weight", blank, value=False)
    return problems


def answers(frame: pd.DataFrame, spec: IndexSpec, people: pd.DataFrame) -> Found:
    """Answers of known respondents, to items asked of their group, each (respondent, item) once;
    a respondent without a single answer is a warning.

    Ids are looked up once per distinct id (:func:`positions`): an answer table repeats a few
    thousand ids over hundreds of thousands of rows.
    """
    resp = positions(frame["respondent_id"], pd.Index(people["respondent_id"]))
    unknown = (resp < 0) & frame["respondent_id"].notna().to_numpy()  # a blank id is reported as blank
    problems = by_value(frame, unknown, "respondent_id", "responden tidak ada di tabel responden")
    silent = np.ones(len(people), dtype=bool)
    silent[resp[resp >= 0]] = False
    warnings = at_rows(people, silent & people["respondent_id"].notna().to_numpy(), "respondent_id",
                       "responden tanpa satu jawaban pun (hanya dihitung dalam jumlah responden)")  # fmt: skip
    items = [(it.id, ind.groups) for ind in spec.indicators for it in ind.items]
    item = positions(frame["item_id"], pd.Index([i for i, _ in items]))
    groups = list(spec.groups)
    group = np.full(len(frame), -1)
    group[resp >= 0] = pd.Index(groups).get_indexer(people["group"])[resp[resp >= 0]]
    ok = (item >= 0) & (group >= 0)
    asked = np.array([[g in item_groups for g in groups] for _, item_groups in items], dtype=bool)
    unasked = np.zeros(len(frame), dtype=bool)
    unasked[ok] = ~asked[item[ok], group[ok]]
    problems += _unasked(frame, unasked, resp, people, spec)
    # A wide table holds each (respondent, item) in one cell; repeats can come from long tables only.
    long = frame["_column"].isna().to_numpy() if "_column" in frame else np.ones(len(frame), dtype=bool)
    pair = np.where(ok & long, resp.astype(np.int64) * len(items) + item, -1)
    message = "jawaban ganda: responden dan butir yang sama"
    return problems + repeats(frame, pair, ["respondent_id", "item_id"], message), warnings


def _unasked(frame: pd.DataFrame, unasked: np.ndarray, resp: np.ndarray, people: pd.DataFrame, spec: IndexSpec):
    """Answers to items a respondent's group is not asked: one problem at the respondent's group
    (a wrong group puts every answer out of place), its answers listed under it; the first
    MAX_PER_CHECK respondents of each file, then a count."""
    problems: list[Problem] = []
    sources, group = people["_source"].to_numpy(), people["group"].to_numpy(dtype=object)
    counted: dict[object, int] = {}
    for r in pd.unique(resp[unasked]):
        counted[sources[r]] = counted.get(sources[r], 0) + 1
        if counted[sources[r]] <= MAX_PER_CHECK:
            message = (
                f"kelompok ini tidak ditanya butir yang dijawab responden ini (spesifikasi {spec.id}); "
                "periksa kelompoknya, atau hapus jawaban butir itu"
            )
            (cause,) = at_rows(people.iloc[[r]], np.ones(1, dtype=bool), "group", message)
            why = f"butir ini tidak ditanyakan kepada kelompok {group[r]!r}"
            problems.append(caused(cause, frame, unasked & (resp == r), "item_id", why))
    for source, n in counted.items():
        if n > MAX_PER_CHECK:
            message = f"{n - MAX_PER_CHECK} responden lain juga menjawab butir yang tidak ditanyakan kepada kelompoknya"
            problems.append(Problem(str(source), None, "group", None, message))
    return problems


def kawasan(frame: pd.DataFrame, spec: IndexSpec) -> Found:
    """Kawasan assessments: the status or its indicator columns; one row per kawasan, year and
    phase."""
    rule = spec.status_rule
    problems = []
    has_indicators = set(rule.pokok + rule.pendukung) <= set(frame.columns)
    if not has_indicators and "status" not in frame:
        missing = ", ".join(sorted(set(rule.pokok + rule.pendukung) - set(frame.columns)))
        message = f"perlu kolom status, atau semua kolom indikator (tidak ada: {missing})"
        problems.append(Problem(source_of(frame, "kawasan_assessments"), None, None, None, message))
    key = ["kawasan_id", "year", "phase"]
    problems += unique_key(frame, key, "kawasan, tahun dan fase yang sama tercatat dua kali")
    return problems, []


def status_checkable(frame: pd.DataFrame, spec: IndexSpec) -> bool:
    """Whether kawasan assessments record both a status and every indicator it rests on, so
    that the one can be checked against the other (:func:`contradicted_status`)."""
    rule = spec.status_rule
    return "status" in frame and set(rule.pokok + rule.pendukung) <= set(frame.columns)


def contradicted_status(frame: pd.DataFrame, recorded: pd.Series, agrees: pd.Series) -> list[Problem]:
    """A warning on each row whose recorded status its indicators contradict (the indicators
    are used); ``recorded`` and ``agrees`` come from the status rule
    (:func:`bnn_lib.kawasan.recorded_status`)."""
    message = "status tercatat bertentangan dengan kolom indikatornya; status dari indikator yang dipakai"
    return at_rows(frame, (recorded.notna() & ~agrees).to_numpy(), "status", message)
