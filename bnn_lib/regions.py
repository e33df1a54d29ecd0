"""The region registry: Indonesia's 38 provinces and 514 kabupaten/kota with Kemendagri codes.

Data: ``bnn_lib/data/regions/`` (from ``idn-area-data``, ODbL; see its README). Look-ups accept a code
(``"11"``, ``"11.01"``) or a name, tolerant of case, spacing, punctuation and the usual variants
("Kab.", "Kabupaten", "Kota", "Kota Adm.", "Provinsi", "DKI", "DIY"). An unknown code or name
raises :class:`UnknownRegionError`, whose message suggests the closest matches.

The registry also knows the codes that changed (``code_history.csv``: Papua's kab/kota that went
to the four provinces formed in 2022), so that data coded the old way is told apart from data
coded the new way: :meth:`RegionRegistry.former` gives what an old code meant.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Literal

import pandas as pd

from bnn_lib.paths import SHIPPED

REGIONS_DIR = SHIPPED / "regions"
NATIONAL = "00"  # the code of the nation, beside the province codes "11"…"96"

RegionType = Literal["provinsi", "kabupaten", "kota"]

# "Kabupaten Administrasi", "Kab. Adm.", "Kota Adm.", "Prov." and the like, in normalised form: a
# pattern and the type it spells out. Plain regular expressions that JavaScript reads alike (the
# index page's search box applies them to what is typed).
TYPE_PREFIXES = [
    (r"^(kabupaten|kab)( administrasi| adm)?\s+", "kabupaten"),
    (r"^kota( administrasi| adm)?\s+", "kota"),
    (r"^(provinsi|prov)\s+", "provinsi"),
]


class UnknownRegionError(KeyError):
    """A code or name that is not in the registry (or matches several regions)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class Region:
    """One province or kab/kota."""

    code: str
    name: str
    type: RegionType
    province_code: str

    @property
    def short_name(self) -> str:
        """The name without its type prefix: "Aceh Selatan" for "Kabupaten Aceh Selatan"."""
        return re.sub(r"^(Kabupaten|Kota)( Administrasi)?\s+", "", self.name)

    @property
    def label(self) -> str:
        """The name as reports print it: "Kab. Aceh Selatan", "Kota Banda Aceh", "Aceh"."""
        if self.type == "kabupaten":
            return f"Kab. {self.short_name}"
        if self.type == "kota":
            return f"Kota {self.short_name}"
        return self.name


@dataclass(frozen=True)
class CodeChange:
    """A kab/kota whose Kemendagri code changed: its old code, its code since ``since_year``,
    its name, and the act that moved it."""

    old_code: str
    new_code: str
    name: str
    since_year: int
    source: str


def normalise_name(text: str) -> str:
    """Lower-case, drop punctuation, collapse spaces: ``" Kab.  Aceh-Besar"`` → ``"kab aceh besar"``."""
    text = re.sub(r"[^\w\s]", " ", str(text).lower())
    return re.sub(r"\s+", " ", text).strip()


def _split_type(name: str) -> tuple[RegionType | None, str]:
    """Split a name into its type prefix and the normalised rest: ("kabupaten", "aceh besar")."""
    norm = normalise_name(name)
    for pattern, kind in TYPE_PREFIXES:
        match = re.match(pattern, norm)
        if match:
            return kind, norm[match.end() :]
    return None, norm


def _key(name: str) -> str:
    """The look-up key of a name: its canonical type prefix (none for provinces) and the rest."""
    kind, rest = _split_type(name)
    return f"{kind} {rest}" if kind in ("kabupaten", "kota") else rest


class RegionRegistry:
    """Provinces and kab/kota with look-ups by code and by name.

    ``province_table`` has columns ``code, name``; ``kabkota_table`` has
    ``code, province_code, name, type``, all strings; ``history`` (optional) has
    ``old_code, new_code, name, since_year, source``. Use :func:`regions` to get the shared instance.
    """

    def __init__(
        self,
        provinces: pd.DataFrame,
        kabkota: pd.DataFrame,
        aliases: pd.DataFrame,
        history: pd.DataFrame | None = None,
    ):
        self.province_table = provinces
        self.kabkota_table = kabkota
        self._by_code: dict[str, Region] = {}
        self._by_name: dict[str, list[Region]] = {}
        self._aliases: dict[str, list[str]] = {}
        rows = [] if history is None else history.itertuples(index=False)
        self._former = {
            r.old_code: CodeChange(r.old_code, r.new_code, r.name, int(r.since_year), r.source) for r in rows
        }
        for row in provinces.itertuples():
            self._add(Region(row.code, row.name, "provinsi", row.code), [row.name])
        for row in aliases.itertuples():
            self._by_name.setdefault(_key(row.alias), []).append(self._by_code[row.code])
            self._aliases.setdefault(row.code, []).append(row.alias)
        for row in kabkota.itertuples():
            region = Region(row.code, row.name, row.type, row.province_code)
            self._add(region, [row.name, f"{row.type} {region.short_name}", region.short_name])

    def _add(self, region: Region, names: list[str]) -> None:
        self._by_code[region.code] = region
        for name in {_key(n) for n in names}:
            self._by_name.setdefault(name, []).append(region)

    def get(self, key: str | int, *, types: tuple[RegionType, ...] = ()) -> Region:
        """The region with this code or name, of one of ``types`` (any type when empty).

        A bare name shared by several regions ("Bekasi": a kabupaten and a kota; "Gorontalo": a
        province, a kabupaten and a kota) is ambiguous unless ``types`` or a prefix settles it.
        """
        text = str(key).strip()
        if re.fullmatch(r"[\d.]+", text):
            region = self._by_code.get(text)
            if region is not None and (not types or region.type in types):
                return region
            raise UnknownRegionError(self._unknown_code(text))
        prefix, _ = _split_type(text)
        wanted = (prefix,) if prefix else types
        found = list(dict.fromkeys(r for r in self._by_name.get(_key(text), []) if not wanted or r.type in wanted))
        if len(found) == 1:
            return found[0]
        if found:
            options = ", ".join(f"{r.label} ({r.code})" for r in found)
            raise UnknownRegionError(f"nama wilayah {text!r} bisa berarti beberapa wilayah: {options}")
        raise UnknownRegionError(self._unknown_name(text, wanted))

    def province(self, key: str | int) -> Region:
        """The province with this code or name ("11", "Aceh", "DKI Jakarta", "Prov. Jawa Barat")."""
        return self.get(key, types=("provinsi",))

    def province_of(self, code: str) -> Region:
        """The province of a kab/kota or province code."""
        return self.province(province_code(code))

    def kabkota(self, key: str | int) -> Region:
        """The kabupaten or kota with this code or name ("11.01", "Kab. Aceh Selatan")."""
        return self.get(key, types=("kabupaten", "kota"))

    def aliases(self, code: str) -> list[str]:
        """The short names a province code is also known by (``province_aliases.csv``), in file
        order: ``["DKI", "DKI Jakarta", "Jakarta"]`` for "31"; none for a kab/kota or the nation."""
        return list(self._aliases.get(code, []))

    def kabkota_of(self, province: str | int) -> pd.DataFrame:
        """The kab/kota table rows of one province (given by code or name), in code order."""
        code = self.province(province).code
        table = self.kabkota_table
        return table[table["province_code"] == code].reset_index(drop=True)

    def former(self, code: str) -> CodeChange | None:
        """What an old kab/kota code stood for before it changed, or None for a code that never
        changed. The code may be gone, or (where the registry reuses it) mean another kab/kota now."""
        return self._former.get(code)

    def label(self, code: str) -> str:
        """The report label of a region code ("Kab. Aceh Selatan")."""
        return self.get(code).label

    @cached_property
    def labels(self) -> dict[str, str]:
        """Every code's report label, for mapping whole columns at once."""
        return {code: region.label for code, region in self._by_code.items()}

    @cached_property
    def kabkota_counts(self) -> pd.Series:
        """The number of kab/kota of each province, by province code."""
        return self.kabkota_table.groupby("province_code").size()

    def nearest(self, code: str) -> list[Region]:
        """Up to four kab/kota of the same province with the nearest codes ("11.99" → 11.2x)."""
        if not re.fullmatch(r"\d{2}\.\d{2}", code):
            return []
        siblings = [c for c in self._by_code if c.startswith(code[:3])]
        nearest = sorted(siblings, key=lambda c: abs(int(c[3:]) - int(code[3:])))[:4]
        return [self._by_code[c] for c in sorted(nearest)]

    def suggest(self, text: str, types: tuple[RegionType, ...] = ()) -> list[Region]:
        """Up to four regions (of ``types``) whose names are close to ``text``."""
        names = [k for k, rs in self._by_name.items() if not types or any(r.type in types for r in rs)]
        close = difflib.get_close_matches(_key(text), names, n=4, cutoff=0.6)
        found = dict.fromkeys(r for k in close for r in self._by_name[k] if not types or r.type in types)
        return list(found)[:4]

    def _unknown_code(self, code: str) -> str:
        """The error for an unknown code: what an old code became, else the nearest codes of
        the same province."""
        change = self.former(code)
        if change is not None:
            now = self._by_code[change.new_code].label
            return (
                f"{code!r} adalah kode sebelum {change.since_year} ({change.source}); sekarang {change.new_code} {now}"
            )
        nearest = self.nearest(code)
        if nearest:
            hint = ", ".join(f"{r.label} ({r.code})" for r in nearest)
            return f"kode wilayah {code!r} tidak dikenal; kode terdekat di provinsi {province_code(code)}: {hint}"
        return f"kode wilayah {code!r} tidak dikenal; kode berbentuk '11' (provinsi) atau '11.01' (kab/kota)"

    def _unknown_name(self, text: str, types: tuple[RegionType, ...]) -> str:
        """The error for an unknown name, suggesting up to four close names."""
        labels = [f"{r.label} ({r.code})" for r in self.suggest(text, types)]
        what = " atau ".join(types) if types else "wilayah"
        hint = f"; mungkin maksudnya {', '.join(labels)}?" if labels else ""
        return f"{what} {text!r} tidak dikenal{hint}"


def province_code(code: str) -> str:
    """The province of a kab/kota or province code: the two digits before the dot ("11.06" →
    "11"; "11" → "11")."""
    return code[:2]


def province_codes(codes: pd.Series) -> pd.Series:
    """:func:`province_code` of each code of a Series."""
    return codes.str.slice(0, 2)


def with_province(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``province_code``, the province of its ``kabkota_code``."""
    return table.assign(province_code=province_codes(table["kabkota_code"]))


def names_match(region: Region, text: str) -> bool:
    """Whether ``text`` names ``region``: "Kab. Aceh Selatan", "Aceh Selatan", "KABUPATEN ACEH SELATAN"."""
    return _key(text) in {_key(region.name), _key(region.label)} or normalise_name(text) == normalise_name(
        region.short_name
    )


@cache
def regions() -> RegionRegistry:
    """The registry from ``bnn_lib/data/regions`` (read once per process)."""
    read = {"dtype": "str", "keep_default_na": False}
    return RegionRegistry(
        pd.read_csv(REGIONS_DIR / "provinces.csv", **read),
        pd.read_csv(REGIONS_DIR / "kabkota.csv", **read),
        pd.read_csv(REGIONS_DIR / "province_aliases.csv", **read),
        pd.read_csv(REGIONS_DIR / "code_history.csv", **read),
    )
