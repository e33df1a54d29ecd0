"""``bnn compare`` and :func:`bnn_lib.scenarios.compare`: the page's counts against two separate
``bnn compute`` runs, the engine on a table worked out by hand, the differences of two specs, and
a refused command line."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from bnn_lib import cli
from bnn_lib.scenarios import compare, differences
from bnn_lib.spec import load_spec, modify, write_spec

FAST = ["--replicates", "0", "--samples", "0"]  # no bootstrap, no Monte Carlo: the values only


def _section(page: str, heading: str) -> str:
    """The HTML of the page between ``heading`` (an h2's text) and the next h2."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def _first_cells(fragment: str) -> list[str]:
    """The text of the first cell of each body row of the tables in ``fragment``."""
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<tr><td[^>]*>(.*?)</td>", fragment)]


def test_the_page_counts_what_two_compute_runs_give(sample_dir, tmp_path):
    """The kab/kota that change band and those that change rank, as the page prints them, are
    those found with plain pandas in the kab/kota tables of two ``bnn compute`` runs."""
    base = load_spec("ikotan-dayamas-2022")  # in force in 2024
    variant = write_spec(modify(base, {"variables.ketahanan_keluarga.weight": 3.0}), tmp_path / "varian.toml")
    common = ["--year", "2024", "--data", sample_dir, *FAST]
    assert cli.main(["compute", *common, "--out", str(tmp_path / "a")]) == 0
    assert cli.main(["compute", *common, "--spec", f"ikotan={variant}", "--out", str(tmp_path / "b")]) == 0
    a, b = (
        pd.read_parquet(tmp_path / side / "2024" / "results" / "ikotan_kabkota.parquet").set_index("kabkota_code")
        for side in ("a", "b")
    )
    b = b.loc[a.index]
    changed = a.index[a["band"].astype(str) != b["band"].astype(str)]
    moved = (a["rank_national"] != b["rank_national"]).sum()
    assert len(changed) >= 3, "the variant must move several kab/kota for the test to say anything"

    assert cli.main(["compare", *common, "--variant", f"ikotan={variant}", "--out", str(tmp_path / "c")]) == 0
    page = (tmp_path / "c" / "perbandingan-2024.html").read_text(encoding="utf-8")
    bands = _section(page, "Kab/kota yang berpindah kategori")
    assert re.search(rf"<b>{len(changed)}</b> dari {len(a)} kab/kota", bands)
    assert sorted(_first_cells(bands)) == sorted(a.loc[changed, "kabkota"])
    assert f"{moved} dari {len(a)} kab/kota berganti peringkat" in _section(page, "Pergeseran peringkat")
    assert "bobot variabel “Ketahanan Keluarga” (1 pada dasar, 3 pada varian)" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and 'src="data:image/png;base64,' in page


def _table(values_100: dict[str, float], bands: dict[str, str]) -> pd.DataFrame:
    """A kab/kota result table of the codes given, on the 1–4 scale of IKOTAN and its 0–100 one."""
    codes = list(values_100)
    value_100 = pd.Series(values_100).to_numpy()
    return pd.DataFrame(
        {
            "kabkota_code": codes,
            "kabkota": [f"K{c}" for c in codes],
            "province_code": [c[:2] for c in codes],
            "value": 1 + value_100 * 3 / 100,
            "value_100": value_100,
            "band": [bands[c] for c in codes],
            "n_respondents": 100,
        }
    )


def test_compare_by_hand():
    """Four kab/kota of two provinces; the fixed Juknis 2021 bands (Tanggap 50,01–75,00, Sangat
    Tanggap from 75,01), shown on the 1–4 scale (value = 1 + 3 × value_100 / 100)."""
    spec = load_spec("ikotan-juknis-2021")
    base = _table(
        {"11.06": 80.0, "11.09": 60.0, "12.01": 40.0, "12.02": 70.0},
        {"11.06": "Sangat Tanggap", "11.09": "Tanggap", "12.01": "Cukup Tanggap", "12.02": "Tanggap"},
    )
    variant = _table(
        {"11.06": 55.0, "11.09": 76.0, "12.01": 40.0, "12.02": 70.0},
        {"11.06": "Tanggap", "11.09": "Sangat Tanggap", "12.01": "Cukup Tanggap", "12.02": "Tanggap"},
    )
    result = compare(base, variant, spec, modify(spec, {"variables.ketahanan_keluarga.weight": 2.0}), 2024)
    kabkota = result.kabkota.set_index("kabkota_code")
    # Base ranks: 11.06 1, 12.02 2, 11.09 3, 12.01 4; variant: 11.09 1, 12.02 2, 11.06 3, 12.01 4.
    assert list(result.kabkota["kabkota_code"]) == ["11.06", "12.02", "11.09", "12.01"]
    assert kabkota["rank_shift"].to_dict() == {"11.06": -2, "12.02": 0, "11.09": 2, "12.01": 0}
    assert kabkota.loc[kabkota["band_changed"]].index.tolist() == ["11.06", "11.09"]
    assert kabkota.loc["11.06", "value_base"] == pytest.approx(3.4)  # 1 + 3 × 0,80
    provinces = result.provinces.set_index("region_code")
    # Aceh: (80 + 60) / 2 = 70 → 3,10; (55 + 76) / 2 = 65,5 → 2,965; change −0,135, first by |change|.
    assert list(result.provinces["region_code"]) == ["11", "12"]
    assert provinces.loc["11", "value_base"] == pytest.approx(3.10)
    assert provinces.loc["11", "value_variant"] == pytest.approx(2.965)
    assert provinces.loc["11", "change"] == pytest.approx(-0.135)
    assert provinces.loc["11", ["n_measured", "n_band_changed"]].tolist() == [2, 2]
    assert provinces.loc["12", ["change", "n_band_changed"]].tolist() == [pytest.approx(0.0), 0]
    # Nation: 62,5 → 2,875 and 60,25 → 2,8075.
    assert result.national["value_base"] == pytest.approx(2.875)
    assert result.national["value_variant"] == pytest.approx(2.8075)
    assert result.shifts[["n_band_changed", "n_moved", "median_shift", "max_up", "max_down"]].tolist() == [
        2,
        2,
        1.0,
        2.0,
        2.0,
    ]
    assert result.shift_histogram["n"].sum() == 4
    targets = pd.DataFrame({"measure": ["ikotan"], "region_code": ["00"], "year": [2024], "target": [2.5]})
    national = compare(base, variant, spec, spec, 2024, targets=targets).national
    assert national["capaian_base"] == pytest.approx(100 * 2.875 / 2.5)
    assert national["capaian_variant"] == pytest.approx(100 * 2.8075 / 2.5)


def test_one_weight_changed_is_one_difference():
    spec = load_spec("ikotan-dayamas-2022")
    changed = modify(spec, {"variables.ketahanan_keluarga.weight": 2.0}, id="varian")
    found = differences(spec, changed)
    assert found.to_dict("records") == [{"field": "variables.ketahanan_keluarga.weight", "base": 1.0, "variant": 2.0}]
    assert differences(spec, spec).empty
    # Shown at three decimals, or on 0–100: the index computes the same numbers.
    shown = modify(spec, {"reporting.headline_decimals": 3, "reporting.headline_scale": "rescaled"}, id="lain")
    assert differences(spec, shown).empty


def test_a_variant_of_another_index_is_refused_in_one_line(sample_dir, tmp_path, capsys):
    argv = ["compare", "--year", "2024", "--data", sample_dir, "--out", str(tmp_path), *FAST]
    assert cli.main([*argv, "--variant", "ikotan=ikp-placeholder-2024"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kesalahan: ") and "bukan IKOTAN" in err[0], err
    assert not list(tmp_path.iterdir())  # refused before anything is written


def test_a_kab_kota_measured_on_one_side_only_is_named_and_not_ranked():
    """Five kab/kota in the base, one of them without a value in the variant: the four measured
    on both are ranked 1–4 among themselves, and the fifth is listed as measured on one side."""
    spec = load_spec("ikotan-juknis-2021")
    bands = dict.fromkeys(["11.06", "11.09", "12.01", "12.02", "12.03"], "Tanggap")
    base = _table({"11.06": 70.0, "11.09": 65.0, "12.01": 60.0, "12.02": 55.0, "12.03": 74.0}, bands)
    variant = base.copy()
    variant.loc[variant["kabkota_code"] == "12.03", ["value", "value_100"]] = float("nan")
    result = compare(base, variant, spec, spec, 2024)
    # Without 12.03 (74, first in the base's own ranking), 11.06 is first on both sides.
    assert result.kabkota.set_index("kabkota_code")["rank_base"].to_dict() == {
        "11.06": 1,
        "11.09": 2,
        "12.01": 3,
        "12.02": 4,
    }
    assert (result.kabkota["rank_shift"] == 0).all()
    assert result.one_side.to_dict("records") == [{"kabkota_code": "12.03", "kabkota": "K12.03", "measured": "base"}]


def test_the_rank_shift_histogram_gives_no_move_a_bar_of_its_own():
    """30 kab/kota; the last goes first and the 29 others one rank down: shifts −1 … +29, 31
    ranks, so bins three ranks wide (15 at most, odd), centred on 0: [−1, 1] holds the 29 moves
    of one rank down, [29, 31] the one move up."""
    spec = load_spec("ikotan-juknis-2021")
    codes = [f"11.{i:02d}" for i in range(1, 31)]
    base = _table(dict(zip(codes, range(90, 60, -1), strict=True)), dict.fromkeys(codes, "Tanggap"))
    variant = base.copy()
    variant.loc[variant["kabkota_code"] == "11.30", "value_100"] = 95.0
    variant["value"] = 1 + variant["value_100"] * 3 / 100
    histogram = compare(base, variant, spec, spec, 2024).shift_histogram.set_index("lower")
    assert (histogram["upper"] - histogram.index == 2).all()
    assert histogram.loc[-1, ["upper", "n"]].tolist() == [1, 29]
    assert histogram.loc[29, ["upper", "n"]].tolist() == [31, 1]
    assert histogram["n"].sum() == 30


def test_the_page_tells_a_band_change_within_sampling_uncertainty(sample_dir, tmp_path):
    """With the bootstrap, the page counts the band changes whose base band was already uncertain,
    as the base run's interval table flags them, and marks synthetic data."""
    from bnn_lib.uncertainty import MIN_REPLICATES

    base = load_spec("ikotan-dayamas-2022")
    variant = write_spec(modify(base, {"variables.ketahanan_keluarga.weight": 3.0}), tmp_path / "varian.toml")
    common = ["--year", "2024", "--data", sample_dir, "--replicates", str(MIN_REPLICATES), "--samples", "0"]
    assert cli.main(["compute", *common, "--out", str(tmp_path / "a")]) == 0
    assert cli.main(["compute", *common, "--spec", f"ikotan={variant}", "--out", str(tmp_path / "b")]) == 0
    a, b = (
        pd.read_parquet(tmp_path / side / "2024" / "results" / "ikotan_kabkota.parquet").set_index("kabkota_code")
        for side in ("a", "b")
    )
    intervals = pd.read_parquet(tmp_path / "a" / "2024" / "results" / "ikotan_intervals.parquet")
    uncertain = set(intervals.loc[(intervals["level"] == "kabkota") & intervals["uncertain"], "region_code"])
    changed = set(a.index[a["band"].astype(str) != b.loc[a.index, "band"].astype(str)])
    assert cli.main(["compare", *common, "--variant", f"ikotan={variant}", "--out", str(tmp_path / "c")]) == 0
    page = (tmp_path / "c" / "perbandingan-2024.html").read_text(encoding="utf-8")
    assert "DATA CONTOH SINTETIS" in page
    section = _section(page, "Selang kepercayaan kab/kota yang berpindah kategori")
    said = f"Tetapi {len(changed & uncertain)} dari {len(changed)} kab/kota ini sudah berkategori belum pasti"
    assert said in html.unescape(re.sub(r"<[^>]+>", "", section))
