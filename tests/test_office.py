"""What goes to offices and comes back: input templates, survey forms, the validation report.

A template is filled as an office would (openpyxl writing into the sheets, kab/kota picked as the
dropdown writes it) and must compute to the numbers of the long-form sample. A survey form is
converted by pyxform (and checked by ODK Validate where Java is installed); an export is built
from the XForm pyxform produced, not from our own writer, and read straight back in.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import one_row_per_respondent
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bnn_lib import cli
from bnn_lib.inputs import check_year
from bnn_lib.intake import names
from bnn_lib.office.template import write_template
from bnn_lib.office.xlsform import write_form
from bnn_lib.pipeline import compute_year
from bnn_lib.regions import regions
from bnn_lib.sample import LABEL
from bnn_lib.spec import DEFAULT_SPECS, choose_specs, load_spec

SPEC = load_spec(DEFAULT_SPECS["ikotan"])


def sample_tables(sample_dir: str, province: str) -> dict[str, pd.DataFrame]:
    """The sample's 2024 IKOTAN answers (wide), kawasan and outputs of one province."""
    folder = Path(sample_dir) / "2024"
    people = pd.read_parquet(folder / f"ikotan_respondents_{LABEL}.parquet")
    answers = pd.read_parquet(folder / f"ikotan_answers_{LABEL}.parquet")
    wide = one_row_per_respondent(people, answers, SPEC)
    kawasan = pd.read_csv(folder / f"kawasan_assessments_{LABEL}.csv", dtype={"kabkota_code": str})
    outputs = pd.read_excel(folder / f"program_outputs_{LABEL}.xlsx", dtype={"kabkota_code": str}, engine="calamine")
    return {
        "ikotan_survey": wide[wide["kabkota_code"].str[:2] == province],
        "kawasan_assessments": kawasan[kawasan["kabkota_code"].str[:2] == province],
        "program_outputs": outputs[outputs["kabkota_code"].str[:2] == province],
    }


def fill(path: Path, tables: dict[str, pd.DataFrame], year: int) -> None:
    """Type the tables into the template's sheets, under its headers, as an office would."""
    book = load_workbook(path)
    labels = regions().labels
    for name, table in tables.items():
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        ids = {names.header(column): column for column in table.columns} | {"tahun": "year"}
        for i, record in enumerate(table.to_dict("records"), start=2):
            record = record | {"year": year}
            record["kabkota_code"] = f"{record['kabkota_code']} {labels[record['kabkota_code']]}"
            if "phase" in record:  # the dropdown's word
                record["phase"] = {"mapping": "pemetaan", "before": "sebelum", "after": "sesudah"}[record["phase"]]
            for j, column in enumerate(header, start=1):
                value = record.get(ids.get(column, column))
                if value is not None and not (isinstance(value, float) and np.isnan(value)):
                    sheet.cell(i, j, value)
    book.save(path)


def test_template_sheets_lists_and_guide(tmp_path):
    path = write_template(2025, tmp_path, "Aceh")
    assert path.name == "templat-2025-11-aceh.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Petunjuk", "ikotan_survey", "ikp_survey", "kawasan_assessments", "ikktt_areas",
                               "program_outputs", "daftar"]  # fmt: skip
    assert book["daftar"].sheet_state == "hidden"
    survey = book["ikotan_survey"]
    header = [c.value for c in survey[1]]
    assert header[:4] == ["id_responden", "kode_kab_kota", "kelompok", "bobot"]
    assert header[4:] == [it.id for ind in SPEC.indicators for it in ind.items]
    lists = {c[0].value: [x.value for x in c[1:] if x.value is not None] for c in book["daftar"].iter_cols()}
    aceh = regions().kabkota_of("11")
    assert lists["kabkota"] == [f"{c} {regions().label(c)}" for c in aceh["code"]] and len(aceh) == 23
    assert lists[f"kelompok {SPEC.id}"] == list(SPEC.groups)
    assert lists[f"jawaban {SPEC.id}"] == [1, 2, 3, 4, 9]
    rules = {str(rule.sqref).split()[0]: rule for rule in survey.data_validations.dataValidation}
    assert rules["B2:B1048576"].formula1 == "='daftar'!$A$2:$A$24"
    assert "E2:E1048576" in str(rules["E2:E1048576"].sqref) and rules["E2:E1048576"].type == "list"
    guide = [r[0] for r in book["Petunjuk"].iter_rows(values_only=True)]
    for name in ("ikotan_survey", "kawasan_assessments", "program_outputs"):
        assert any(str(g).startswith(f"Lembar {name}") for g in guide)
    assert set(header) <= set(guide)


def test_a_filled_template_validates_and_computes_with_no_edits(sample_dir, tmp_path):
    tables = sample_tables(sample_dir, "11")
    data = tmp_path / "data"
    path = write_template(2025, data / "2025", "11")
    fill(path, tables, 2025)
    assert cli.main(["validate", "--year", "2025", "--data", str(data), "--out", str(tmp_path / "v")]) == 0
    results = compute_year(2025, data)
    reference = tmp_path / "long" / "2025"
    reference.mkdir(parents=True)
    folder = Path(sample_dir) / "2024"
    people = pd.read_parquet(folder / f"ikotan_respondents_{LABEL}.parquet")
    aceh = people[people["kabkota_code"].str[:2] == "11"]
    aceh.to_parquet(reference / "ikotan_respondents.parquet")
    answers = pd.read_parquet(folder / f"ikotan_answers_{LABEL}.parquet")
    answers[answers["respondent_id"].isin(set(aceh["respondent_id"]))].to_parquet(reference / "ikotan_answers.parquet")
    tables["kawasan_assessments"].assign(year=2025).to_csv(reference / "kawasan_assessments.csv", index=False)
    tables["program_outputs"].assign(year=2025).to_csv(reference / "program_outputs.csv", index=False)
    expected = compute_year(2025, reference.parent)
    for table, column in [("ikotan_kabkota", "value"), ("ikkrn_regions", "n_pulih"), ("outputs", "penggiat_formed")]:
        got = results.table(table).set_index(results.table(table).columns[0])[column]
        want = expected.table(table).set_index(expected.table(table).columns[0])[column]
        pd.testing.assert_series_equal(got, want)


def test_a_template_whose_survey_sheet_was_renamed_is_still_read(sample_dir, tmp_path):
    """An office renames the sheet to "Data" and names the file after the table: every visible
    sheet is a possible part of the table, and only "Data" names its columns (the guide is
    passed over, the hidden lists are never read)."""
    tables = sample_tables(sample_dir, "11")
    data = tmp_path / "data"
    path = write_template(2025, data / "2025", "11")
    fill(path, {"ikotan_survey": tables["ikotan_survey"]}, 2025)
    book = load_workbook(path)
    book["ikotan_survey"].title = "Data"
    book.save(data / "2025" / "ikotan_survey_bnnp-aceh.xlsx")
    path.unlink()
    got = compute_year(2025, data).table("ikotan_kabkota").set_index("kabkota_code")["value"]
    want = compute_year(2024, sample_dir).table("ikotan_kabkota").set_index("kabkota_code")["value"]
    pd.testing.assert_series_equal(got, want[want.index.str[:2] == "11"])


def xform(path: Path) -> ET.Element:
    """The XForm pyxform makes of an XLSForm, checked by ODK Validate when Java is there."""
    from pyxform import xls2xform

    warnings: list[str] = []
    result = xls2xform.convert(xlsform=str(path), warnings=warnings, validate=shutil.which("java") is not None)
    assert warnings == []
    return ET.fromstring(result.xform)


XF = "{http://www.w3.org/2002/xforms}"


def test_form_converts_and_asks_each_item_of_the_groups_of_the_spec(tmp_path):
    root = xform(write_form(SPEC, tmp_path / "ikotan.xlsx"))
    binds = {b.get("nodeset"): b for b in root.iter(f"{XF}bind")}
    for variable in SPEC.variables:
        for indicator in variable.indicators:
            for item in indicator.items:
                relevant = binds[f"/data/{variable.id}/{item.id}"].get("relevant")
                asked = {part.split("'")[1] for part in relevant.split(" or ")}
                assert asked == set(indicator.groups), item.id
    kabkota = next(s for s in root.iter(f"{XF}select1") if s.get("ref") == "/data/kabkota_code")
    assert "provinsi= /data/province_code" in kabkota.find(f"{XF}itemset").get("nodeset")
    scale = next(i for i in root.iter(f"{XF}instance") if i.get("id") == "skala")
    assert [n.text for n in scale.iter(f"{XF}name")] == ["1", "2", "3", "4", "9"]


def export_headers(root: ET.Element, separator: str) -> list[str]:
    """The columns an export of the form has: each leaf of the instance as a path from the root."""
    data = next(i for i in root.iter(f"{XF}instance") if i.get("id") is None)[0]
    headers = []

    def walk(node: ET.Element, path: list[str]) -> None:
        children = list(node)
        if not children:
            headers.append(separator.join(path))
        for child in children:
            walk(child, [*path, child.tag.removeprefix(XF)])

    for child in data:
        walk(child, [child.tag.removeprefix(XF)])
    return headers


@pytest.mark.parametrize(("tool", "separator", "sep"), [("kobo", "/", ";"), ("odk", "-", ",")])
def test_an_export_of_the_form_is_read_back_in(sample_dir, tmp_path, tool, separator, sep):
    root = xform(write_form(SPEC, tmp_path / "ikotan.xlsx"))
    headers = export_headers(root, separator)
    answers = sample_tables(sample_dir, "31")["ikotan_survey"]
    export = pd.DataFrame({"province_code": answers["kabkota_code"].str[:2]})
    for header in headers:
        leaf = header.rsplit(separator, 1)[-1]
        if leaf in answers:
            export[header] = answers[leaf].to_numpy()
    meta = f"meta{separator}instanceID"
    export[meta] = "uuid:" + answers["respondent_id"].to_numpy()
    if tool == "kobo":
        export["_uuid"], export["_index"] = answers["respondent_id"].to_numpy(), np.arange(len(export)) + 1
    else:
        export["KEY"], export["SubmissionDate"] = answers["respondent_id"].to_numpy(), "2024-05-02"
    for header in headers:  # the interview's own questions, and one interview refused
        leaf = header.rsplit(separator, 1)[-1]
        values = {
            "nama_pencacah": "Siti",
            "tanggal_wawancara": "2024-11-05",
            "persetujuan": "ya",
            "wawancara_selesai": "",
        }
        if leaf in values:
            export[header] = values[leaf]
    refused = {h: "" for h in export.columns} | {
        meta: "uuid:x",
        next(h for h in headers if h.endswith("persetujuan")): "tidak",
    }
    export = pd.concat([export, pd.DataFrame([refused])], ignore_index=True)
    assert set(headers) <= set(export.columns)
    data = tmp_path / "data" / "2024"
    data.mkdir(parents=True)
    export.to_csv(data / "ikotan_survey.csv", sep=sep, index=False)
    loaded = check_year(data.parent, 2024, choose_specs())
    assert loaded.problems == [] and loaded.warnings == []  # the extra columns are the form's own: no word
    got = compute_year(2024, data.parent).table("ikotan_kabkota").set_index("kabkota_code")["value"]
    want = compute_year(2024, sample_dir).table("ikotan_kabkota").set_index("kabkota_code")["value"]
    pd.testing.assert_series_equal(got, want[want.index.str[:2] == "31"])


def test_the_form_asks_who_when_and_consent_and_requires_every_item(tmp_path):
    root = xform(write_form(SPEC, tmp_path / "ikotan.xlsx"))
    binds = {b.get("nodeset").removeprefix("/data/"): b for b in root.iter(f"{XF}bind")}
    assert binds["nama_pencacah"].get("required") == "true()" and binds["nama_pencacah"].get("type") == "string"
    assert binds["tanggal_wawancara"].get("type") == "date"
    assert binds["persetujuan"].get("required") == "true()"
    today = [s for s in root.iter(f"{XF}setvalue") if s.get("ref") == "/data/tanggal_wawancara"]
    defaults = {e.tag.removeprefix(XF): e.text for i in root.iter(f"{XF}instance") if i.get("id") is None for e in i[0]}
    assert today or defaults.get("tanggal_wawancara") == "today()" or "today()" in ET.tostring(root, encoding="unicode")
    consent = "/data/persetujuan = 'ya'"
    for name in ("province_code", "kabkota_code", "group", *[v.id for v in SPEC.variables]):
        assert consent in " ".join(binds[name].get("relevant", "").split()), name
    items = [f"{v.id}/{it.id}" for v in SPEC.variables for ind in v.indicators for it in ind.items]
    assert all(binds[i].get("required") == "true()" for i in items)
    assert "tidak tahu" in binds[items[0]].get("{http://openrosa.org/javarosa}requiredMsg", "").lower()


def test_validate_lists_every_problem_per_file(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    year = data / "2024"
    kawasan = pd.read_csv(year / f"kawasan_assessments_{LABEL}.csv", dtype=str)
    kawasan.loc[4, "phase"] = "sesudahnya"
    kawasan.to_csv(year / f"kawasan_assessments_{LABEL}.csv", index=False)
    (year / f"targets_{LABEL}.csv").write_bytes(b"")
    (year / "ikktt_areas_bnnp.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (year / "catatan.txt").write_text("catatan rapat")
    out = tmp_path / "validasi"
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    rows = CalamineWorkbook.from_path(str(out / "validasi-2024.xlsx")).get_sheet_by_name("Masalah").to_python()
    assert rows[0] == [
        "Jenis",
        "Berkas",
        "Lembar",
        "Baris",
        "Kolom",
        "Nilai",
        "Masalah",
        "Sama dengan",
        "Baris terdampak",
    ]
    found = {(r[0], r[1], r[3], r[4], r[5]) for r in rows[1:]}
    assert ("Harus diperbaiki", f"2024/kawasan_assessments_{LABEL}.csv", 6.0, "D (phase)", "sesudahnya") in found
    assert ("Harus diperbaiki", f"2024/targets_{LABEL}.csv", "", "", "") in found
    assert ("Harus diperbaiki", "2024/ikktt_areas_bnnp.xlsx", "", "", "") in found
    assert ("Peringatan", "2024/catatan.txt", "", "", "") in found
    assert len(rows) == 1 + 4
    summary = CalamineWorkbook.from_path(str(out / "validasi-2024.xlsx")).get_sheet_by_name("Ringkasan").to_python()
    assert [r[0] for r in summary[1:]] == sorted(r[0] for r in summary[1:])
    per_file = sorted(p.name for p in (out / "per-berkas-2024").iterdir())
    assert per_file == sorted(
        [
            "catatan.txt.xlsx",
            "ikktt_areas_bnnp.xlsx.xlsx",
            f"kawasan_assessments_{LABEL}.csv.xlsx",
            f"targets_{LABEL}.csv.xlsx",
        ]
    )
    page = (out / "validasi-2024.html").read_text()
    assert "Data belum dapat dihitung" in page and "sesudahnya" in page
    # The office fixes its kawasan file: the next report no longer sends it a list.
    shutil.copy(Path(sample_dir) / "2024" / f"kawasan_assessments_{LABEL}.csv", year)
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    assert f"kawasan_assessments_{LABEL}.csv.xlsx" not in {p.name for p in (out / "per-berkas-2024").iterdir()}


def test_validate_passes_clean_data_with_warnings(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    (data / "2024" / "catatan.txt").write_text("catatan rapat")
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(tmp_path / "v")]) == 0
    assert "Data dapat dihitung" in (tmp_path / "v" / "validasi-2024.html").read_text()


def written_text(folder: Path) -> dict[str, str]:
    """Every file of the validation report, as text (a workbook's XML parts)."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                out[path.name] = "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
        else:
            out[path.name] = path.read_text(encoding="utf-8")
    return out


def test_a_file_that_is_not_a_table_is_named_in_the_report_never_quoted(sample_dir, tmp_path):
    # Files an office may drop in the folder that hold no table, some named like one: a letter
    # saved as text, a workbook of its own, a note. The report goes back to offices: it may name
    # each file (as the data folder has it), and say nothing of what is inside.
    data = tmp_path / "data"
    shutil.copytree(Path(sample_dir) / "2024", data / "2024")
    (data / "2024" / "ikotan_respondents_surat.txt").write_text("RAHASIA-SURAT Kepada Yth. Bapak\nisi surat\n")
    pd.DataFrame({"RAHASIA-JUDUL": ["RAHASIA-SEL"]}).to_excel(
        data / "2024" / "targets_lama.xlsx", sheet_name="RAHASIA-LEMBAR", index=False
    )
    (data / "2024" / "catatan rapat.csv").write_text("RAHASIA-CATATAN,isi\n1,2\n")
    out = tmp_path / "validasi"
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    texts = written_text(out)
    assert {"validasi-2024.xlsx", "validasi-2024.html"} <= set(texts) and len(texts) >= 5
    for name in ("2024/ikotan_respondents_surat.txt", "2024/targets_lama.xlsx", "2024/catatan rapat.csv"):
        assert name in texts["validasi-2024.html"] and name in texts["validasi-2024.xlsx"], name
    leaks = {name: re.findall(r"RAHASIA-\w+", text) for name, text in texts.items()}
    assert not any(leaks.values()), leaks
    assert str(data) not in texts["validasi-2024.html"]  # the data folder by its name: it names the machine


def test_the_template_speaks_the_offices_language(tmp_path):
    book = load_workbook(write_template(2025, tmp_path, "Aceh"))
    headers = {name: [c.value for c in book[name][1]] for name in book.sheetnames[1:-1]}
    assert headers["kawasan_assessments"][:6] == [
        "id_kawasan",
        "kode_kab_kota",
        "tahun",
        "fase",
        "status",
        "kasus_narkoba",
    ]
    assert headers["ikktt_areas"][:5] == ["id_kawasan", "kode_kab_kota", "tahun", "fase", "diintervensi"]
    assert headers["program_outputs"] == [
        "kode_kab_kota", "tahun", "penggiat_dibentuk", "kawasan_diintervensi", "peserta_kecakapan_hidup"
    ]  # fmt: skip
    lists = {c[0].value: [x.value for x in c[1:] if x.value is not None] for c in book["daftar"].iter_cols()}
    assert lists["fase"] == ["pemetaan", "sebelum", "sesudah"] or lists["fase"] == ["sebelum", "sesudah"]
    assert ["sebelum", "sesudah"] in lists.values() and ["ya", "tidak"] in lists.values()
    guide = "\n".join(str(c) for row in book["Petunjuk"].iter_rows(values_only=True) for c in row if c)
    assert "bnn " not in guide and "jalankan" not in guide  # no command for a clerk to run
    for words in ("BNNP", "Deputi Bidang Pemberdayaan Masyarakat", "email", ".xlsx", "Lembar ikotan_survey"):
        assert words in guide, words


def test_the_validation_workbook_groups_a_cause_and_stores_counts_as_numbers(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    path = data / "2024" / f"ikotan_respondents_{LABEL}.parquet"
    people = pd.read_parquet(path)
    people["weight"] = np.where(np.arange(len(people)) == 10, 0.0, np.nan)  # record 11 (Parquet has no header row)
    people.to_parquet(path)
    out = tmp_path / "v"
    assert cli.main(["validate", "--year", "2024", "--data", str(data), "--out", str(out)]) == 1
    book = load_workbook(out / "validasi-2024.xlsx")
    rows = list(book["Masalah"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["Harus diperbaiki"] + ["Terdampak"] * 21
    cause = rows[0]
    assert (cause[3], cause[4], cause[5], cause[8]) == (11, "weight", 0, len(people) - 1)
    assert [r[3] for r in rows[1:21]] == [r for r in range(1, 22) if r != 11]
    assert rows[21][8] == len(people) - 1 - 20
    summary = {r[0]: r for r in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary[f"2024/ikotan_respondents_{LABEL}.parquet"][4:6] == (1, 0)
    for sheet in book.worksheets:  # every count and row number is a number, never text
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.strip().isdigit()), cell.coordinate
