"""A year's input folder → checked tables ready to compute, or every problem in it.

    loaded = read_year(Path("data"), 2024, specs)   # never raises for bad data
    finish(loaded).problems, loaded.warnings         # what blocks, what is worth a look

:mod:`bnn_lib.inputs` runs these with the checks that need a computed figure between them
(``bnn_lib.inputs.check_year`` and ``load_inputs``).

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
from bnn_lib.intake.causes import fold
from bnn_lib.intake.cells import PERCENT, is_percentage
from bnn_lib.intake.columns import Resolver
from bnn_lib.intake.files import Part, discover, file_parts, table_of_name
from bnn_lib.intake.names import header as header_of
from bnn_lib.intake.problems import LOCATION, DataError, Problem, Source, at_rows, describe
from bnn_lib.intake.read import Raw, UnreadableError, read, sheet_names
from bnn_lib.intake.survey import passed, survey_tables
from bnn_lib.intake.tables import TABLES, Column, table_columns
from bnn_lib.intake.values import NUMERIC_KINDS, Context, convention, parse
from bnn_lib.paths import file_hash
from bnn_lib.spec import DEFAULT_SPECS, SURVEY_INDICES, IndexSpec, load_spec

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
    # While checking (:func:`read_year` to :func:`finish`): the tables as read, with their row
    # locations, and the survey indices and tables that pass their own checks, ready for the
    # checks that need a computed figure.
    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    passed: set[str] = field(default_factory=set)
    # The respondent scores of each survey index, computed once while checking (:mod:`bnn_lib.inputs`).
    scores: dict[str, pd.DataFrame] = field(default_factory=dict)

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


def read_year(folder: Path, year: int, specs: dict[str, IndexSpec], tables: Collection[str] | None = None) -> Loaded:
    """Read every input table of ``folder/<year>/`` (or only ``tables``) and check all that needs
    nothing computed; raises only FileNotFoundError. The checks that need a computed figure
    (respondent scores, the status a kawasan's indicators allow) are :mod:`bnn_lib.inputs`'s,
    which then calls :func:`finish`."""
    base = Path(folder) / str(year)
    if not base.is_dir():
        raise FileNotFoundError(f"{base}: no input folder for {year}")
    found = discover(base, Path(folder))
    loaded = Loaded(problems=list(found.problems), warnings=list(found.warnings))
    raw_tables = loaded.raw
    for name, table in TABLES.items():
        parts = found.parts.get(name, []) if tables is None or name in tables else []
        spec = specs.get(table.index) if table.index else None
        if not parts or (table.index and spec is None):
            continue
        columns = table_columns(name, spec)
        mapping = _mappings(found.mappings.get(name, []), columns, loaded)
        pieces = [read_part(part, columns, spec, mapping) for part in parts]
        loaded.problems += _nothing_read(parts, pieces, name)
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
            blocked = {p.file for p in loaded.problems}
            survey, problems, warnings = survey_tables(key, specs[key], raw_tables, blocked)
            raw_tables |= survey
            loaded.problems += problems
            loaded.warnings += warnings
            if survey and passed(survey[f"{key}_respondents"], survey[f"{key}_answers"], problems, blocked):
                loaded.passed.add(key)
    if "kawasan_assessments" in raw_tables:
        problems, warnings = checks.kawasan(raw_tables["kawasan_assessments"], specs["ikkrn"])
        loaded.problems += problems
        loaded.warnings += warnings
        if not problems:
            loaded.passed.add("kawasan_assessments")
    for name in ("ikktt_areas", "program_outputs", "targets"):
        if name in raw_tables:
            keys = list(TABLES[name].keys)
            loaded.problems += checks.unique_key(
                raw_tables[name], keys, "kunci yang sama tercatat dua kali: " + ", ".join(map(header_of, keys))
            )
    return loaded


def finish(loaded: Loaded) -> Loaded:
    """The problems and warnings with their files, sheets and columns as written, and, when
    nothing blocks, the checked tables as the engine takes them."""
    loaded.problems = describe(fold(loaded.problems), loaded.sources)
    loaded.warnings = describe(fold(loaded.warnings), loaded.sources)
    if not loaded.problems:
        computed = [f"{k}_{t}" for k in SURVEY_INDICES for t in ("respondents", "answers")]
        computed += ["kawasan_assessments", "ikktt_areas", "program_outputs", "targets"]
        loaded.tables = {name: _clean(loaded.raw[name], name) for name in computed if name in loaded.raw}
    loaded.raw, loaded.passed = {}, set()
    return loaded


# -- one file ----------------------------------------------------------------------------------


def read_part(
    part: Part, columns: list[Column], spec: IndexSpec | None, mapping: dict[str, str] | None = None
) -> Piece:
    """Read one file or sheet of a table: match its headers, parse its cells, note problems."""
    resolver = Resolver(columns, spec, mapping)
    try:
        source = Source(part.key, part.file, part.sheet, table=part.table, sha256=file_hash(part.path))
        raw = read(part.path, resolver.recognise, part.sheet)
    except UnreadableError as exc:
        return Piece(None, source, [Problem(part.key, None, None, None, str(exc))])
    except OSError as exc:
        source = Source(part.key, part.file, part.sheet, table=part.table)
        return Piece(None, source, [Problem(part.key, None, None, None, f"berkas tidak dapat dibuka: {exc.strerror}")])
    if not raw.headers:  # not a cell filled: a blank sheet of a workbook, or a file as empty as 0 bytes
        empty = Problem(part.key, None, None, None, "berkas kosong: tidak ada isi selain pemisah atau spasi")
        return Piece(
            None, replace(source, table=None) if part.optional else source, [] if part.in_workbook else [empty], []
        )
    no_rows = Problem(part.key, None, None, None, "tanpa baris data; dilewati")
    resolved = resolver.resolve(raw.headers)
    if part.optional and sum(map(resolver.recognise, raw.headers)) < min(2, len(columns)):
        # One known word in a row (a guide sheet listing the columns, one per row) is no header.
        message = f"lembar tidak dibaca: judul kolomnya tidak dikenal sebagai tabel {part.table}"
        return Piece(None, replace(source, table=None), [], [Problem(part.key, None, None, None, message)])
    names = dict(resolved.names)
    if "kabkota_code" not in names.values() and "kabkota_name" in names.values():
        # Only names given: the names identify the kab/kota.
        names = {p: "kabkota_code" if n == "kabkota_name" else n for p, n in names.items()}
    headers = {name: (raw.headers[p], raw.letters[p]) for p, name in names.items()}
    piece = Piece(None, replace(source, how="; ".join(raw.how), headers=headers))
    if not names and not part.in_workbook:
        # No known header: the file may be no table at all, and its only sheet's name is its own
        # word; the problem names the file alone.
        piece = Piece(None, replace(source, sheet=None))
    if not len(raw.body) and names:  # a header and nothing under it
        piece.warnings += [] if part.in_workbook else [no_rows]
        return piece
    if _header_problems(piece, raw, resolved, names, columns, spec):
        piece.frame = _parse(raw, names, columns, spec, piece)
        if piece.frame.empty:  # every row blank once read (spaces only)
            piece.frame = None
            piece.warnings += [] if part.in_workbook else [no_rows]
    return piece


def _nothing_read(parts: list[Part], pieces: list[Piece], table: str) -> list[Problem]:
    """A workbook named after ``table`` none of whose sheets holds it: refused, its sheets
    counted, not named (each sheet alone was only noted, as a workbook may carry instructions
    beside its data). Such a workbook holds no table: its sheet names are its own words, and the
    notes on its sheets are taken back, so that nothing of it goes to the offices but its name."""
    tried: dict[str, list[str]] = {}
    for part, piece in zip(parts, pieces, strict=True):
        if part.optional:
            tried.setdefault(part.file, [])
            if piece.source.table is None:
                tried[part.file].append(part.sheet)
    problems = []
    for file, without_table in tried.items():
        sheets = [p.sheet for p in parts if p.file == file and p.optional]
        if without_table == sheets:
            message = f"tidak ada lembar berisi judul kolom tabel {table} ({len(sheets)} lembar)"
            problems.append(Problem(file, None, None, None, message))
            for part, piece in zip(parts, pieces, strict=True):
                if part.file == file:
                    piece.warnings = [w for w in piece.warnings if w.file != part.key]
    return problems


def _header_problems(
    piece: Piece, raw: Raw, resolved, names: dict[int, str], columns: list[Column], spec: IndexSpec | None
) -> bool:
    """Duplicated and missing columns (blocking); unknown columns and absent items (warnings).

    Returns whether the cells can still be read (every required column is there): the first of
    duplicated columns is read, so that one pass lists the problems of the cells too.
    """
    key = piece.source.key
    if not names:
        # No header is known: the file may be no table at all (a letter saved as text), and its
        # words would travel with the report to the offices. Its name says which file it is.
        wanted = ", ".join(c.header for c in columns if c.required)
        message = f"tidak ada judul kolom yang dikenal (bukan tabel?); kolom yang diperlukan: {wanted}"
        piece.problems.append(Problem(key, None, None, None, message))
        return False
    for first, again, name in resolved.duplicates:
        same = f"{raw.letters[first] or ''} {raw.headers[first]!r}"
        message = f"kolom ganda: sama artinya ({header_of(name)}) dengan kolom {same}"
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
        if by_name[name].percent:  # which cells were percentages: a row's unit may not allow one
            location[PERCENT + name] = np.fromiter(map(is_percentage, cells), dtype=bool, count=len(cells))
        blanks[name] = values.isna().to_numpy() & ~bad  # a cell that could not be read is not blank
    frame = pd.DataFrame(out | location)
    # A row with nothing in any known column (spaces only, say) is no record, nor is an interview
    # the respondent refused (a survey form's consent): its questions were never asked.
    record = ~(np.logical_and.reduce(list(blanks.values())) & ~unreadable)
    if "consent" in frame:
        record &= (frame["consent"] != "tidak").to_numpy()
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


def _clean(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A checked table as the engine takes it: its own columns only, typed."""
    dropped = ("kabkota_name", "province_code", "survey_year", "consent")
    keep = [c for c in frame.columns if c not in LOCATION and c not in dropped and not c.startswith(PERCENT)]
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
    try:
        parts = [p for p in file_parts(path, path.name, table, False, sheet_names(path)) if p.table == table]
    except UnreadableError as exc:
        raise DataError([Problem(path.name, None, None, None, str(exc))]) from None
    pieces = [read_part(part, table_columns(table, spec), spec) for part in parts]
    problems = [p for piece in pieces for p in piece.problems] + _nothing_read(parts, pieces, table)
    problems = describe(problems, {piece.source.key: piece.source for piece in pieces})
    if problems:
        raise DataError(problems)
    frames = [piece.frame for piece in pieces if piece.frame is not None]
    if not frames:
        return pd.DataFrame()
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame.drop(columns=[c for c in LOCATION if c in frame])
