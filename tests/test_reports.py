"""The report notebooks and the batch: execution, HTML hygiene, failures, reruns."""

from __future__ import annotations

import errno
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from conftest import research_notebook_outputs
from openpyxl import load_workbook

from bnn_lib import cli
from bnn_lib.publish import flag_small_cells
from bnn_lib.reporting import batch, jobs, pdf
from bnn_lib.reporting.data import suppress_small
from bnn_lib.reporting.fmt import angka, esc, persen, selisih
from bnn_lib.reporting.html import SOFT_HYPHEN

PROVINCE_NB = jobs.PROVINCE_NOTEBOOK


def test_indonesian_number_style():
    assert angka(3.0838) == "3,08"
    assert angka(31589, 0) == "31.589"
    assert angka(1234567.891, 2) == "1.234.567,89"
    assert persen(99.477) == "99,5 %"
    assert selisih(-0.05) == "−0,05" and selisih(0.123) == "+0,12" and selisih(0.001) == "0,00"
    assert angka(float("nan")) == "–"
    assert esc('<script>"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"


def test_small_breakdowns_are_suppressed_at_the_specs_min_cell():
    frame = pd.DataFrame({"value": [3.1, 2.9, 3.3, 3.0], "n_respondents": [12, 4, 5, 7]})
    # The default minimum cell is 5 respondents: 4 is hidden, 5 is shown.
    shown = suppress_small(flag_small_cells({"ikp_environments": frame})["ikp_environments"], ["value"])
    assert shown["value"].isna().tolist() == [False, True, False, False]
    # A spec asking for 8 hides 5 and 7 as well; the respondent counts stay.
    shown = suppress_small(flag_small_cells({"ikp_environments": frame}, {"ikp": 8})["ikp_environments"], ["value"])
    assert shown["value"].isna().tolist() == [False, True, True, True]
    assert shown["n_respondents"].tolist() == [12, 4, 5, 7]


def test_province_notebook_runs_under_papermill_with_a_kernel(reports_dir, tmp_path):
    out = tmp_path / "aceh.ipynb"
    nb = papermill.execute_notebook(
        str(PROVINCE_NB),
        str(out),
        parameters={"province": "Aceh", "year": 2024, "results_dir": str(reports_dir)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(PROVINCE_NB.parent),
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # Figures survive a real kernel, as images with their alt text.
    figures = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert sum(bool(re.match(r'<img alt="[^"]+" src="data:image/png;base64,', f)) for f in figures) >= 5


def test_province_notebook_runs_under_the_papermill_cli(reports_dir, tmp_path):
    out = tmp_path / "jakarta.ipynb"
    command = [
        str(Path(sys.executable).parent / "papermill"),
        str(PROVINCE_NB),
        str(out),
        "-p",
        "province",
        "31",
        "-p",
        "results_dir",
        str(reports_dir),
        "--no-progress-bar",
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=PROVINCE_NB.parent, timeout=300)
    text = out.read_text()
    assert "Provinsi Daerah Khusus Ibukota Jakarta" in text


def visible_text(page: str) -> str:
    """The text a reader sees (the soft hyphens of table headers only show at a line break)."""
    page = page.replace(SOFT_HYPHEN, "")
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', "", page)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize(
    "name", ["provinsi-11.html", "provinsi-31.html", "nasional.html", "index.html", "kabkota/kabkota-31.*.html"]
)
def test_html_is_clean_and_self_contained(rendered, name):
    [path] = sorted(rendered.glob(name))[:1]
    page = path.read_text()
    text = visible_text(page)
    assert "Traceback" not in page and "Error" not in text
    assert not re.search(r"\b(nan|NaN|None|NaT)\b", text), re.search(r".{40}\b(nan|NaN|None|NaT)\b.{40}", text)
    assert 'class="input' not in page and "highlight" not in page  # no code cells
    assert "injected-parameters" not in page and "results_dir" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from the network
    # Reports run no script; the index has one, inline, for its search box.
    assert len(re.findall(r"<script", page)) == (name == "index.html") and "<script src" not in page
    assert all(src.startswith("data:image/") for src in re.findall(r'<img[^>]+src="([^"]+)"', page))
    # Every figure says what it shows to a screen reader (its titles), not nbconvert's placeholder.
    images, alts = re.findall(r"<img\b[^>]*>", page), re.findall(r'<img\b[^>]*\balt="([^"]+)"', page)
    assert len(alts) == len(images) and not any("No description" in alt for alt in alts), alts
    assert len(page.encode()) <= 1_000_000
    assert "R2024-" not in page  # no respondent-level rows
    assert re.search(r"<title>[^<]*(Laporan|Kinerja)[^<]*</title>", page)


def test_province_report_reads_the_saved_numbers(rendered, reports_dir):
    page = (rendered / "provinsi-11.html").read_text()
    regions = pd.read_parquet(reports_dir / "2024" / "results" / "ikotan_regions.parquet").set_index("region_code")
    aceh = regions.loc["11"]
    assert f"IKOTAN Aceh tahun 2024 sebesar <b>{angka(aceh['value'], 2)}</b>" in page
    assert f"<b>{int(aceh['n_success'])}</b> dari {int(aceh['n_measured'])} kab/kota" in page
    assert "DATA CONTOH SINTETIS" in page
    assert "ikotan-dayamas-2022" in page and "Asumsi yang berlaku" in page
    assert "IKKTT tidak berlaku" not in page  # Aceh has cannabis areas
    assert "IKKTT tidak berlaku" in (rendered / "provinsi-31.html").read_text()


def test_index_links_every_report_with_headline_numbers(rendered):
    page = (rendered / "index.html").read_text()
    links = re.findall(r'href="([^"]+\.html)"', page)
    # Every kab/kota of Aceh and DKI Jakarta with an IKOTAN or IKP value gets a report.
    results = rendered / "results"
    measured = set()
    for index in ("ikotan", "ikp"):
        codes = pd.read_parquet(results / f"{index}_kabkota.parquet")["kabkota_code"]
        measured |= {c for c in codes if c[:2] in ("11", "31")}
    assert len(measured) > 5
    kabkota = {f"kabkota/kabkota-{c}.html" for c in measured}
    assert set(links) == {"nasional.html", "provinsi-11.html", "provinsi-31.html"} | kabkota
    assert all((rendered / link).is_file() for link in links)
    manifest = json.loads((rendered / "manifest.json").read_text())
    rows = {r["key"]: r for r in manifest["reports"]}
    assert set(rows) == {"11", "31", "nasional"} | measured
    assert all(r["status"] in ("ok", "skipped") and r["input_hash"] for r in rows.values())
    assert manifest["software"]["bnn-suite"] and manifest["inputs"]["specs"]["ikotan"]["id"] == "ikotan-dayamas-2022"


def notebook_with(tmp_path: Path, source: str) -> Path:
    """The province notebook with one more cell at the end."""
    nb = nbformat.read(PROVINCE_NB, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    path = tmp_path / "laporan_uji.ipynb"
    nbformat.write(nb, path)
    return path


def copy_reports(reports_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    for year in ("2023", "2024"):
        shutil.copytree(reports_dir / year / "results", out / year / "results")
    return out


def reports_args(out: Path, data: Path, provinces: list[str], *options: str) -> list[str]:
    """``bnn reports --year 2024`` for the reports of ``provinces`` (not their kab/kota's),
    without a progress bar, plus ``options``."""
    return [
        "reports",
        "--year",
        "2024",
        "--province",
        *provinces,
        "--level",
        "nasional",
        "provinsi",
        "--out",
        str(out),
        "--data",
        str(data),
        "--no-progress",
        *options,
    ]


def test_batch_goes_on_past_a_failing_province(reports_dir, tmp_path, capsys):
    out = copy_reports(reports_dir, tmp_path)
    notebook = notebook_with(tmp_path, 'if code == "12":\n    raise RuntimeError("uji kegagalan")')
    args = reports_args(out, reports_dir / "no-data", ["11", "12"], "--province-notebook", str(notebook))
    assert cli.main(args) == 1
    assert "1 gagal, 1 dibuat" in capsys.readouterr().out
    manifest = {r["key"]: r for r in json.loads((out / "2024" / "manifest.json").read_text())["reports"]}
    assert manifest["12"]["status"] == "failed" and "uji kegagalan" in manifest["12"]["error"]
    assert manifest["11"]["status"] == "ok"
    assert (out / "2024" / "provinsi-11.html").exists() and not (out / "2024" / "provinsi-12.html").exists()
    kept = nbformat.read(out / "2024" / "notebooks" / "provinsi-12.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in kept.cells if c.cell_type == "code" for o in c.outputs)
    assert "gagal" in (out / "2024" / "index.html").read_text()


def test_a_rerun_skips_what_is_up_to_date_and_keeps_good_html(reports_dir, tmp_path):
    out = copy_reports(reports_dir, tmp_path)
    settings = batch.Batch(year=2024, out=out, provinces=["11"], levels=("provinsi",), progress=False)
    assert [o.status for o in batch.run(settings)] == ["ok"]
    good = (out / "2024" / "provinsi-11.html").read_bytes()
    assert [o.status for o in batch.run(settings)] == ["skipped"]
    settings.province_notebook = notebook_with(tmp_path, 'raise RuntimeError("rusak")')
    assert [o.status for o in batch.run(settings)] == ["failed"]  # a changed notebook is redone
    assert (out / "2024" / "provinsi-11.html").read_bytes() == good  # the good page is not lost


def test_a_worker_that_dies_is_retried_once(reports_dir, tmp_path):
    out = copy_reports(reports_dir, tmp_path)
    marker = tmp_path / "died-once"
    notebook = notebook_with(
        tmp_path,
        f"import os, pathlib\np = pathlib.Path({str(marker)!r})\nif not p.exists():\n    p.touch()\n    os._exit(3)",
    )
    settings = batch.Batch(
        year=2024, out=out, provinces=["11"], levels=("provinsi",), progress=False, province_notebook=notebook
    )
    [outcome] = batch.run(settings)
    assert (outcome.status, outcome.attempts) == ("ok", 2)


def test_a_report_past_its_timeout_is_stopped(reports_dir, tmp_path):
    out = copy_reports(reports_dir, tmp_path)
    notebook = notebook_with(tmp_path, "import time\ntime.sleep(60)")
    settings = batch.Batch(
        year=2024,
        out=out,
        provinces=["11"],
        levels=("provinsi",),
        progress=False,
        province_notebook=notebook,
        timeout=3,
    )
    [outcome] = batch.run(settings)
    assert outcome.status == "timeout" and outcome.seconds < 30


def test_reports_show_uncertainty_and_the_audit(rendered, reports_dir):
    province = (rendered / "provinsi-11.html").read_text()
    intervals = pd.read_parquet(reports_dir / "2024" / "results" / "ikotan_intervals.parquet").set_index("region_code")
    aceh = intervals.loc["11"]
    lo, hi = (aceh[c] / 100 * 3 + 1 for c in ("lo95", "hi95"))  # on 1–4, the headline scale, mapped by hand
    assert f"Selang kepercayaan 95 % IKOTAN Aceh: {angka(lo, 2)}–{angka(hi, 2)} (skala 1–4)" in province
    assert "Selang 95 %" in province and "Belum pasti" in province
    uncertain = intervals[
        (intervals["level"] == "kabkota") & intervals.index.str.startswith("11.") & intervals["uncertain"]
    ]
    assert province.count("belum pasti</span>") == len(uncertain)
    national = (rendered / "nasional.html").read_text().replace(SOFT_HYPHEN, "")
    assert "Lampiran: audit statistik" in national and "α butir" in national and "S1 pergeseran peringkat" in national


def test_exploration_notebook_runs_a_changed_spec_end_to_end(sample_dir, tmp_path):
    outputs = research_notebook_outputs("eksplorasi.ipynb", tmp_path, sample_dir)
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "kab/kota berkategori belum pasti" in text and "'ikotan-varian-1'" in text
    assert "unit_weighting" in text  # the Sobol table names the assumptions
    # The baseline is the spec in force in the year, named; each variant changes one assumption,
    # named, and says whether it ran outside its spec's years (these do not).
    assert "Dasar 2024: ikotan-dayamas-2022" in text
    assert "ikotan-varian-1: bobot Ketahanan Keluarga ×2; peringatan: tidak ada" in text
    assert "ikotan-varian-2: agregasi geometrik; peringatan: tidak ada" in text
    assert re.search(r"agregasi geometrik: kategori berubah pada \d+ kab/kota", text)


def test_a_boundary_file_draws_a_real_map(tmp_path):
    from bnn_lib.reporting import charts

    square = lambda x: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]  # noqa: E731
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "11.01"},
                "geometry": {"type": "Polygon", "coordinates": square(0)},
            },
            {
                "type": "Feature",
                "properties": {"code": "11.02"},
                "geometry": {"type": "MultiPolygon", "coordinates": [square(2), square(4)]},
            },
        ],
    }
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps(geojson))
    ax = charts.boundary_map(data=pd.DataFrame({"code": ["11.01"], "color": ["#2c7bb6"]}), path=path, title="Peta")
    colors = [p.get_facecolor()[:3] for p in ax.patches]
    assert len(colors) == 3
    assert colors[0] == pytest.approx((0x2C / 255, 0x7B / 255, 0xB6 / 255))  # measured: its band colour
    assert colors[1] == pytest.approx((0xD9 / 255,) * 3)  # not in the colours: "tidak diukur" grey


def test_results_keep_the_spec_they_were_computed_with(sample_dir, tmp_path):
    import bnn_lib
    from bnn_lib.spec import modify

    spec = modify(bnn_lib.load_spec("ikotan-juknis-2021"), {"aggregation.method": "geometric"}, id="ikotan-geo")
    saved = bnn_lib.compute_year(2024, sample_dir, specs={"ikotan": spec}).save(tmp_path / "results")
    loaded = bnn_lib.load_results(2024, saved)
    assert loaded.specs["ikotan"].id == "ikotan-geo" and loaded.specs["ikotan"].aggregation.method == "geometric"


def test_a_workbook_open_in_excel_stops_neither_the_year_nor_the_next(reports_dir, tmp_path, capsys, monkeypatch):
    # Windows refuses to replace a file that Excel holds open: say so, keep the old workbook and
    # the year's reports, and go on with the next year.
    out = copy_reports(reports_dir, tmp_path)
    locked = out / "2023" / "tabel-kinerja-2023.xlsx"
    locked.parent.mkdir(parents=True, exist_ok=True)
    locked.write_bytes(b"the workbook a planner has open")
    replace = Path.replace

    def excel_holds(self, target):
        if Path(target) == locked:  # as os.replace says it: the source first, then the target
            raise PermissionError(errno.EACCES, "Permission denied", str(self), None, str(target))
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", excel_holds)
    args = reports_args(out, reports_dir / "no-data", ["11"])
    args[args.index("2024")] = "2023"
    args.insert(args.index("2023") + 1, "2024")
    capsys.readouterr()
    assert cli.main(args) == 1
    captured = capsys.readouterr()
    assert f"2023: kesalahan: {locked}: akses ditolak (sedang dibuka di Excel?" in captured.err
    assert "Traceback" not in captured.err and "2023: 1 dibuat" in captured.out and "2024: 1 dibuat" in captured.out
    assert locked.read_bytes() == b"the workbook a planner has open"
    assert [p.name for p in locked.parent.glob(".tabel-kinerja*")] == []  # no temporary file left
    for year in ("2023", "2024"):
        assert (out / year / "provinsi-11.html").exists() and (out / year / "index.html").exists()
    assert (out / "2024" / "tabel-kinerja-2024.xlsx").exists()


def test_reports_from_ikotan_data_alone(sample_dir, tmp_path):
    # A regional office with only the IKOTAN survey: every section copes, the index page too.
    data = tmp_path / "data" / "2024"
    data.mkdir(parents=True)
    for path in (Path(sample_dir) / "2024").glob("ikotan_*"):
        shutil.copy(path, data / path.name)
    out = tmp_path / "reports"
    args = reports_args(out, data.parent, ["11", "nasional"], "--replicates", "50", "--samples", "100")
    assert cli.main(args) == 0
    for name in ("provinsi-11.html", "nasional.html", "index.html"):
        text = visible_text((out / "2024" / name).read_text())
        assert not re.search(r"\b(nan|NaN|None)\b", text) and "Traceback" not in text
    assert "IKP tidak dihitung" in (out / "2024" / "provinsi-11.html").read_text()
    # The workbook holds what was computed, and no sheet of rows that the data do not have.
    book = load_workbook(out / "2024" / "tabel-kinerja-2024.xlsx", read_only=True)
    assert book.sheetnames == ["Kinerja", "Kinerja Provinsi", "IKOTAN", "Prioritas", "Catatan"]


# -- PDFs -------------------------------------------------------------------------------------------


@pytest.mark.skipif(pdf.unavailable() is not None, reason=str(pdf.unavailable()))
def test_reports_pdf_prints_beside_each_report_once(reports_dir, tmp_path, capsys):
    out = copy_reports(reports_dir, tmp_path)
    args = reports_args(out, reports_dir / "no-data", ["11", "nasional"], "--pdf")
    assert cli.main(args) == 0
    assert "2 dibuat; 2 PDF" in capsys.readouterr().out
    folder = out / "2024"
    for name in ("provinsi-11", "nasional"):
        assert (folder / f"{name}.pdf").read_bytes().startswith(b"%PDF-")
    index = (folder / "index.html").read_text()
    assert 'href="provinsi-11.pdf"' in index and 'href="nasional.pdf"' in index
    printed = (folder / "nasional.pdf").stat().st_mtime_ns
    assert cli.main(args) == 0  # up to date: neither report nor PDF is made again
    assert "2 tidak berubah; 2 PDF" in capsys.readouterr().out
    assert (folder / "nasional.pdf").stat().st_mtime_ns == printed
    manifest = {r["key"]: r for r in json.loads((folder / "manifest.json").read_text())["reports"]}
    assert {r["pdf"] for r in manifest.values()} == {"up to date"}
    # Rendered again without --pdf: the PDFs show the old pages, so they go, and the run says so.
    assert cli.main([a for a in args if a != "--pdf"] + ["--force"]) == 0
    assert "2 dibuat; 2 PDF lama dihapus" in capsys.readouterr().out
    assert not list(folder.glob("*.pdf"))


def test_without_chromium_reports_say_so_once_and_write_the_html(reports_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    out = copy_reports(reports_dir, tmp_path)
    assert cli.main(reports_args(out, reports_dir / "no-data", ["11", "12"], "--pdf")) == 0
    printed = capsys.readouterr().out
    assert printed.count("Tanpa PDF") == 1 and "2 dibuat" in printed
    assert (out / "2024" / "provinsi-12.html").is_file() and not list((out / "2024").glob("*.pdf"))


def test_a_pdf_status_of_an_earlier_run_is_not_carried_into_the_next(reports_dir, tmp_path):
    out = copy_reports(reports_dir, tmp_path)
    settings = batch.Batch(year=2024, out=out, provinces=["11"], levels=("provinsi",), progress=False)
    assert [o.status for o in batch.run(settings)] == ["ok"]
    path = out / "2024" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["reports"][0]["pdf"] = "provinsi-11.html: TimeoutError"  # as a failed --pdf run left it
    path.write_text(json.dumps(manifest))
    [again] = batch.run(settings)  # no --pdf this time
    assert (again.status, again.pdf) == ("skipped", "")
    assert "PDF" not in batch.summary([again])
