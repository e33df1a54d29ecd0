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
    with pytest.raises(UnknownRegionError, match=r"beberapa wilayah: Kab\. Bekasi \(32\.16\), Kota Bekasi \(32\.75\)"):
        regions().get("Bekasi")


def test_unknown_name_suggests_closest():
    with pytest.raises(UnknownRegionError, match=r"mungkin maksudnya Kab\. Aceh Besar \(11\.06\)"):
        regions().get("Acehh Besarr")


def test_unknown_code_suggests_neighbours():
    with pytest.raises(UnknownRegionError, match=r"kode wilayah '11\.99' tidak dikenal; kode terdekat di provinsi 11"):
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


# -- codes before Papua's 2022 split -------------------------------------------------------------------------

# Before 2022, Kemendagri coded Papua's 28 kabupaten 91.01–91.28 and Kota Jayapura 91.71, and
# Papua Barat's 12 kabupaten 92.01–92.12 and Kota Sorong 92.71. The kab/kota of the four new
# provinces (UU 14, 15, 16 and 29 of 2022) left those codes.
OLD_PAPUA = [f"91.{i:02d}" for i in range(1, 29)] + ["91.71"] + [f"92.{i:02d}" for i in range(1, 13)] + ["92.71"]
NEW_PROVINCES = {"93": 4, "94": 8, "95": 8, "96": 6}  # Papua Selatan, Tengah, Pegunungan, Barat Daya


def history() -> pd.DataFrame:
    return pd.read_csv(REGIONS_DIR / "code_history.csv", dtype=str)


def test_every_kabkota_of_the_new_papua_provinces_has_its_old_code():
    registry = regions()
    changes = history()
    moved = registry.kabkota_table[registry.kabkota_table["province_code"].isin(list(NEW_PROVINCES))]
    assert moved.groupby("province_code").size().to_dict() == NEW_PROVINCES
    assert sorted(changes["new_code"]) == sorted(moved["code"])
    # The old codes are exactly the pre-2022 codes of Papua and Papua Barat that the registry no longer has.
    gone = [c for c in OLD_PAPUA if c not in set(registry.kabkota_table["code"])]
    assert sorted(changes["old_code"]) == gone
    for row in changes.itertuples():
        assert registry.kabkota(row.new_code).name == row.name
        assert registry.former(row.old_code).new_code == row.new_code
        assert row.since_year == "2022"


def test_the_new_codes_keep_the_order_of_the_old_ones_within_each_province():
    changes = history().assign(province=lambda f: f["new_code"].str[:2])
    for _, rows in changes.groupby("province"):
        assert rows.sort_values("new_code")["old_code"].is_monotonic_increasing


def test_an_old_code_names_what_it_became():
    with pytest.raises(
        UnknownRegionError, match=r"'91\.01' adalah kode sebelum 2022 .*; sekarang 93\.01 Kab\. Merauke"
    ):
        regions().get("91.01")
    assert regions().former("91.03") is None  # Kab. Jayapura kept its code
