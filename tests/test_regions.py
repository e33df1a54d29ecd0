"""The region registry: counts, code format and tolerant look-ups."""

from __future__ import annotations

import pandas as pd
import pytest

from bnn_lib.regions import REGIONS_DIR, UnknownRegionError, regions


def test_counts_and_codes():
    registry = regions()
    assert len(registry.province_table) == 38
    kabkota = registry.kabkota_table
    assert len(kabkota) == 514
    assert (kabkota["type"] == "kabupaten").sum() == 416
    assert (kabkota["type"] == "kota").sum() == 98
    assert kabkota["code"].str.fullmatch(r"\d{2}\.\d{2}").all()
    assert (kabkota["code"].str[:2] == kabkota["province_code"]).all()
    assert set(kabkota["province_code"]) == set(registry.province_table["code"])


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("11", "11"),
        ("11.01", "11.01"),
        ("Kab. Aceh Selatan", "11.01"),
        ("kabupaten  aceh selatan", "11.01"),
        ("KAB ACEH SELATAN", "11.01"),
        ("Aceh Besar", "11.06"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Kota Administrasi Jakarta Pusat", "31.71"),
        ("Kota Jakarta Pusat", "31.71"),
        ("Kab. Adm. Kepulauan Seribu", "31.01"),
        ("DKI Jakarta", "31"),
        ("DIY", "34"),
        ("Provinsi Jawa Barat", "32"),
        ("Kota Banda Aceh", "11.71"),
    ],
)
def test_lookup_variants(key, code):
    assert regions().get(key).code == code


def test_province_and_kabkota_lookups():
    registry = regions()
    assert registry.province("Gorontalo").code == "75"
    assert registry.kabkota("Kota Gorontalo").code == "75.71"
    aceh = registry.kabkota_of("Aceh")
    assert len(aceh) == 23 and aceh["code"].iloc[0] == "11.01"
    assert registry.label("11.71") == "Kota Banda Aceh"
    assert registry.label("11.01") == "Kab. Aceh Selatan"


def test_ambiguous_name_lists_the_candidates():
    with pytest.raises(UnknownRegionError, match=r"ambiguous: Kab\. Bekasi \(32\.16\), Kota Bekasi \(32\.75\)"):
        regions().get("Bekasi")


def test_unknown_name_suggests_closest():
    with pytest.raises(UnknownRegionError, match=r"did you mean Kab\. Aceh Besar \(11\.06\)"):
        regions().get("Acehh Besarr")


def test_unknown_code_suggests_neighbours():
    with pytest.raises(UnknownRegionError, match=r"unknown region code '11\.99'; nearest codes in province 11"):
        regions().get("11.99")


def test_province_lookup_refuses_a_kabkota():
    with pytest.raises(UnknownRegionError):
        regions().province("11.01")


def test_every_province_resolves_by_code_official_name_and_alias():
    registry = regions()
    aliases = pd.read_csv(REGIONS_DIR / "province_aliases.csv", dtype=str)
    for row in registry.province_table.itertuples():
        for key in (row.code, row.name, row.name.upper(), f"Provinsi {row.name}"):
            assert registry.province(key).code == row.code, key
    for row in aliases.itertuples():
        assert registry.province(row.alias).code == row.code, row.alias
