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
TEXT = {"Tingkat", "Kode", "Wilayah", "Provinsi", "Indikator kinerja", "Satuan", "Keluaran", "Kategori"}
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


def targets(sample_dir: str, column: str = "target") -> pd.Series:
    """The input targets of the year (or the Renstra targets), by (region code, measure)."""
    raw = pd.read_csv(Path(sample_dir) / str(YEAR) / "targets_synthetic.csv", dtype={"region_code": str})
    return raw[raw["year"] == YEAR].set_index(["region_code", "measure"])[column]


def kinerja(path: Path) -> pd.DataFrame:
    """The indicator rows (numbered) of both Kinerja sheets, each with its region code (the
    nation's sheet has none: "00")."""
    nation = read(path, "Kinerja").assign(Kode="00")
    both = pd.concat([nation, read(path, "Kinerja Provinsi")], ignore_index=True)
    return both[both["No."].notna()].rename(columns={"Indikator kinerja": "indicator"})


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
    assert book.sheetnames == [
        "Kinerja", "Kinerja Provinsi", "IKOTAN", "IKP", "IKKRN pemetaan", "IKKRN pemulihan", "IKKTT", "Output",
        "Prioritas", "Catatan",
    ]  # fmt: skip


def test_kinerja_target_realisasi_and_capaian(written, base, sample_dir):
    shown = kinerja(written)
    assert set(shown["indicator"]) == set(INDICATORS)
    kpi = table(base, "kpi")
    assert len(shown) == (~kpi["region_code"].str.contains(".", regex=False)).sum()  # no kab/kota rows
    # The nation on its own sheet, then the provinces by code.
    regions = list(dict.fromkeys(shown["Kode"]))
    assert regions[0] == "00" and regions[1:] == sorted(regions[1:]) and len(regions) == 39
    assert set(shown.loc[shown["Kode"] == "11", "Provinsi"]) == {"Aceh"}
    expected, goals, ends = realised(base), targets(sample_dir), targets(sample_dir, "target_renstra")
    for row in shown.itertuples(index=False):
        measure, code = INDICATORS[row.indicator], row.Kode
        values = dict(zip(shown.columns, row, strict=True))
        assert values[f"Realisasi {YEAR}"] == pytest.approx(expected[measure][code], rel=1e-9), (measure, code)
        for set_for, column, capaian in [
            (goals, f"Target {YEAR}", "Capaian (%)"),
            (ends, "Target akhir Renstra", "Capaian terhadap target akhir Renstra (%)"),
        ]:
            goal = set_for.get((code, measure), math.nan)
            if math.isnan(goal):
                assert math.isnan(values[column]) and math.isnan(values[capaian]), (measure, code, column)
            else:
                assert values[column] == goal
                assert values[capaian] == pytest.approx(expected[measure][code] / goal * 100, rel=1e-9)
    assert shown[f"Target {YEAR}"].isna().any()  # a measure without a target: its row is still shown
    assert shown["Target akhir Renstra"].notna().any() and shown["Target akhir Renstra"].isna().any()
    units = dict(zip(shown["indicator"], shown["Satuan"], strict=False))
    assert units["Indeks Kabupaten/Kota Tanggap Ancaman Narkoba (IKOTAN)"] == "indeks skala 1–4"
    assert units["Tingkat keterpulihan kawasan rawan (IKKRN)"] == "persen"
    assert units["Penggiat anti narkoba yang dibentuk"] == "orang"


def test_kinerja_is_grouped_as_a_laporan_kinerja(book):
    """The sasaran heads its indicators once (no sasaran column); the provinces' sheet heads each
    province's table, which begins a printed page, and every row keeps its province for a filter."""
    nation = book["Kinerja"]
    assert [c.value for c in nation[2]][:3] == ["No.", "Indikator kinerja", "Satuan"]
    rows = [[c.value for c in line] for line in nation.iter_rows(min_row=3)]
    outcome = "Sasaran strategis: Meningkatnya ketanggapsiagaan masyarakat"
    output = "Keluaran program pemberdayaan masyarakat"
    assert [r[1] for r in rows if r[0] is None] == [outcome, output]
    assert [r[0] for r in rows] == [None, 1, 2, 3, 4, 5, 6, None, 1, 2, 3]
    assert {str(m) for m in nation.merged_cells.ranges} == {
        f"B3:{get_column_letter(nation.max_column)}3",
        f"B10:{get_column_letter(nation.max_column)}10",
    }
    provinces = book["Kinerja Provinsi"]
    rows = [[c.value for c in line] for line in provinces.iter_rows(min_row=3)]
    headings = [(i, r) for i, r in enumerate(rows, start=3) if r[2] is None]
    starts = [i for i, r in headings if r[3].startswith("Provinsi ")]
    assert len(starts) == 38 and rows[0][3] == "Provinsi Aceh" and rows[0][:2] == ["11", "Aceh"]
    assert sum(r[3] == outcome for _, r in headings) == 38
    assert all(r[0] and r[1] for r in rows)  # a filter on Kode or Provinsi keeps whole tables
    assert [b.id + 1 for b in provinces.row_breaks.brk] == starts[1:]


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
    # One scale, the spec's headline (1–4): the 0–100 interval and change of the results mapped
    # back by hand (x = y / 100 × 3 + 1; a change × 3 / 100).
    assert "Nilai (skala 0–100)" not in kabkota
    lo, hi = ((intervals.loc[now.index, c] / 100 * 3 + 1) for c in ("lo95", "hi95"))
    np.testing.assert_allclose(kabkota["Batas bawah selang 95 % (skala 1–4)"], lo, rtol=1e-9)
    np.testing.assert_allclose(kabkota["Batas atas selang 95 % (skala 1–4)"], hi, rtol=1e-9)
    # The change from last year's value (the sample measures the same kab/kota in both years).
    change = now["value"] - before["value"].reindex(now.index)
    # Held as shown, rounded half away from zero on the decimal written (Decimal, a second method).
    shown = [float(Decimal(repr(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)) for x in change]
    np.testing.assert_allclose(kabkota["Perubahan dari 2023 (poin skala 1–4)"], shown, rtol=1e-12)
    assert list(kabkota["Responden"]) == list(now["n_respondents"])
    small = kabkota["Sel kecil (kurang dari 5 responden)"]
    assert list(small) == ["ya" if n < 5 else "tidak" for n in now["n_respondents"]]


def test_ikkrn_rows_against_the_regions_table(written, base):
    rows = table(base, "ikkrn_regions").set_index("region_code")
    mapping = read(written, "IKKRN pemetaan").set_index("Kode")
    recovery = read(written, "IKKRN pemulihan").set_index("Kode")
    for shown in (mapping, recovery):  # the key columns on both, the same rows in the same order
        assert len(shown) == len(rows) and set(shown.index) == set(rows.index)
        assert list(shown["Tingkat"]).count("Kab/Kota") == (rows["level"] == "kabkota").sum()
    assert list(mapping.index) == list(recovery.index)
    decided = rows["n_decided"].where(rows["n_decided"] > 0)
    np.testing.assert_allclose(recovery.loc[rows.index, "Tingkat keterpulihan (%)"], 100 * rows["n_pulih"] / decided)
    assert list(mapping.loc[rows.index, "Kawasan rawan"]) == list(rows["n_rawan"])
    # The change of the kawasan scores on 0–100, the IKKRN spec's headline scale, held at its one
    # decimal as the reports print it (Decimal, a second method). A mean such as 27.65 is stored as
    # 27.649999999999977: taken as the decimal it is (to 7 places) before its half is rounded up.
    seven = Decimal("1e-7")
    shown = [
        float(Decimal(repr(x)).quantize(seven).quantize(Decimal("0.1"), ROUND_HALF_UP))
        for x in rows["mean_delta"].dropna()
    ]
    np.testing.assert_allclose(recovery.loc[rows["mean_delta"].dropna().index, "Perubahan skor (poin)"], shown)


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
    sheet = book["Kinerja"]
    at = [c.value for c in sheet[2]].index(f"Realisasi {YEAR}")
    shown = {row[1].value: row[at] for row in sheet.iter_rows(min_row=3)}
    assert shown["Indeks Kemandirian Partisipasi (IKP)"].number_format == "#,##0.00"
    assert shown["Penggiat anti narkoba yang dibentuk"].number_format == "#,##0"
    assert shown["Tingkat keterpulihan kawasan rawan (IKKRN)"].number_format == "#,##0.0"


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
    # The workbook is shared: no input file is named; the analyst keeps their list.
    assert not any(v.endswith((".csv", ".parquet", ".xlsx")) for v in notes)
    assert any("disimpan analis bersama hasil perhitungan" in v for v in notes)


@pytest.fixture(scope="module")
def hostile(base, tmp_path_factory) -> tuple[Path, list[str], str]:
    """A copy of the results with formula-like kab/kota, province and file names and a spec note,
    one kab/kota without its value (on the headline scale, 1–4) and its change, and real (not synthetic) data: its
    workbook, the codes renamed and the code whose values are missing."""
    copy = tmp_path_factory.mktemp("hostile")
    folder = copy / str(YEAR) / "results"
    shutil.copytree(base / str(YEAR) / "results", folder)
    kabkota = pd.read_parquet(folder / "ikotan_kabkota.parquet")
    codes = list(kabkota["kabkota_code"][: len(HOSTILE)])
    kabkota.loc[: len(HOSTILE) - 1, "kabkota"] = HOSTILE
    kabkota.loc[len(HOSTILE), "value"] = math.nan
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
    # Missing values are empty cells: the value and the change.
    header = [c.value for c in book["IKOTAN"][2]]
    value, change = header.index("Nilai (skala 1–4)"), header.index("Perubahan dari 2023 (poin skala 1–4)")
    assert ikotan[missing][value].value is None and ikotan[missing][value + 1].value is not None  # its band
    assert ikotan[missing][change].value is None
    assert all(line[change].value is not None for code, line in ikotan.items() if code != missing)


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
    shown = kinerja(written)
    earlier = table(base, "kpi", YEAR - 1).set_index(["region_code", "measure"])["realisasi"]
    checked = 0
    for row in shown.itertuples(index=False):
        key = (row.Kode, INDICATORS[row.indicator])
        expected = earlier.get(key, math.nan)
        got = row[shown.columns.get_loc(f"Realisasi {YEAR - 1}")]
        assert (math.isnan(expected) and math.isnan(got)) or got == pytest.approx(expected, rel=1e-9), key
        checked += not math.isnan(expected)
    assert checked > 39  # every region has some measure both years


def test_every_sheet_prints_its_name_and_page_numbers(book):
    for sheet in book.worksheets:
        assert sheet.oddFooter.left.text == "&A" and sheet.oddFooter.right.text == "Halaman &P dari &N", sheet.title


# A4 landscape is 11.69 inches wide; Excel's column width w (in characters of the default font,
# Calibri 11) is 7w pixels at 96 dpi, 5.25w points. Fitted to the page width, a sheet prints at
# (printable width) ÷ (sum of its column widths), and its 11 pt text at that times 11 pt.
A4_LONG_SIDE = 11.69
POINTS_PER_WIDTH = 7 * 72 / 96
SMALLEST_PRINT = 8  # points


def test_every_sheet_prints_legibly_on_one_page_width(book):
    assert book._named_styles["Normal"].font.sz == 11  # the text the scale applies to
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", int(sheet.PAPERSIZE_A4)), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title  # one page wide, as many down
        assert sheet.print_title_rows, sheet.title
        widths = [sheet.column_dimensions[get_column_letter(j)].width for j in range(1, sheet.max_column + 1)]
        assert all(widths), sheet.title  # every column sized, none left to a program's default
        printable = (A4_LONG_SIDE - sheet.page_margins.left - sheet.page_margins.right) * 72
        scale = min(1.0, printable / (sum(widths) * POINTS_PER_WIDTH))
        assert 11 * scale >= SMALLEST_PRINT, (sheet.title, round(11 * scale, 1))


# A spec's field path ("groups.keluarga", "variables[0].indicators[1]") or a file's
# ("methodology.md"): an identifier, a dot and another, once web addresses are set aside.
FIELD_PATH = re.compile(r"\b[A-Za-z_]\w*(?:\[\d+\])?\.[A-Za-z_]\w*")
WEB_ADDRESS = re.compile(r"https?://\S+")


def spec_fields() -> set[str]:
    """The field names of the spec's sections that a note could cite (those with an underscore:
    one-word names such as "scale" are also plain words)."""
    from pydantic import BaseModel

    from bnn_lib.spec import sections

    models = [m for m in vars(sections).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    return {name for m in models for name in m.model_fields if "_" in name}


def test_catatan_speaks_in_plain_words(book, base):
    notes = book["Catatan"]
    texts = [c.value for line in notes.iter_rows() for c in line if isinstance(c.value, str)]
    software = next(line[1].value for line in notes.iter_rows() if line[0].value == "Perangkat lunak")
    fields = spec_fields()
    assert "min_kawasan" in fields
    for text in texts:
        plain = WEB_ADDRESS.sub("", text)
        assert not FIELD_PATH.search(plain), text
        assert text == software or not fields & set(re.findall(r"\w+", plain)), text
    # The elements by what they are, named and numbered as the spec of the year has them.
    spec = json.loads((base / str(YEAR) / "results" / "specs.json").read_text())["specs"]["ikotan"]["spec"]
    variable = spec["variables"][0]
    header = next(line for line in notes.iter_rows() if line[0].value == "Indeks" and line[2].value == "Unsur")
    units = {line[2].value for line in notes.iter_rows(min_row=header[0].row + 1)}
    assert f"Kelompok responden “{spec['groups']['keluarga']['name']}”" in units
    assert f"Variabel 1 “{variable['name']}”" in units
    assert f"Indikator 1.2 “{variable['indicators'][1]['name']}”" in units
    assert "Skala jawaban" in units
