"""Finding, reading, choosing and changing specs: the shipped series of each index, the spec in
force in a year, a researcher's copy read from its path."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import tomli_w
from pydantic import ValidationError

from bnn_lib.paths import SPECS_DIR
from bnn_lib.spec import numbers
from bnn_lib.spec.schema import IndexSpec, SpecError
from bnn_lib.workspace import find_workspace, workspace

# The shipped specs of each index, oldest first. Each spec says the years it applies to
# (``years_from``, ``years_to``); the one whose years hold a year is the index's default that
# year (:func:`default_spec`): BNN changed IKOTAN's banding in 2022 (docs/methodology.md §11).
SPEC_SERIES = {
    "ikotan": ["ikotan-juknis-2021", "ikotan-dayamas-2022"],
    "ikp": ["ikp-placeholder-2024"],
    "ikkrn": ["ikkrn-dayatif-2024"],
    "ikktt": ["ikktt-placeholder-2024"],
}
# The spec each index is computed with when no year is given (and no other is asked for): the
# latest of its series.
DEFAULT_SPECS = {key: ids[-1] for key, ids in SPEC_SERIES.items()}
# The indices measured by a questionnaire (respondents and answers), of the keys above.
SURVEY_INDICES = ("ikotan", "ikp")
# A spec is a few kilobytes of TOML (the largest shipped one is about 20 kB); a file many times
# that is not a spec, and reading it whole would only delay the message.
MAX_SPEC_BYTES = 1_000_000
# An invalid spec lists its first problems only: a generated or pasted file can have thousands.
MAX_LISTED = 10
# Pydantic's errors of a number, worded as the range checks of :mod:`.numbers` word theirs.
NUMBER_WORDS = {
    "greater_than_equal": "harus ≥ {ge}",
    "greater_than": "harus > {gt}",
    "less_than_equal": "harus ≤ {le}",
    "less_than": "harus < {lt}",
    "int_parsing": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "float_parsing": "harus angka",
    "float_type": "harus angka",
}


def spec_path(name: str | Path) -> Path:
    """The file of a spec given by id ("ikotan-juknis-2021") or by path. An id is looked up
    among the shipped specs and the workspace's own (``specs/``); where both have it, the
    shipped one is used unless the workspace asks for its own (``own_specs = true`` in
    ``bnn.toml``), so that a copy left in ``specs/`` never changes results unnoticed."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        # Absolute: results record the path, and a later run from another folder must find the
        # same file, not one of the same name there.
        return path.resolve()
    shipped, own = SPECS_DIR / f"{name}.toml", _own_specs()
    mine = own[0] / f"{name}.toml" if own else None
    if mine is not None and mine.is_file() and (own[1] or not shipped.exists()):
        return mine
    if not shipped.exists():
        raise SpecError(
            f"tidak ada spesifikasi {name!r}: berikan jalur berkas .toml atau salah satu dari {', '.join(list_specs())}"
        )
    return shipped


def _own_specs() -> tuple[Path, bool] | None:
    """The workspace's own specs folder and whether they win over shipped ones of the same id;
    None outside a workspace (the library used on its own). A ``bnn.toml`` that cannot be read
    raises :class:`WorkspaceError`: which specs are used must not depend on a typo."""
    if find_workspace() is None:
        return None
    place = workspace()
    return place.specs, place.own_specs


def load_spec(name: str | Path) -> IndexSpec:
    """Read and validate a spec by shipped id or path; raises :class:`SpecError`."""
    path = spec_path(name)
    try:
        stat = path.stat()
    except OSError:
        return _read_spec(path)  # which says what is wrong with the path
    return _read_spec_as(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_spec_as(path: Path, mtime_ns: int, size: int) -> IndexSpec:
    """A spec file read once for each state of the file (the years pick a spec per year, and a
    spec is immutable): an edited file is read again."""
    return _read_spec(path)


def _read_spec(path: Path) -> IndexSpec:
    """Read and validate the spec file ``path``; raises :class:`SpecError`."""
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(
                f"{path}: {size:,} bita, jauh lebih besar daripada spesifikasi (beberapa kB TOML); salah berkas?"
            )
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"{path}: berkas tidak ada") from exc
    except IsADirectoryError as exc:
        raise SpecError(f"{path}: ini folder; berikan berkas .toml spesifikasinya") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: bukan teks UTF-8 (bita {exc.start}); spesifikasi adalah berkas teks TOML") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: bukan TOML yang sah: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per level of nesting
        raise SpecError(f"{path}: bersarang terlalu dalam untuk sebuah spesifikasi") from exc
    return parse_spec(raw, source=str(path))


def parse_spec(raw: dict, source: str = "<dict>") -> IndexSpec:
    """Validate a spec given as a dict (as read from TOML); ``source`` names it in errors. Its
    numbers are checked before and after the schema (:mod:`.numbers`)."""
    try:
        _refuse(source, numbers.non_finite(raw))
        spec = IndexSpec.model_validate({**raw, "path": source})
    except ValidationError as exc:
        errors = exc.errors()
        problems = [f"  {_located(err)}: {_message(err)}" for err in errors[:MAX_LISTED]]
        if len(errors) > MAX_LISTED:
            problems.append(f"  … and {len(errors) - MAX_LISTED} more")
        raise SpecError(f"{source}: spesifikasi tidak sah\n" + "\n".join(problems)) from None
    except RecursionError:  # a nesting deeper than the validator's recursion limit
        raise SpecError(f"{source}: bersarang terlalu dalam untuk sebuah spesifikasi") from None
    _refuse(source, numbers.out_of_range(spec))
    return spec


def _refuse(source: str, problems: list[numbers.Problem]) -> None:
    """Raise :class:`SpecError` listing the first ``problems`` (key = value: why), if any."""
    if not problems:
        return
    lines = [f"  {key} = {_shown(value)}: {why}" for key, value, why in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  … dan {len(problems) - MAX_LISTED} lainnya")
    raise SpecError(f"{source}: spesifikasi tidak sah\n" + "\n".join(lines))


def _shown(value: object) -> str:
    """A value as the spec file writes it: text quoted, no value as "(kosong)"."""
    if value is None:
        return "(kosong)"
    return repr(value) if isinstance(value, str) else f"{value}"


def _message(error: dict) -> str:
    """What is wrong, in the words of the other spec messages where a number is out of range."""
    words = NUMBER_WORDS.get(error["type"])
    return words.format(**error.get("ctx", {})) if words else error["msg"].removeprefix("Value error, ")


def _located(error: dict) -> str:
    """Where a pydantic error is, with the value found there when it is a single value."""
    where, value = _field(error["loc"]), error.get("input")
    single = isinstance(value, int | float | str) and where != "(whole spec)"
    return f"{where} = {_shown(value)}" if single else where


def _field(loc: tuple) -> str:
    """Pydantic's error location as a TOML-like field path: variables[0].indicators[2].weight."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "tagged-union", "model_validator")):
            out += ("." if out else "") + str(part)
    return out or "(whole spec)"


def default_spec(index: str, year: int | None = None) -> str:
    """The id of the shipped spec of ``index`` ("ikotan") in force in ``year``: the one of its
    series whose years hold the year; without a year, the latest. Raises :class:`SpecError` for
    an unknown index or a year no shipped spec covers."""
    if index not in SPEC_SERIES:
        raise SpecError(f"tidak ada indeks {index!r}; indeksnya: {', '.join(SPEC_SERIES)}")
    if year is None:
        return SPEC_SERIES[index][-1]
    in_force = [name for name in SPEC_SERIES[index] if load_spec(name).applies_to(year)]
    if not in_force:
        raise SpecError(
            f"tidak ada spesifikasi bawaan {index} yang berlaku pada {year}; berikan satu dengan {index}=SPEC"
        )
    return in_force[-1]


def choose_specs(
    overrides: dict[str, str | Path | IndexSpec] | None = None, year: int | None = None
) -> dict[str, IndexSpec]:
    """The spec of every index: the one ``overrides`` gives for its key (``{"ikotan":
    "my-copy.toml"}``), else the shipped spec in force in ``year`` (:func:`default_spec`; no
    year: the latest). An override holds whatever the year. A key that names no index is
    refused, not ignored."""
    unknown = sorted(set(overrides or {}) - set(SPEC_SERIES))
    if unknown:
        raise SpecError(f"tidak ada indeks {', '.join(map(repr, unknown))}; indeksnya: {', '.join(SPEC_SERIES)}")
    chosen = {key: default_spec(key, year) for key in SPEC_SERIES if key not in (overrides or {})}
    chosen |= overrides or {}
    specs = {key: spec if isinstance(spec, IndexSpec) else load_spec(spec) for key, spec in chosen.items()}
    for key in overrides or {}:
        default = load_spec(DEFAULT_SPECS[key])
        if (specs[key].index.casefold(), specs[key].kind) != (default.index.casefold(), default.kind):
            raise SpecError(
                f"{specs[key].path or key}: a spec of {specs[key].index} ({specs[key].kind}) cannot compute "
                f"{key}, which needs a spec of {default.index} ({default.kind})"
            )
    return {key: specs[key] for key in SPEC_SERIES}


def parse_overrides(items: list[str]) -> dict[str, str]:
    """``INDEX=SPEC`` command-line items as a dict; raises :class:`SpecError` on a malformed one."""
    bad = [item for item in items if "=" not in item or not item.split("=", 1)[1]]
    if bad:
        raise SpecError(f"{bad[0]!r}: tulis INDEKS=SPEC, mis. ikotan=salinan-saya.toml")
    return dict(item.split("=", 1) for item in items)


def list_specs() -> list[str]:
    """The ids of the shipped specs and of the workspace's own (``specs/``), each once."""
    own = _own_specs()
    folders = [SPECS_DIR, *([own[0]] if own else [])]
    return sorted({p.stem for folder in folders for p in folder.glob("*.toml")})


def shadowed_specs() -> list[str]:
    """The ids of the workspace's own specs that a shipped spec of the same id is used in place
    of (the workspace has not asked for its own: ``own_specs``)."""
    own = _own_specs()
    if not own or own[1]:
        return []
    return sorted(p.stem for p in own[0].glob("*.toml") if (SPECS_DIR / p.name).exists())


def modify(spec: IndexSpec, changes: dict[str, object], id: str | None = None) -> IndexSpec:
    """A copy of ``spec`` with fields changed by dotted path; list elements are chosen by id.

        modify(spec, {"variables.ketahanan_keluarga.weight": 2.0, "bands.mode": "equal_interval"})

    The copy is validated like a file; ``id`` renames it (default: "<id>-modified").
    """
    raw = spec.model_dump(exclude={"path"}, exclude_none=True)
    for path, value in changes.items():
        target: object = raw
        *parents, leaf = path.split(".")
        for part in parents:
            if isinstance(target, list):
                matches = [x for x in target if x.get("id") == part]
                if not matches:
                    raise SpecError(f"{spec.path}: tidak ada unsur ber-id {part!r} pada jalur {path!r}")
                target = matches[0]
            elif isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise SpecError(f"{spec.path}: tidak ada isian {part!r} pada jalur {path!r}")
        target[leaf] = value  # type: ignore[index]
    raw["id"] = id or f"{spec.id}-modified"
    return parse_spec(raw, source=f"{spec.path} (modified: {', '.join(changes)})")


def write_spec(spec: IndexSpec, path: str | Path) -> Path:
    """Write a spec as TOML (for a copy made with :func:`modify`)."""
    from bnn_lib.writing import write_atomic  # pandas and openpyxl: not needed to read specs

    path = Path(path)
    write_atomic(path, tomli_w.dumps(spec.model_dump(exclude={"path"}, exclude_none=True)))
    return path
