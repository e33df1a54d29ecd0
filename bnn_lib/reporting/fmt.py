"""Indonesian number formatting and the report palette.

Numbers use the Indonesian convention: decimal comma, dot for thousands (3,08; 31.589; 99,5 %).
Colours are ColorBrewer's RdYlBu classes, which stay distinguishable with the common forms of
colour-blindness and in greyscale print.
"""

from __future__ import annotations

import html
import math
from datetime import datetime

from bnn_lib.rounding import rounded, sign_at

MISSING = "–"

# ColorBrewer RdYlBu, colour-blind safe, ordered low (red) to high (blue).
_RDYLBU = {
    2: ["#fc8d59", "#91bfdb"],
    3: ["#fc8d59", "#ffffbf", "#91bfdb"],
    4: ["#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"],
    5: ["#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"],
}
NO_DATA = "#d9d9d9"
NATIONAL = "#4d4d4d"
PROVINCE = "#2c7bb6"
_WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"]
STATUS_COLORS = {"aman": "#2c7bb6", "siaga": "#abd9e9", "waspada": "#fdae61", "bahaya": "#d7191c"}


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def angka(x: float | None, decimals: int = 2) -> str:
    """3.0838 → "3,08"; 31589 → "31.589" (decimals=0); NaN → "–". Rounded half away from zero
    (:func:`bnn_lib.rounding.rounded`), as bands round: 25.005 → "25,01"."""
    if _missing(x):
        return MISSING
    text = f"{rounded(float(x), decimals):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def ringkas(x: float) -> str:
    """A number as a spec or the code writes it, no more decimals than it has (up to 6), with a
    true minus sign: 4.0 → "4"; 50.01 → "50,01"; −0.4 → "−0,4"."""
    decimals = len(f"{abs(float(x)):.6f}".rstrip("0").partition(".")[2])
    text = angka(abs(x), decimals)
    return f"−{text}" if x < 0 else text


def bilangan(n: int) -> str:
    """A small count in words, as Indonesian prose writes it: 6 → "enam"; 11 → "11"."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else angka(n, 0)


def daftar(items: list[str]) -> str:
    """Items as an Indonesian list: "a, b dan c"."""
    return " dan ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def rentang(lo: float, hi: float) -> str:
    """A scale or range as a spec writes it: (0, 100) → "0–100"; (1, 4) → "1–4"."""
    return f"{ringkas(lo)}–{ringkas(hi)}"


def bertanda(x: float | None, decimals: int = 2) -> str:
    """A number that may be negative, with a true minus sign: −20,3; 4,1; "–" for none."""
    if _missing(x):
        return MISSING
    text = angka(abs(x), decimals)
    return f"−{text}" if sign_at(x, decimals) < 0 else text


def selang(lo: float | None, hi: float | None, decimals: int = 1) -> str:
    """An interval: "64,7–68,2", or "−20,3 s.d. −12,5" where a dash would read as a minus."""
    if _missing(lo) or _missing(hi):
        return MISSING
    joined = " s.d. " if min(lo, hi) < 0 else "–"
    return f"{bertanda(lo, decimals)}{joined}{bertanda(hi, decimals)}"


def persen(x: float | None, decimals: int = 1) -> str:
    """99.477 → "99,5 %"."""
    return MISSING if _missing(x) else f"{angka(x, decimals)} %"


def selisih(x: float | None, decimals: int = 2) -> str:
    """A change with its sign: +0,12 / −0,05 / 0,00."""
    if _missing(x):
        return MISSING
    sign = sign_at(x, decimals)
    return ("+" if sign > 0 else "−") + angka(abs(x), decimals) if sign else angka(0.0, decimals)


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip


def tanggal(when: datetime) -> str:
    """A date as Indonesian prose writes it: 2026-12-07 → "7 Desember 2026"."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def waktu(when: datetime) -> str:
    """A moment as Indonesian prose writes it, with its zone: "8 Desember 2026 pukul 00.21 UTC"."""
    zone = when.tzname() or ""
    return f"{tanggal(when)} pukul {when.hour:02d}.{when.minute:02d}" + (f" {zone}" if zone else "")


def esc(text: object) -> str:
    """Text from data, escaped for HTML."""
    return html.escape(str(text), quote=True)


def band_colors(labels: list[str]) -> dict[str, str]:
    """A colour for each band label, low to high."""
    palette = _RDYLBU.get(len(labels)) or _RDYLBU[5]
    return dict(zip(labels, palette, strict=False))
