"""A year's input folder → checked tables ready to compute, or every problem in it.

    loaded = check_year(Path("data"), 2024, specs)   # never raises for bad data
    loaded.problems, loaded.warnings                  # what blocks, what is worth a look
    tables = load_inputs(Path("data"), 2024, specs).tables   # raises DataError if anything blocks

The stages, each a function over a table: find the files of each table (:mod:`.files`), read
each as it stands (:mod:`.read`), match its headers (:mod:`.columns`), parse its cells by kind
(:mod:`.values`), put the files of a table together, unfold wide survey tables into respondents
and answers, check the contracts (:mod:`.checks`), then what reads well but cannot be right or
would change the results without a word (:mod:`.plausible`). Problems name the file, sheet, row,
column and value.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from bnn_lib.intake import checks, plausible
from bnn_lib.intake.columns import Resolver
from bnn_lib.intake.files import Part, discover, table_of_name
from bnn_lib.intake.problems import LOCATION, DataError, Problem, Source, at_rows, describe
from bnn_lib.intake.read import Raw, UnreadableError, read
from bnn_lib.intake.tables import SURVEY_INDICES, TABLES, Column, table_columns
from bnn_lib.intake.values import NUMERIC_KINDS, Context, convention, parse
from bnn_lib.paths import file_hash
from bnn_lib.spec import DEFAULT_SPECS, IndexSpec, load_spec

MAPPING_COLUMNS = [
    Column("header", "text", "Judul kolom seperti tertulis di berkas data.", aliases=("judul", "judul_kolom")),
    Column("column", "text", "Nama kolom atau kode butir yang dimaksud.", aliases=("kolom", "item_id", "butir")),
]


@dataclass
class Loaded:
    """The checked tables of a year (without location columns), and what was found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)  # by key: every file and sheet read

    @property
    def files(self) -> dict[str, list[dict]]:
        """The files read for each table (mapping files under ``<table>_mapping``), as the
        results record them: ``{table: [{"file", "sheet", "sha256"}]}``."""
        out: dict[str, list[dict]] = {}
        for s in self.sources.values():
            if s.table:
                out.setdefault(s.table, []).append({"file": s.file, "sheet": s.sheet, "sha256": s.sha256})
        return out


@dataclass
class Piece:
    """One file (or sheet) read: its rows with their locations, and what was wrong."""

    frame: pd.DataFrame | None
    source: Source
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load_inputs(folder: Path, year: int, specs: dict[str, IndexSpec]) -> Loaded:
    """Like :func:`check_year`, but raises :class:`DataError` when anything blocks."""
    loaded = check_year(folder, year, specs)
    if loaded.problems:
        raise DataError(loaded.problems, loaded.warnings)
    return loaded


def check_year(folder: Path, year: int, specs: dict[str, IndexSpec], tables: Collection[str] | None = None) -> Loaded:
    """Read and check every input table of ``folder/<year>/`` (or only ``tables``); raises only
    FileNotFoundError."""
    base = Path(folder) / str(year)
    if not base.is_dir():
        raise FileNotFoundError(f"{base}: no input folder for {year}")
    found = discover(base, Path(folder))
    loaded = Loaded(problems=list(found.problems), warnings=list(found.warnings))
    raw_tables: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        parts = found.parts.get(name, []) if tables is None or name in tables else []
        spec = specs.get(table.index) if table.index else None
        if not parts or (table.index and spec is None):
            continue
        columns = table_columns(name, spec)
        mapping = _mappings(found.mappings.get(name, []), columns, loaded)
        pieces = [read_part(part, columns, spec, mapping) for part in parts]
        frames = []
        for piece in pieces:
            loaded.sources[piece.source.key] = piece.source
            loaded.problems += piece.problems
            loaded.warnings += piece.warnings
            if piece.frame is not None:
                frames.append(piece.frame)
        if frames:
            frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            loaded.problems += checks.ranges(frame, columns, spec) + checks.region_names(frame)
            problems, warnings = plausible.check_table(name, frame, year, specs)
            loaded.problems += problems
            loaded.warnings += warnings
            raw_tables[name] = frame
    for key in SURVEY_INDICES:
        if key in specs:
            raw_tables |= _survey(key, specs[key], raw_tables, loaded)
    if "kawasan_assessments" in raw_tables:
        problems, warnings = checks.kawasan(raw_tables["kawasan_assessments"], specs["ikkrn"])
        loaded.problems += problems
        loaded.warnings += warnings
    for name in ("ikktt_areas", "program_outputs", "targets"):
        if name in raw_tables:
            keys = list(TABLES[name].keys)
            loaded.problems += checks.unique_key(
                raw_tables[name], keys, "kunci yang sama tercatat dua kali: " + ", ".join(keys)
            )
    loaded.problems = describe(loaded.problems, loaded.sources)
    loaded.warnings = describe(loaded.warnings, loaded.sources)
    if not loaded.problems:
        computed = [f"{k}_{t}" for k in SURVEY_INDICES for t in ("respondents", "answers")]
        computed += ["kawasan_assessments", "ikktt_areas", "program_outputs", "targets"]
        loaded.tables = {name: _clean(raw_tables[name], name) for name in computed if name in raw_tables}
    return loaded


# -- one file ----------------------------------------------------------------------------------


def read_part(
    part: Part, columns: list[Column], spec: IndexSpec | None, mapping: dict[str, str] | None = None
) -> Piece:
    """Read one file or sheet of a table: match its headers, parse its cells, note problems."""
    resolver = Resolver(columns, spec, mapping)
    try:
        source = Source(part.key, part.file, part.sheet, table=part.table, sha256=file_hash(part.path))
        raw = read(part.path, resolver.recognise, part.sheet, part.skip)
    except UnreadableError as exc:
        if part.skip:  # no sheet besides the other tables' holds this one: nothing was read for it
            return Piece(None, replace(source, table=None))
        return Piece(None, source, [Problem(part.key, None, None, None, str(exc))])
    except OSError as exc:
        source = Source(part.key, part.file, part.sheet, table=part.table)
        return Piece(None, source, [Problem(part.key, None, None, None, f"berkas tidak dapat dibuka: {exc.strerror}")])
    no_rows = Problem(part.key, None, None, None, "tanpa baris data; dilewati")
    if not raw.headers:
        return Piece(None, source, [], [] if part.in_workbook else [no_rows])
    resolved = resolver.resolve(raw.headers)
    names = dict(resolved.names)
    if "kabkota_code" not in names.values() and "kabkota_name" in names.values():
        # Only names given: the names identify the kab/kota.
        names = {p: "kabkota_code" if n == "kabkota_name" else n for p, n in names.items()}
    headers = {name: (raw.headers[p], raw.letters[p]) for p, name in names.items()}
    piece = Piece(None, replace(source, how="; ".join(raw.how), headers=headers))
    if not len(raw.body) and names:  # a header and nothing under it
        piece.warnings += [] if part.in_workbook else [no_rows]
        return piece
    if _header_problems(piece, raw, resolved, names, columns, spec):
        piece.frame = _parse(raw, names, columns, spec, piece)
        if piece.frame.empty:  # every row blank once read (spaces only)
            piece.frame = None
            piece.warnings += [] if part.in_workbook else [no_rows]
    return piece


def _header_problems(
    piece: Piece, raw: Raw, resolved, names: dict[int, str], columns: list[Column], spec: IndexSpec | None
) -> bool:
    """Duplicated and missing columns (blocking); unknown columns and absent items (warnings).

    Returns whether the cells can still be read (every required column is there): the first of
    duplicated columns is read, so that one pass lists the problems of the cells too.
    """
    key = piece.source.key
    if not names:
        seen = ", ".join(repr(h) for h in raw.headers[:6] if h) + (", …" if len(raw.headers) > 6 else "")
        wanted = ", ".join(c.name for c in columns if c.required)
        message = f"tidak ada judul kolom yang dikenal (terbaca: {seen}); kolom yang diperlukan: {wanted}"
        piece.problems.append(Problem(key, None, None, None, message))
        return False
    for first, again, name in resolved.duplicates:
        message = f"kolom ganda: sama artinya ({name}) dengan kolom {raw.letters[first] or ''} {raw.headers[first]!r}"
        piece.problems.append(
            Problem(key, None, raw.headers[again], None, message.replace("  ", " "), letter=raw.letters[again])
        )
    present = set(names.values())
    missing = [c for c in columns if c.required and c.name not in present]
    for column in missing:
        piece.problems.append(Problem(key, None, column.name, None, f"kolom wajib tidak ada ({column.help})"))
    items = [c.name for c in columns if c.kind == "answer" and c.name != "value"]
    if items and not present & set(items):
        message = f"tidak ada kolom jawaban yang dikenali (kode butir seperti {items[0]}); lihat judul kolomnya"
        piece.problems.append(Problem(key, None, None, None, message))
    elif items and set(items) - present:
        absent = [i for i in items if i not in present]
        shown = ", ".join(absent[:10]) + (f" dan {len(absent) - 10} lainnya" if len(absent) > 10 else "")
        piece.warnings.append(
            Problem(key, None, None, None, f"butir spesifikasi {spec.id} tanpa kolom di berkas ini: {shown}")
        )
    if resolved.unknown:
        shown = ", ".join(
            f"{raw.letters[p] + ' ' if raw.letters[p] else ''}{raw.headers[p]!r}" for p in resolved.unknown
        )
        folder = piece.source.file.rsplit("/", 1)[0]
        hint = f"; bila berisi jawaban, petakan judulnya di {folder}/{piece.source.table}_mapping.csv" if items else ""
        piece.warnings.append(Problem(key, None, None, None, f"kolom tidak dikenali, diabaikan: {shown}{hint}"))
    return not missing and not (items and not present & set(items))


def _parse(
    raw: Raw, names: dict[int, str], columns: list[Column], spec: IndexSpec | None, piece: Piece
) -> pd.DataFrame:
    """The cells of each matched column parsed by kind, with the rows' locations."""
    key = piece.source.key
    by_name = {c.name: c for c in columns}
    numeric = [p for p, n in names.items() if by_name[n].kind in NUMERIC_KINDS]
    texts = {c for p in numeric for c in pd.unique(raw.body[p]) if isinstance(c, str)}
    evidence = convention(texts, raw.numbers)
    if evidence.mixed:
        dot, comma = evidence.mixed
        message = (
            f"angka ditulis dengan titik desimal ({dot!r}) dan koma desimal ({comma!r}) dalam satu berkas; samakan"
        )
        piece.problems.append(Problem(key, None, None, None, message))
    if evidence.convention == "comma":
        piece.source = replace(piece.source, how=piece.source.how + "; desimal koma")
    location = {"_source": pd.Categorical.from_codes(np.zeros(len(raw.body), dtype=np.int8), [key]), "_row": raw.rows}
    out, blanks = {}, {}
    unreadable = np.zeros(len(raw.body), dtype=bool)
    for position, name in names.items():
        cells = raw.body[position]
        context = Context(spec, evidence.convention, raw.labels.get(raw.headers[position], {}))
        values, errors = parse(cells, by_name[name], context)
        bad = np.zeros(len(cells), dtype=bool) if errors is None else errors.notna().to_numpy()
        if bad.any():
            shown = pd.DataFrame({name: cells, **location})
            for message in pd.unique(errors[bad]):
                piece.problems += at_rows(shown, (errors == message).to_numpy(), name, message)
            unreadable |= bad
        out[name] = values.to_numpy() if by_name[name].kind in NUMERIC_KINDS else values
        blanks[name] = values.isna().to_numpy() & ~bad  # a cell that could not be read is not blank
    frame = pd.DataFrame(out | location)
    # A row with nothing in any known column (spaces only, say) is no record.
    record = ~(np.logical_and.reduce(list(blanks.values())) & ~unreadable)
    for name, blank in blanks.items():
        if not by_name[name].blank_ok:
            piece.problems += at_rows(frame, blank & record, name, "kosong; wajib diisi", value=False)
    return frame[record].reset_index(drop=True) if not record.all() else frame


def _mappings(parts: list[Part], columns: list[Column], loaded: Loaded) -> dict[str, str]:
    """Header → column from the table's mapping files; a target that names no column is refused."""
    known = {c.name for c in columns}
    mapping: dict[str, str] = {}
    for part in parts:
        piece = read_part(replace(part, table=f"{part.table}_mapping"), MAPPING_COLUMNS, None)
        loaded.sources[piece.source.key] = piece.source
        loaded.problems += piece.problems
        if piece.frame is None or piece.problems:
            continue
        frame = piece.frame.dropna(subset=["header", "column"])
        targets = {c.lower(): c for c in known}
        resolved = frame["column"].str.lower().map(targets)
        loaded.problems += at_rows(
            frame, resolved.isna().to_numpy(), "column", "bukan nama kolom atau kode butir tabel ini"
        )
        mapping |= dict(zip(frame["header"], resolved.fillna(""), strict=True))
    return {h: t for h, t in mapping.items() if t}


# -- survey tables ---------------------------------------------------------------------------------


def _survey(key: str, spec: IndexSpec, raw_tables: dict[str, pd.DataFrame], loaded: Loaded) -> dict[str, pd.DataFrame]:
    """Respondents and answers of a survey index from its long tables and its wide table, checked."""
    people = [raw_tables[t] for t in (f"{key}_respondents",) if t in raw_tables]
    answers = [raw_tables[t] for t in (f"{key}_answers",) if t in raw_tables]
    if f"{key}_survey" in raw_tables:
        wide_people, wide_answers = unfold(raw_tables[f"{key}_survey"], spec)
        people.append(wide_people)
        answers.append(wide_answers)
    if not people and not answers:
        return {}
    if not people or not answers:
        what, missing = ("jawaban", "tabel responden") if answers else ("responden", "jawaban")
        tables = f"{key}_respondents" if answers else f"{key}_answers"
        message = f"ada {what} {key.upper()} tetapi tidak ada {missing} ({tables} atau {key}_survey)"
        source = checks.source_of((people or answers)[0], f"{what} {spec.index}")
        loaded.problems.append(Problem(source, None, None, None, message))
        return {}
    people_frame = pd.concat(people, ignore_index=True) if len(people) > 1 else people[0]
    answer_frame = pd.concat(answers, ignore_index=True) if len(answers) > 1 else answers[0]
    before = len(loaded.problems)
    for found in (
        checks.respondents(people_frame, spec),
        # A repeated respondent is reported there; its first row stands for it in the answer checks.
        checks.answers(answer_frame, spec, people_frame.drop_duplicates("respondent_id")),
    ):
        loaded.problems += found[0]
        loaded.warnings += found[1]
    files = set(people_frame["_source"]) | set(answer_frame["_source"])
    if len(loaded.problems) == before and not any(p.file in files for p in loaded.problems):
        # Scores mean something only for tables that pass every check.
        problems, warnings = plausible.survey_scores(people_frame, answer_frame, spec)
        loaded.problems += problems
        loaded.warnings += warnings
    return {f"{key}_respondents": people_frame, f"{key}_answers": answer_frame}


def unfold(wide: pd.DataFrame, spec: IndexSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide survey table (one row per respondent, one column per item) as respondents and
    long answers; a blank cell is not an answer. Each answer keeps its row and item column."""
    item_ids = [i for i in spec.item_ids if i in wide]
    people = wide.drop(columns=item_ids)
    values = wide[item_ids].to_numpy(dtype=float)
    r, c = np.nonzero(~np.isnan(values))
    ids, uniques = pd.factorize(wide["respondent_id"])
    item = pd.Categorical.from_codes(c, item_ids)
    answers = pd.DataFrame(
        {
            "respondent_id": pd.Categorical.from_codes(ids[r], pd.Index(uniques.astype(str), dtype=object)),
            "item_id": item,
            "value": values[r, c],
            "_source": wide["_source"].to_numpy()[r],
            "_row": wide["_row"].to_numpy()[r],
            "_column": item,
        }
    )
    return people, answers


def _clean(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A checked table as the engine takes it: its own columns only, typed."""
    keep = [c for c in frame.columns if c not in LOCATION and c not in ("kabkota_name", "province_code", "survey_year")]
    if "weight" in keep and frame["weight"].isna().all():
        keep.remove("weight")  # no weights given: every respondent counts once
    ids = ("respondent_id", "item_id") if name.endswith("_answers") else ()
    # Answer ids stay categorical (held once, however many answers); other text becomes text.
    types = {
        c: "category" if c in ids else "str"
        for c in keep
        if not pd.api.types.is_float_dtype(frame[c])
        and not (c in ids and isinstance(frame[c].dtype, pd.CategoricalDtype))
    }
    if "year" in keep:
        types["year"] = int
    return frame[keep].astype(types).reset_index(drop=True)


def read_table(path: str | Path, table: str | None = None, spec: IndexSpec | None = None) -> pd.DataFrame:
    """One file read and parsed as ``table`` (default: the table its name says), without the
    cross-table checks; raises :class:`DataError` naming every bad cell."""
    path = Path(path)
    table = table or table_of_name(path.stem)[0]
    if table is None:
        raise DataError([Problem(path.name, None, None, None, "nama berkas tidak cocok dengan tabel mana pun")])
    if spec is None and TABLES[table].index:
        spec = load_spec(DEFAULT_SPECS[TABLES[table].index])
    piece = read_part(Part(table, path, path.name), table_columns(table, spec), spec)
    problems = describe(piece.problems, {piece.source.key: piece.source})
    if problems:
        raise DataError(problems)
    if piece.frame is None:
        return pd.DataFrame()
    return piece.frame.drop(columns=[c for c in LOCATION if c in piece.frame])
