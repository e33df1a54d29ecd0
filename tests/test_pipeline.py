"""The whole year on the synthetic sample, checked against a second, independent computation."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bnn_lib
from bnn_lib import cli
from bnn_lib.intake import DataError
from bnn_lib.pipeline import compute_year
from bnn_lib.results import Results, load_results
from bnn_lib.sample import write_sample


def ikotan_by_formula(respondents: pd.DataFrame, answers: pd.DataFrame, spec, code: str) -> float:
    """IKOTAN of one kab/kota written straight from docs/methodology.md §2.3 with plain groupbys."""
    items = pd.DataFrame(spec.items_table()).set_index("item_id")
    people = respondents[respondents["kabkota_code"] == code]
    a = answers[answers["respondent_id"].isin(people["respondent_id"])].merge(people, on="respondent_id")
    a = a[a["value"].notna() & ~a["value"].isin(spec.scale.missing_codes)].copy()
    a["indicator"] = a["item_id"].map(items["indicator_id"])
    a["v"] = np.where(a["item_id"].map(items["reverse"]).astype(bool), 5 - a["value"], a["value"])
    n_items = items.groupby("indicator_id").size()
    s = a.groupby(["respondent_id", "group", "indicator"])["v"].agg(["mean", "count"]).reset_index()
    s = s[s["count"] >= 0.5 * s["indicator"].map(n_items)]
    asked = {i.id: set(i.groups) for i in spec.indicators}
    s = s[[g in asked[i] for g, i in zip(s["group"], s["indicator"], strict=True)]]
    s_kui = s.groupby(["group", "indicator"])["mean"].mean()  # S_{k,u,i}
    s_ki = s_kui.groupby(level="indicator").mean()  # S_{k,i}, equal weight per unit
    variables = [np.mean([s_ki[i.id] for i in v.indicators]) for v in spec.variables]
    return float(np.mean(variables))


def test_ikotan_matches_the_formula_written_out(sample_dir, results_2024, ikotan_spec):
    folder = f"{sample_dir}/2024"
    respondents = pd.read_parquet(f"{folder}/ikotan_respondents_synthetic.parquet")
    answers = pd.read_parquet(f"{folder}/ikotan_answers_synthetic.parquet")
    table = results_2024.table("ikotan_kabkota").set_index("kabkota_code")
    for code in table.index[[0, 57, 131, -1]]:
        assert table.loc[code, "value"] == pytest.approx(ikotan_by_formula(respondents, answers, ikotan_spec, code))


def test_sample_covers_every_province(results_2024):
    kabkota = results_2024.table("ikotan_kabkota")
    assert 200 <= len(kabkota) <= 220
    assert kabkota["province_code"].nunique() == 38
    assert (kabkota["n_respondents"] == 180).all()
    assert kabkota["spec_id"].eq("ikotan-dayamas-2022").all()  # the spec in force in 2024


def test_rollups_agree_with_the_kabkota_table(results_2024):
    kabkota = results_2024.table("ikotan_kabkota")
    regions = results_2024.table("ikotan_regions").set_index("region_code")
    assert regions.loc["00", "value"] == pytest.approx(kabkota["value"].mean())
    aceh = kabkota[kabkota["province_code"] == "11"]
    assert regions.loc["11", "value_100"] == pytest.approx(aceh["value_100"].mean())
    assert regions.loc["11", "n_measured"] == len(aceh)
    assert regions.loc["11", "n_kabkota"] == 23
    tanggap_or_above = kabkota["band"].isin(["Tanggap", "Sangat Tanggap"]).sum()
    assert regions.loc["00", "n_success"] == tanggap_or_above
    counts = kabkota["band"].value_counts()
    for label in ["Cukup Tanggap", "Tanggap", "Sangat Tanggap"]:  # equal-interval classes in 2024
        assert regions.loc["00", f"n_{label}"] == counts.get(label, 0)


def test_kpi_capaian_is_realisasi_over_target(results_2024):
    kpi = results_2024.table("kpi").set_index(["region_code", "measure"])
    national = results_2024.table("ikotan_regions").set_index("region_code").loc["00"]
    row = kpi.loc[("00", "ikotan_n_tanggap")]
    assert row["realisasi"] == national["n_success"]
    assert row["capaian_pct"] == pytest.approx(100 * national["n_success"] / row["target"])


def test_ikp_is_the_mean_of_its_environments(results_2024):
    envs = results_2024.table("ikp_environments")
    kabkota = results_2024.table("ikp_kabkota").set_index("kabkota_code")
    assert set(envs["group"]) == {"pemerintah", "swasta", "pendidikan", "masyarakat"}
    by_hand = envs.groupby("kabkota_code")["value"].mean()
    assert np.allclose(kabkota.loc[by_hand.index, "value"], by_hand)


def test_kawasan_recovery_from_the_raw_rows(sample_dir, results_2024):
    raw = pd.read_csv(f"{sample_dir}/2024/kawasan_assessments_synthetic.csv", dtype={"kabkota_code": str})
    recovery = results_2024.table("ikkrn_recovery").set_index("kawasan_id")
    pokok = [
        "kasus_narkoba",
        "kriminalitas",
        "bandar_pengedar",
        "produksi",
        "pengguna",
        "barang_bukti",
        "entry_point",
        "kurir",
    ]
    pendukung = [
        "tempat_hiburan",
        "hunian_privasi_tinggi",
        "kemiskinan",
        "ketiadaan_sarana_publik",
        "interaksi_sosial_rendah",
    ]

    def status(row) -> str:  # the §7.2 table, written out
        p, s = row[pokok].sum(), row[pendukung].sum()
        return "bahaya" if p >= 5 and s >= 4 else "waspada" if p >= 3 else "siaga" if p >= 1 else "aman"

    for kawasan_id in recovery.index[:15]:
        rows = raw[raw["kawasan_id"] == kawasan_id].set_index("phase")
        before, after = status(rows.loc["before"]), status(rows.loc["after"])
        assert recovery.loc[kawasan_id, "status_before"] == before
        assert recovery.loc[kawasan_id, "status_after"] == after
        assert recovery.loc[kawasan_id, "pulih"] == (before in ("bahaya", "waspada") and after in ("siaga", "aman"))
    national = results_2024.table("ikkrn_regions").set_index("region_code").loc["00"]
    assert 60 <= national["n_intervened"] <= 80
    assert national["recovery_rate"] == pytest.approx(100 * recovery["pulih"].mean())
    assert national["n_rawan"] == national["bahaya"] + national["waspada"]
    outputs = results_2024.table("outputs")
    assert outputs["kawasan_intervened"].sum() == national["n_intervened"]


def test_ikktt_normalisation_of_one_kawasan(sample_dir, results_2024):
    raw = pd.read_csv(f"{sample_dir}/2024/ikktt_areas_synthetic.csv", dtype={"kabkota_code": str})
    row = raw[raw["phase"] == "after"].iloc[0]

    # goalposts of the placeholder spec: ha 0–20 (−), points 0–30 (−), legal ha 0–100, % 0–100,
    # perception 1–4, % 0–100, programmes 0–10, market 1–4
    def up(x, a, b):
        return min(max((x - a) / (b - a), 0), 1)

    dims = [
        (1 - up(row.ladang_ganja_ha, 0, 20) + 1 - up(row.titik_ganja, 0, 30)) / 2,
        (up(row.lahan_legal_ha, 0, 100) + up(row.eks_petani_ganja_pct, 0, 100)) / 2,
        (up(row.persepsi, 1, 4) + up(row.partisipasi_kelompok_pct, 0, 100)) / 2,
        (up(row.program_pemangku, 0, 10) + up(row.akses_pasar, 1, 4)) / 2,
    ]
    scores = results_2024.table("ikktt_scores").set_index(["kawasan_id", "phase"])
    assert scores.loc[(row.kawasan_id, "after"), "value_100"] == pytest.approx(100 * np.mean(dims))
    assert set(results_2024.table("ikktt_scores")["province_code"]) == {"11"}


def test_three_lines_in_a_notebook(sample_dir):
    results = bnn_lib.compute_year(2024, sample_dir)
    aceh = results.table("ikotan_kabkota", province="Aceh")
    assert set(aceh["province_code"]) == {"11"} and aceh["band"].notna().all()


def test_save_and_load_round_trip(results_2024, tmp_path):
    folder = results_2024.save(tmp_path / "2024" / "results")
    loaded = load_results(2024, folder)
    pd.testing.assert_frame_equal(loaded.table("ikotan_kabkota"), results_2024.table("ikotan_kabkota"))
    assert loaded.specs["ikotan"].id == "ikotan-dayamas-2022"


def test_a_failed_save_leaves_the_previous_results(results_2024, tmp_path, monkeypatch):
    folder = results_2024.save(tmp_path / "results")
    before = sorted(p.name for p in folder.iterdir())
    calls = {"n": 0}
    original = pd.DataFrame.to_parquet

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    with pytest.raises(OSError):
        Results(2024, results_2024.tables, results_2024.specs).save(folder)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["results"]  # no staging folder left


def test_the_generator_is_deterministic(sample_dir, tmp_path):
    again = write_sample(tmp_path / "again")
    for name in (
        "2022/ikotan_answers_synthetic.parquet",  # the calibrated year
        "2023/ikotan_answers_synthetic.parquet",
        "2024/kawasan_assessments_synthetic.csv",
    ):
        reader = pd.read_parquet if name.endswith("parquet") else pd.read_csv
        pd.testing.assert_frame_equal(reader(f"{sample_dir}/{name}"), reader(again / name))


def test_bad_files_in_several_tables_are_reported_together(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    targets = pd.read_csv(data / "2024" / "targets_synthetic.csv", dtype={"region_code": str})
    targets.loc[4, "region_code"] = "77"
    targets.to_csv(data / "2024" / "targets_synthetic.csv", index=False)
    kawasan = pd.read_csv(data / "2024" / "kawasan_assessments_synthetic.csv", dtype={"kabkota_code": str, "year": str})
    kawasan.loc[9, "year"] = "dua ribu"
    kawasan.to_csv(data / "2024" / "kawasan_assessments_synthetic.csv", index=False)
    with pytest.raises(DataError) as info:
        compute_year(2024, data)
    message = str(info.value)
    assert "targets_synthetic.csv: baris 6, kolom B 'region_code'" in message and "'77'" in message
    assert "kawasan_assessments_synthetic.csv: baris 11, kolom C 'year'" in message and "'dua ribu'" in message


def test_cli_keeps_previous_results_when_input_is_bad(sample_dir, tmp_path, capsys):
    out = tmp_path / "reports"
    assert cli.main(["compute", "--year", "2024", "--data", sample_dir, "--out", str(out)]) == 0
    saved = (out / "2024" / "results" / "ikotan_kabkota.csv").read_bytes()
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    (data / "2024" / "targets_synthetic.csv").write_text("measure,region_code,year,target\nikotan,00,2024,-1\n")
    assert cli.main(["compute", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    assert (
        "2024/targets_synthetic.csv: baris 2, kolom D 'target': harus angka > 0 (nilai -1)" in capsys.readouterr().err
    )
    assert (out / "2024" / "results" / "ikotan_kabkota.csv").read_bytes() == saved


def test_cli_uses_a_copied_spec(sample_dir, tmp_path, ikotan_spec):
    copy = tmp_path / "ikotan-geo.toml"
    copy.write_text(
        Path(ikotan_spec.path)
        .read_text()
        .replace('method = "arithmetic"', 'method = "geometric"')
        .replace('id = "ikotan-juknis-2021"', 'id = "ikotan-geo"')
    )
    out = tmp_path / "reports"
    assert (
        cli.main(["compute", "--year", "2024", "--data", sample_dir, "--out", str(out), "--spec", f"ikotan={copy}"])
        == 0
    )
    table = pd.read_parquet(out / "2024" / "results" / "ikotan_kabkota.parquet")
    assert set(table["spec_id"]) == {"ikotan-geo"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("ikotan", "'ikotan': tulis INDEKS=SPEC"),
        ("ikotn=ikotan-juknis-2021", "tidak ada indeks 'ikotn'; indeksnya:"),
    ],
)
def test_cli_refuses_a_malformed_spec_before_computing(sample_dir, tmp_path, capsys, spec, message):
    out = tmp_path / "reports"
    assert cli.main(["compute", "--year", "2024", "--data", sample_dir, "--out", str(out), "--spec", spec]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_kabkota_target_gets_its_capaian(sample_dir, tmp_path):
    """A target may be set for one kab/kota (by its code); its realisasi is the kab/kota's own."""
    data = tmp_path / "data"
    shutil.copytree(Path(sample_dir) / "2024", data / "2024")
    targets = data / "2024" / "targets_synthetic.csv"
    with targets.open("a", encoding="utf-8") as f:
        f.write("penggiat_formed,11.06,2024,200\nikotan,11.06,2024,3.5\n")
    results = compute_year(2024, data)
    kpi = results.table("kpi").set_index(["region_code", "measure"])
    # The realisasi as the office typed it, read here with pandas alone.
    typed = pd.read_excel(data / "2024" / "program_outputs_synthetic.xlsx", engine="openpyxl")
    formed = typed.loc[typed["kabkota_code"].astype(str) == "11.06", "penggiat_formed"].sum()
    row = kpi.loc[("11.06", "penggiat_formed")]
    assert (row["realisasi"], row["target"]) == (formed, 200)
    assert row["capaian_pct"] == pytest.approx(100 * formed / 200)
    ikotan = results.table("ikotan_kabkota").set_index("kabkota_code").loc["11.06", "value"]
    assert kpi.loc[("11.06", "ikotan"), "capaian_pct"] == pytest.approx(100 * ikotan / 3.5)
    assert ("11.06", "ikotan_n_tanggap") not in kpi.index  # a count of kab/kota is not a kab/kota's


def test_an_impossible_kabkota_target_is_refused(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(Path(sample_dir) / "2024", data / "2024")
    with (data / "2024" / "targets_synthetic.csv").open("a", encoding="utf-8") as f:
        f.write("kawasan_intervened,11.06,2024,5000\n")  # more kawasan than one kab/kota could hold
        f.write("ikotan_n_tanggap,11.06,2024,1\n")  # a count of kab/kota, set for one of them
    with pytest.raises(DataError) as caught:
        compute_year(2024, data)
    lines = str(caught.value)
    rows = len((data / "2024" / "targets_synthetic.csv").read_text().splitlines())
    assert f"baris {rows - 1}, kolom D 'target': tidak mungkin: lebih dari 2.000 kawasan di satu kab/kota" in lines
    assert "(nilai 5000)" in lines
    assert f"baris {rows}, kolom B 'region_code'" in lines and "bukan satu kab/kota" in lines
