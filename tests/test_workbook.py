"""The performance workbook (tabel kinerja): its figures against values worked out here from the
input targets and the result tables, numbers stored as numbers, no formula anywhere, hostile text
kept as text, frozen and filtered headers, and an atomic write."""

from __future__ import annotations

import json
import math
import re
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from bnn_lib.analyses import Analyses
from bnn_lib.pipeline import compute_years
from bnn_lib.reporting import workbook

YEAR = 2024
# A small bootstrap: enough for intervals and a change, in a few seconds.
FAST = Analyses(replicates=20, samples=0)
# Text that a spreadsheet would run as a formula if it were stored as one (OWASP, CSV injection).
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)"]
# The indicators of the Kinerja sheet as a Laporan Kinerja words them, by KPI measure.
INDICATORS = {
    "Indeks Kabupaten/Kota Tanggap Ancaman Narkoba (IKOTAN)": "ikotan",
    "Kab/kota kategori Tanggap ke atas (IKOTAN)": "ikotan_n_tanggap",
    "Indeks Kemandirian Partisipasi (IKP)": "ikp",
    "Kawasan rawan narkoba yang pulih (IKKRN)": "ikkrn_pulih",
    "Tingkat keterpulihan kawasan rawan (IKKRN)": "ikkrn_rate",
    "Kawasan tanaman terlarang yang pulih (IKKTT)": "ikktt_pulih",
    "Penggiat anti narkoba yang dibentuk": "penggiat_formed",
    "Kawasan rawan narkoba yang diintervensi": "kawasan_intervened",
    "Peserta pelatihan life skill": "lifeskill_participants",
}
OUTPUTS = ["penggiat_formed", "kawasan_intervened", "lifeskill_participants"]
TEXT = {"Tingkat", "Kode", "Wilayah", "Provinsi", "Sasaran", "Indikator Kinerja", "Satuan", "Keluaran", "Kategori"}
TEXT |= {"Kategori belum pasti", "Perubahan berbeda nyata dari nol"}
TEXT |= {"Daftar", "Kode daftar", "Kode kab/kota", "Kab/Kota", "Alasan", "Keterangan"}  # Prioritas


@pytest.fixture(scope="module")
def base(sample_dir, tmp_path_factory) -> Path:
    """2023 and 2024 computed from the sample and saved as ``bnn compute`` saves them."""
    results, errors = compute_years([YEAR - 1, YEAR], sample_dir, None, FAST, jobs=1)
    assert not errors
    out = tmp_path_factory.mktemp("reports")
    for year, result in results.items():
        result.save(out / str(year) / "results")
    return out


@pytest.fixture(scope="module")
def written(base) -> Path:
    return workbook.write(YEAR, base)


@pytest.fixture(scope="module")
def book(written) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written)


def table(base: Path, name: str, year: int = YEAR) -> pd.DataFrame:
    return pd.read_parquet(base / str(year) / "results" / f"{name}.parquet")


def read(path: Path, name: str) -> pd.DataFrame:
    """A sheet as pandas reads it: the title in row 1, the header in row 2, codes as text."""
    return pd.read_excel(path, sheet_name=name, header=1, dtype={"Kode": str}, engine="openpyxl")


def targets(sample_dir: str) -> pd.Series:
    """The input targets of the year, by (region code, measure)."""
    raw = pd.read_csv(Path(sample_dir) / str(YEAR) / "targets_synthetic.csv", dtype={"region_code": str})
    return raw[raw["year"] == YEAR].set_index(["region_code", "measure"])["target"]


def by_region(kabkota: pd.Series, how: str) -> pd.Series:
    """Each province's and the nation's ("00") sum or mean of a kab/kota series (indexed by code)."""
    province = kabkota.groupby(kabkota.index.str.slice(0, 2)).agg(how)
    return pd.concat([province, pd.Series({"00": kabkota.agg(how)})])


def realised(base: Path) -> dict[str, pd.Series]:
    """The realisasi of every measure by region code, worked out from the kab/kota and kawasan rows."""
    ikotan = table(base, "ikotan_kabkota").set_index("kabkota_code")
    ikp = table(base, "ikp_kabkota").set_index("kabkota_code")
    outputs = table(base, "outputs").set_index("kabkota_code")
    ikkrn = table(base, "ikkrn_regions").set_index("region_code")
    ikktt = table(base, "ikktt_regions").set_index("region_code")
    tanggap = ikotan["band"].astype(str).isin(["Tanggap", "Sangat Tanggap"]).astype(int)
    return {
        "ikotan": by_region(ikotan["value"], "mean"),
        "ikotan_n_tanggap": by_region(tanggap, "sum"),
        "ikp": by_region(ikp["value"], "mean"),
        "ikkrn_pulih": ikkrn["n_pulih"],
        "ikkrn_rate": 100 * ikkrn["n_pulih"] / ikkrn["n_decided"],
        "ikktt_pulih": ikktt["n_pulih"],
        **{m: by_region(outputs[m], "sum") for m in OUTPUTS},
    }


def test_the_sheets_and_where_the_workbook_goes(written, book, base):
    assert written == base / str(YEAR) / f"tabel-kinerja-{YEAR}.xlsx"
    assert book.sheetnames == ["Kinerja", "IKOTAN", "IKP", "IKKRN", "IKKTT", "Output", "Prioritas", "Catatan"]


def test_kinerja_target_realisasi_and_capaian(written, base, sample_dir):
    shown = read(written, "Kinerja").rename(columns={"Indikator Kinerja": "indicator", "Capaian (%)": "capaian"})
    assert set(shown["indicator"]) == set(INDICATORS)
    kpi = table(base, "kpi")
    assert len(shown) == (~kpi["region_code"].str.contains(".", regex=False)).sum()  # no kab/kota rows
    # The nation first, then the provinces by code.
    regions = list(dict.fromkeys(shown["Kode"]))
    assert regions[0] == "00" and regions[1:] == sorted(regions[1:]) and len(regions) == 39
    assert set(shown.loc[shown["Kode"] == "00", "Tingkat"]) == {"Nasional"}
    assert set(shown.loc[shown["Kode"] == "11", "Wilayah"]) == {"Aceh"}
    expected, goals = realised(base), targets(sample_dir)
    for row in shown.itertuples(index=False):
        measure = INDICATORS[row.indicator]
        assert row.Realisasi == pytest.approx(expected[measure][row.Kode], rel=1e-9), (measure, row.Kode)
        goal = goals.get((row.Kode, measure), math.nan)
        if math.isnan(goal):
            assert math.isnan(row.Target) and math.isnan(row.capaian)
        else:
            assert row.Target == goal
            assert row.capaian == pytest.approx(expected[measure][row.Kode] / goal * 100, rel=1e-9)
    assert shown["Target"].isna().any()  # a measure without a target: its row is still shown
    units = dict(zip(shown["indicator"], shown["Satuan"], strict=False))
    assert units["Indeks Kabupaten/Kota Tanggap Ancaman Narkoba (IKOTAN)"] == "indeks skala 1–4"
    assert units["Tingkat keterpulihan kawasan rawan (IKKRN)"] == "persen"
    assert units["Penggiat anti narkoba yang dibentuk"] == "orang"


def test_ikotan_rows_against_the_kabkota_tables(written, base):
    now = table(base, "ikotan_kabkota").set_index("kabkota_code")
    before = table(base, "ikotan_kabkota", YEAR - 1).set_index("kabkota_code")
    intervals = table(base, "ikotan_intervals").set_index("region_code")
    shown = read(written, "IKOTAN")
    assert list(shown.loc[:1, "Tingkat"]) == ["Nasional", "Provinsi"]
    assert shown.loc[0, "Nilai (skala 1–4)"] == pytest.approx(now["value"].mean(), rel=1e-12)
    kabkota = shown[shown["Tingkat"] == "Kab/Kota"].set_index("Kode")
    assert len(kabkota) == now["value"].notna().sum()
    assert set(kabkota.index) == set(now.index)
    kabkota = kabkota.loc[now.index]
    np.testing.assert_allclose(kabkota["Nilai (skala 1–4)"], now["value"], rtol=1e-12)
    np.testing.assert_allclose(kabkota["Nilai (skala 0–100)"], (now["value"] - 1) / 3 * 100, rtol=1e-9)
    assert list(kabkota["Kategori"]) == list(now["band"].astype(str))
    assert list(kabkota["Wilayah"]) == list(now["kabkota"])
    assert set(kabkota.loc[kabkota.index.str.startswith("11."), "Provinsi"]) == {"Aceh"}
    assert set(kabkota.loc[kabkota.index.str.startswith("31."), "Provinsi"]) == {"Daerah Khusus Ibukota Jakarta"}
    np.testing.assert_allclose(kabkota["Batas bawah selang 95 % (skala 0–100)"], intervals.loc[now.index, "lo95"])
    np.testing.assert_allclose(kabkota["Batas atas selang 95 % (skala 0–100)"], intervals.loc[now.index, "hi95"])
    # The change from last year's value (the sample measures the same kab/kota in both years).
    change = now["value_100"] - before["value_100"].reindex(now.index)
    # Held as shown, rounded half away from zero on the decimal written (Decimal, a second method).
    shown = [float(Decimal(repr(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)) for x in change]
    np.testing.assert_allclose(kabkota["Perubahan dari 2023 (poin skala 0–100)"], shown, rtol=1e-12)
    assert list(kabkota["Responden"]) == list(now["n_respondents"])
    small = kabkota["Sel kecil (kurang dari 5 responden)"]
    assert list(small) == ["ya" if n < 5 else "tidak" for n in now["n_respondents"]]


def test_ikkrn_rows_against_the_regions_table(written, base):
    rows = table(base, "ikkrn_regions").set_index("region_code")
    shown = read(written, "IKKRN").set_index("Kode")
    assert len(shown) == len(rows) and set(shown.index) == set(rows.index)
    assert list(shown["Tingkat"]).count("Kab/Kota") == (rows["level"] == "kabkota").sum()
    decided = rows["n_decided"].where(rows["n_decided"] > 0)
    np.testing.assert_allclose(shown.loc[rows.index, "Tingkat keterpulihan (%)"], 100 * rows["n_pulih"] / decided)
    assert list(shown.loc[rows.index, "Kawasan rawan"]) == list(rows["n_rawan"])


def test_outputs_of_every_kabkota_and_against_targets(written, book, base, sample_dir):
    outputs = table(base, "outputs").set_index("kabkota_code")
    shown = read(written, "Output").rename(columns={"Capaian (%)": "capaian"})
    kabkota = shown[shown["Tingkat"] == "Kab/Kota"]
    assert len(kabkota) == len(OUTPUTS) * len(outputs)
    names = {"Penggiat anti narkoba yang dibentuk": "penggiat_formed", "Peserta pelatihan life skill": OUTPUTS[2]}
    names["Kawasan rawan narkoba yang diintervensi"] = "kawasan_intervened"
    for row in kabkota.itertuples(index=False):
        assert row.Realisasi == outputs.loc[row.Kode, names[row.Keluaran]]
    assert kabkota["Target"].isna().all()  # targets are set for the nation and the provinces only
    goals, expected = targets(sample_dir), realised(base)
    for row in shown[shown["Tingkat"] != "Kab/Kota"].itertuples(index=False):
        measure = names[row.Keluaran]
        assert row.Realisasi == expected[measure][row.Kode]
        assert row.Target == goals[(row.Kode, measure)]
        assert row.capaian == pytest.approx(expected[measure][row.Kode] / row.Target * 100, rel=1e-9)
    sheet = book["Output"]
    empty = [sheet.cell(i, 7).value for i in range(3, sheet.max_row + 1) if sheet.cell(i, 1).value == "Kab/Kota"]
    assert set(empty) == {None}  # an empty cell, not "nan" or "–"


def test_numbers_are_numbers_with_a_display_format(book):
    for sheet in book.worksheets[:-1]:
        header = [c.value for c in sheet[2]]
        for line in sheet.iter_rows(min_row=3):
            for name, cell in zip(header, line, strict=True):
                if cell.value is None:
                    continue
                if name in TEXT or name.startswith("Sel kecil"):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    assert name.startswith("Kode") or not re.fullmatch(r"[-+]?[\d.,]+", cell.value), cell.coordinate
                    assert cell.value.lower() not in ("nan", "none", "–"), cell.coordinate
                else:
                    assert cell.data_type == "n" and isinstance(cell.value, int | float), (sheet.title, name)
                    assert not isinstance(cell.value, bool) and cell.number_format != "General", cell.coordinate
    kinerja = {row[4].value: row for row in book["Kinerja"].iter_rows(min_row=3, max_row=11)}
    assert kinerja["Indeks Kemandirian Partisipasi (IKP)"][7].number_format == "#,##0.00"
    assert kinerja["Penggiat anti narkoba yang dibentuk"][7].number_format == "#,##0"
    assert kinerja["Tingkat keterpulihan kawasan rawan (IKKRN)"][7].number_format == "#,##0.0"


def test_no_cell_is_a_formula(book, written):
    assert all(c.data_type != "f" for sheet in book.worksheets for line in sheet.iter_rows() for c in line)
    with zipfile.ZipFile(written) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(re.search(rb"<f[ >]", archive.read(n)) for n in sheets)


def test_headers_are_frozen_and_filtered(book):
    for sheet in book.worksheets[:-1]:
        assert coordinate_from_string(sheet.freeze_panes)[1] == 3, sheet.title  # title and header rows
        assert sheet.auto_filter.ref == f"A2:{get_column_letter(sheet.max_column)}{sheet.max_row}", sheet.title
    notes = book["Catatan"]
    assert set(notes.tables) == {"Spesifikasi", "UnsurSpesifikasi"}
    for name, ref in notes.tables.items():
        first = notes[ref.split(":")[0]]
        assert first.value in ("Indeks", "Tabel"), name
        assert notes.tables[name].autoFilter is not None


def test_notes_say_the_data_are_synthetic(book):
    notes = [c.value for line in book["Catatan"].iter_rows() for c in line if isinstance(c.value, str)]
    assert any(v.startswith("DATA CONTOH SINTETIS") for v in notes)
    assert all(sheet["A1"].value.startswith("DATA CONTOH SINTETIS") for sheet in book.worksheets)
    # The workbook is shared: no input file is named; the analyst's list is in the results.
    assert not any(v.endswith((".csv", ".parquet", ".xlsx")) for v in notes)
    assert any("results/specs.json" in v for v in notes)


@pytest.fixture(scope="module")
def hostile(base, tmp_path_factory) -> tuple[Path, list[str], str]:
    """A copy of the results with formula-like kab/kota, province and file names and a spec note,
    one kab/kota without its value on 0–100 and its change, and real (not synthetic) data: its
    workbook, the codes renamed and the code whose values are missing."""
    copy = tmp_path_factory.mktemp("hostile")
    folder = copy / str(YEAR) / "results"
    shutil.copytree(base / str(YEAR) / "results", folder)
    kabkota = pd.read_parquet(folder / "ikotan_kabkota.parquet")
    codes = list(kabkota["kabkota_code"][: len(HOSTILE)])
    kabkota.loc[: len(HOSTILE) - 1, "kabkota"] = HOSTILE
    kabkota.loc[len(HOSTILE), "value_100"] = math.nan
    kabkota.to_parquet(folder / "ikotan_kabkota.parquet", index=False)
    change = pd.read_parquet(folder / "ikotan_change.parquet")
    change[change["region_code"] != kabkota.loc[len(HOSTILE), "kabkota_code"]].to_parquet(
        folder / "ikotan_change.parquet"
    )
    provinces = pd.read_parquet(folder / "ikotan_regions.parquet")
    provinces.loc[provinces["region_code"] == "11", "region"] = HOSTILE[2]
    provinces.to_parquet(folder / "ikotan_regions.parquet", index=False)
    outputs = pd.read_parquet(folder / "outputs.parquet")
    outputs.loc[0, "kabkota"] = HOSTILE[1]
    outputs.to_parquet(folder / "outputs.parquet", index=False)
    meta = json.loads((folder / "specs.json").read_text(encoding="utf-8"))
    meta["specs"]["ikotan"]["spec"]["scale"]["note"] = HOSTILE[0]
    meta["inputs"]["targets"][0]["file"] = f"{YEAR}/{HOSTILE[3]}.csv"
    meta["synthetic"] = False
    (folder / "specs.json").write_text(json.dumps(meta), encoding="utf-8")
    return workbook.write(YEAR, copy, copy / "out.xlsx"), codes, kabkota.loc[len(HOSTILE), "kabkota_code"]


def test_formula_like_text_is_stored_as_text(hostile):
    path, codes, missing = hostile
    book = openpyxl.load_workbook(path)
    ikotan = {line[1].value: line for line in book["IKOTAN"].iter_rows(min_row=3)}
    for code, text in zip(codes, HOSTILE, strict=True):
        assert ikotan[code][2].value == text and ikotan[code][2].data_type == "s"
    assert ikotan["11"][2].value == HOSTILE[2] and ikotan["11"][2].data_type == "s"
    cells = [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    for text in [HOSTILE[0], HOSTILE[1]]:
        found = [c for c in cells if c.value == text]
        assert found and all(c.data_type == "s" for c in found), text
    assert not [c for c in cells if c.value == f"{HOSTILE[3]}.csv"]  # input files are not named at all
    assert all(c.data_type != "f" for c in cells)
    with zipfile.ZipFile(path) as archive:
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in archive.namelist() if "worksheets" in n)
    assert list(read(path, "IKOTAN").set_index("Kode").loc[codes, "Wilayah"]) == HOSTILE
    # Missing values are empty cells: value_100 (column F) and the change (column K).
    assert ikotan[missing][4].value is not None and ikotan[missing][5].value is None
    assert book["IKOTAN"]["K2"].value.startswith("Perubahan") and ikotan[missing][10].value is None
    assert all(line[10].value is not None for code, line in ikotan.items() if code != missing)


def test_real_data_carry_no_synthetic_banner(hostile):
    book = openpyxl.load_workbook(hostile[0])
    texts = [c.value for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    assert not any(isinstance(v, str) and "SINTETIS" in v for v in texts)


def test_a_failed_write_leaves_the_previous_workbook(base, monkeypatch, tmp_path):
    target = tmp_path / "tabel.xlsx"
    target.write_bytes(b"previous")

    def broken(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        workbook.write(YEAR, base, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["tabel.xlsx"]


def test_kinerja_sets_last_years_realisasi_beside_this_years(written, base):
    """A Laporan Kinerja compares the year's realisasi with the year before's: each row's
    "Realisasi 2023" is the 2023 KPI table's realisasi of that region and measure."""
    shown = read(written, "Kinerja")
    earlier = table(base, "kpi", YEAR - 1).set_index(["region_code", "measure"])["realisasi"]
    checked = 0
    for row in shown.itertuples(index=False):
        key = (row.Kode, INDICATORS[row[shown.columns.get_loc("Indikator Kinerja")]])
        expected = earlier.get(key, math.nan)
        got = row[shown.columns.get_loc(f"Realisasi {YEAR - 1}")]
        assert (math.isnan(expected) and math.isnan(got)) or got == pytest.approx(expected, rel=1e-9), key
        checked += not math.isnan(expected)
    assert checked > 39  # every region has some measure both years


def test_every_sheet_prints_its_name_and_page_numbers(book):
    for sheet in book.worksheets:
        assert sheet.oddFooter.left.text == "&A" and sheet.oddFooter.right.text == "Halaman &P dari &N", sheet.title
