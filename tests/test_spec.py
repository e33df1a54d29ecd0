"""Specs: the shipped ones load; invalid ones are refused naming the file and field."""

from __future__ import annotations

import copy
import shutil

import pytest
from conftest import TINY

from bnn_lib.inputs import outside_years
from bnn_lib.spec import SpecError, list_specs, load_spec, modify, parse_spec


def test_shipped_specs_load_and_mark_provenance():
    assert set(list_specs()) >= {
        "ikotan-juknis-2021",
        "ikp-placeholder-2024",
        "ikkrn-dayatif-2024",
        "ikktt-placeholder-2024",
        "p4gn-stis-2020",
    }
    for name in list_specs():
        spec = load_spec(name)
        for path, element in spec.elements():
            assert element.provenance in ("documented", "inferred", "assumed"), path
            if element.provenance == "documented":
                assert element.source, path


def test_provenance_agrees_with_the_methodology():
    # docs/methodology.md labels an element by the weakest of what it states: an element whose
    # note says part of it is inferred ("disimpulkan") or assumed ("diasumsikan") is not
    # documented, and an inferred one gives its argument.
    for name in list_specs():
        for path, element in load_spec(name).elements():
            words = (element.note or "").lower()
            if element.provenance == "documented":
                assert "disimpulkan" not in words and "diasumsikan" not in words, (name, path)
            if element.provenance == "inferred":
                assert "disimpulkan" in words, (name, path)
    # The two rules the methodology calls inferred (§2.2 item 3, §4.2 item 2), and the status
    # rule whose waspada and siaga thresholds are assumed (§7.2).
    assert load_spec("ikotan-dayamas-2022").bands.provenance == "inferred"
    assert load_spec("ikkrn-dayatif-2024").recovery.provenance == "inferred"
    assert load_spec("ikkrn-dayatif-2024").status_rule.provenance == "assumed"


def test_ikotan_structure_matches_the_documentation():
    spec = load_spec("ikotan-juknis-2021")
    assert [v.name for v in spec.variables] == [
        "Ketahanan Keluarga",
        "Ketahanan Masyarakat",
        "Kewilayahan",
        "Kelembagaan",
        "Hukum",
    ]
    assert len(spec.indicators) == 17
    assert {g for i in spec.variables[0].indicators for g in i.groups} == {"keluarga"}
    assert spec.bands.mode == "fixed" and spec.bands.provenance == "documented"
    assert spec.weighting.provenance == "assumed"


def bad(**edit) -> str:
    raw = copy.deepcopy(TINY)
    for path, value in edit.items():
        target = raw
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    with pytest.raises(SpecError) as info:
        parse_spec(raw, "copy.toml")
    return str(info.value)


def test_band_gap_is_refused():
    bands = copy.deepcopy(TINY["bands"]["fixed"])
    bands[2]["lower"] = 50.5
    message = bad(bands__fixed=bands)
    assert "copy.toml" in message and "bands" in message and "gap between band 'Cukup Tanggap'" in message


def test_band_overlap_is_refused():
    bands = copy.deepcopy(TINY["bands"]["fixed"])
    bands[1]["lower"] = 24.0
    assert "overlap between band 'Tidak Tanggap'" in bad(bands__fixed=bands)


def test_indicator_without_items_is_refused():
    message = bad(variables__1__indicators__0__items=[])
    assert "copy.toml" in message and "variables[1].indicators[0] (I2): has no items" in message


def test_unknown_respondent_group_is_refused():
    message = bad(variables__0__indicators__0__groups=["a", "polisi"])
    assert "variables[0].indicators[0] (I1).groups: unknown respondent group(s) ['polisi']" in message


def test_negative_weight_is_refused():
    message = bad(variables__0__weight=-1.0)
    assert "variables[0].weight = -1.0: harus ≥ 0" in message


def test_documented_without_source_is_refused():
    assert "scale: " in bad(scale__provenance="documented") and "needs a 'source'" in bad(
        scale__provenance="documented"
    )


def test_unknown_field_is_refused():
    assert "aggregation.methd" in bad(aggregation__methd="geometric")


def test_a_copied_spec_with_a_changed_weight_loads_from_its_path(tmp_path):
    copy_path = tmp_path / "ikotan-eksperimen.toml"
    shutil.copy(load_spec("ikotan-juknis-2021").path, copy_path)
    text = copy_path.read_text().replace(
        'id = "ketahanan_keluarga"\nname = "Ketahanan Keluarga"\nweight = 1.0',
        'id = "ketahanan_keluarga"\nname = "Ketahanan Keluarga"\nweight = 2.0',
    )
    copy_path.write_text(text)
    spec = load_spec(copy_path)
    assert spec.variables[0].weight == 2.0
    assert spec.path == str(copy_path)


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("id = \n")
    with pytest.raises(SpecError, match=r"broken\.toml: bukan TOML yang sah"):
        load_spec(path)


def test_unknown_spec_id_lists_the_shipped_ones():
    with pytest.raises(SpecError, match="ikotan-juknis-2021"):
        load_spec("ikotan-2099")


def test_each_kind_of_index_has_its_headline_scale_and_a_kawasan_index_keeps_its_own():
    # A survey index on the scale it is computed on (1–4, as BNN publishes it), a kawasan index
    # on 0–100, where its recovery threshold lies; a spec may choose, but a kawasan index's scores
    # exist on 0–100 only.
    assert (load_spec("ikotan-dayamas-2022").shows_score, load_spec("ikotan-dayamas-2022").headline_decimals) == (
        True,
        2,
    )
    assert (load_spec("ikkrn-dayatif-2024").shows_score, load_spec("ikkrn-dayatif-2024").headline_decimals) == (
        False,
        1,
    )
    reporting = {"headline_scale": "score", "provenance": "assumed", "note": "Uji."}
    with pytest.raises(SpecError, match=r"reporting\.headline_scale = 'score': indeks kawasan"):
        modify(load_spec("ikkrn-dayatif-2024"), {"reporting": reporting})
    shown = modify(load_spec("ikp-placeholder-2024"), {"reporting": {**reporting, "headline_scale": "rescaled"}})
    assert (shown.shows_score, shown.headline_decimals) == (False, 2)  # the kind's decimals where none are set


def test_a_spec_used_outside_its_years_is_said():
    juknis, dayamas = load_spec("ikotan-juknis-2021"), load_spec("ikotan-dayamas-2022")  # through 2021; 2022 on
    [said] = outside_years({"ikotan": juknis}, 2024)
    assert said.value == 2024 and said.message.startswith("spesifikasi ikotan-juknis-2021 berlaku sampai 2021,")
    assert outside_years({"ikotan": juknis}, 2021) == [] and outside_years({"ikotan": dayamas}, 2024) == []
    [said] = outside_years({"ikotan": dayamas}, 2021)
    assert "berlaku 2022 dan sesudahnya" in said.message
