"""The names the index's search box finds each row by, and the province aliases behind them, checked
against the region registry's files read here as plain CSV (no browser needed; the matching
itself is tested in Chromium by ``test_browser.py``)."""

from __future__ import annotations

import csv
import re

from bnn_lib.paths import SHIPPED
from bnn_lib.regions import regions
from bnn_lib.reporting.index_page import search_terms

REGIONS = SHIPPED / "regions"


def _registry(name: str) -> list[dict[str, str]]:
    """The rows of one of the region registry's files."""
    with (REGIONS / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _plain(name: str) -> str:
    """A name in lower case with punctuation and runs of spaces made single spaces."""
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name.lower()).split())


def test_every_alias_names_its_province_and_the_provinces_kabkota():
    kabkota = _registry("kabkota.csv")
    for row in _registry("province_aliases.csv"):
        assert f"provinsi {_plain(row['alias'])}" in search_terms(row["code"]).split(" | "), row
        for place in (k["code"] for k in kabkota if k["province_code"] == row["code"]):
            assert _plain(row["alias"]) in search_terms(place).split(" | "), (row, place)


def test_a_kabkota_row_is_named_with_its_type_spelled_out_and_not_the_other_type():
    named = {row["name"]: row["code"] for row in _registry("kabkota.csv")}
    kab, kota = search_terms(named["Kabupaten Bogor"]), search_terms(named["Kota Bogor"])
    assert kab.startswith("kabupaten bogor | ") and "kota bogor" not in kab
    assert kota.startswith("kota bogor | ") and "kabupaten bogor" not in kota
    seribu = search_terms(named["Kabupaten Administrasi Kepulauan Seribu"]).split(" | ")
    assert seribu[:2] == ["kabupaten kepulauan seribu", "kabupaten administrasi kepulauan seribu"]


def test_the_registry_gives_each_province_the_aliases_of_the_file_in_its_order_and_a_kabkota_none():
    aliases = _registry("province_aliases.csv")
    for province in _registry("provinces.csv"):
        assert regions().aliases(province["code"]) == [r["alias"] for r in aliases if r["code"] == province["code"]]
    assert regions().aliases("32.01") == []
