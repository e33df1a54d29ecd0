"""The report of one kab/kota: its numbers as the results hold them, ranks worked out here with
plain pandas, small groups blanked, links from the province report, and a test of the ranking
rule by hand."""

from __future__ import annotations

import dataclasses
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from bnn_lib.reporting import batch
from bnn_lib.reporting import data as rd
from bnn_lib.reporting.fmt import angka
from bnn_lib.reporting.sections import ikotan as ikotan_section
from bnn_lib.reporting.sections import kabkota, methodology
from bnn_lib.results import Results


def visible(page: str) -> str:
    """The text of an HTML page, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_ranks_by_hand():
    from bnn_lib.ranking import with_ranks

    table = pd.DataFrame({"kabkota_code": ["a", "b", "c", "d", "e"], "value": [3.1, 3.5, 3.5, 2.0, np.nan]})
    rows = with_ranks(table.assign(province_code="11")).set_index("kabkota_code")
    # Highest first; the two 3.5 share rank 1, so 3.1 is third; no value, no rank.
    assert [kabkota.rank_in(rows.loc[c], "national") for c in "abcde"] == [(3, 4), (1, 4), (1, 4), (4, 4), None]


@pytest.fixture(scope="module")
def aceh_kabkota(rendered) -> tuple[str, str]:
    """The Aceh kab/kota with the most respondents, and the visible text of its report."""
    table = pd.read_parquet(rendered / "results" / "ikotan_kabkota.parquet")
    code = table[table["province_code"] == "11"].sort_values("n_respondents").iloc[-1]["kabkota_code"]
    return code, visible((rendered / f"kabkota/kabkota-{code}.html").read_text())


def test_the_kabkota_report_shows_its_numbers_and_ranks(rendered, aceh_kabkota):
    code, text = aceh_kabkota
    results = rendered / "results"
    ikotan = pd.read_parquet(results / "ikotan_kabkota.parquet").set_index("kabkota_code")
    row = ikotan.loc[code]
    assert row["kabkota"] in text and "Provinsi Aceh" in text
    # Its rank among the measured kab/kota of Aceh and of the nation: one more than those above it.
    aceh = ikotan[ikotan["province_code"] == "11"]["value"]
    above_in_aceh, above = (aceh > row["value"]).sum(), (ikotan["value"] > row["value"]).sum()
    assert f"peringkat {above_in_aceh + 1} dari {len(aceh)} kab/kota di Provinsi Aceh" in text
    assert f"dan {above + 1} dari {len(ikotan)} secara nasional" in text
    assert f"sebesar {angka(row['value'], 2)}" in text and row["band"] in text
    interval = pd.read_parquet(results / "ikotan_intervals.parquet").set_index("region_code").loc[code]
    # On the headline scale, 1–4: the 0–100 bounds mapped back by hand (y / 100 × 3 + 1).
    lo, hi = (interval[c] / 100 * 3 + 1 for c in ("lo95", "hi95"))
    assert f"{angka(lo, 2)}–{angka(hi, 2)}" in text
    outputs = pd.read_parquet(results / "outputs.parquet").set_index("kabkota_code").loc[code]
    assert f"Penggiat anti narkoba yang dibentuk orang – {angka(outputs['penggiat_formed'], 0)}" in text
    for heading in ("Ringkasan", "Capaian kinerja", "Menurut kelompok responden", "Kawasan rawan", "Tren"):
        assert heading in text
    assert "Yang belum pasti" in text and f"dihitung dari {angka(row['n_respondents'], 0)} responden" in text


def test_small_groups_are_blanked_in_the_kabkota_report(rendered, aceh_kabkota):
    code, _ = aceh_kabkota
    data = rd.load(2024, str(rendered.parent))
    groups = data.table("ikotan_groups")
    own = groups[(groups["kabkota_code"] == code) & groups["score"].notna()]
    small = own["group"].iloc[0]  # pretend this group had too few respondents
    flagged = groups.assign(small_cell=(groups["kabkota_code"] == code) & (groups["group"] == small))
    tables = {**data.results.tables, "ikotan_groups": flagged}
    changed = dataclasses.replace(data, results=Results(2024, tables, data.results.specs))
    changed = dataclasses.replace(changed, history={**data.history, 2024: changed.results})
    html = kabkota.groups(changed, code).html.split("</table>")[0]  # the IKOTAN table
    spec = data.spec("ikotan")
    head = re.search(r"<thead>(.*?)</thead>", html).group(1)
    names = re.findall(r"<th[^>]*>(.*?)</th>", head)[1:]
    column = names.index(spec.groups[small].name)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r)[1:] for r in re.findall(r"<tr>(.*?)</tr>", html)[1:-1]]
    assert all(c[column] == "–" for c in cells)  # every score of the small group blanked
    before = kabkota.groups(data, code).html.split("</table>")[0]
    shown = [re.findall(r"<td[^>]*>(.*?)</td>", r)[1:] for r in re.findall(r"<tr>(.*?)</tr>", before)[1:-1]]
    assert any(c[column] != "–" for c in shown)  # they were shown before
    # The respondent count of the group stays: it is what tells the reader why.
    counts = re.findall(r"<td[^>]*>(.*?)</td>", re.findall(r"<tr>(.*?)</tr>", html)[-1])[1:]
    assert counts[column] == angka(own[own["group"] == small]["n_respondents"].max(), 0)


def test_the_province_report_links_each_kabkota_report(rendered):
    page = (rendered / "provinsi-11.html").read_text()
    links = set(re.findall(r'href="(kabkota/[^"]+\.html)"', page))
    ikotan = pd.read_parquet(rendered / "results" / "ikotan_kabkota.parquet")
    assert links == {f"kabkota/kabkota-{c}.html" for c in ikotan[ikotan["province_code"] == "11"]["kabkota_code"]}
    assert all((rendered / link).is_file() for link in links)


def test_a_province_report_links_only_the_kabkota_reports_that_exist(rendered, tmp_path):
    data = rd.load(2024, str(rendered.parent))
    assert 'href="kabkota/' in ikotan_section(data, "11").html
    elsewhere = dataclasses.replace(data, folder=tmp_path)  # a folder with no kab/kota report
    assert 'href="kabkota/' not in ikotan_section(elsewhere, "11").html
    # The batch names the reports that stand: only those are linked, wherever the results are.
    one = sorted(set(re.findall(r'href="kabkota/kabkota-([^"]+)\.html"', ikotan_section(data, "11").html)))[0]
    links = re.findall(r'href="(kabkota/[^"]+)"', ikotan_section(elsewhere, "11", linked=[one]).html)
    assert links == [f"kabkota/kabkota-{one}.html"]


def test_a_kabkota_report_counts_only_its_own_data_warnings(rendered):
    data = rd.load(2024, str(rendered.parent))
    warnings = ["11.06: jawaban kosong 40 %", "11.09: jawaban kosong 35 %", "31.71: kode lama"]
    changed = dataclasses.replace(data, meta={**data.meta, "warnings": warnings})
    text = methodology(changed, "11.06").html
    assert "1 hal perlu diperiksa" in text and "Kab. Aceh Besar (1)" in text
    assert "jawaban kosong" not in text  # the warning quotes the input: it stays with the analyst
    assert "11.09" not in text and "Simeulue" not in text and "31.71" not in text
    assert "Peringatan data" in kabkota.uncertain(changed, "11.06").html
    assert "Peringatan data" not in kabkota.uncertain(changed, "11.11").html


def test_a_province_report_follows_its_kabkota_reports_across_runs(reports_dir, tmp_path):
    # Provinces alone first: no kab/kota link. Then with the kab/kota: every one is rendered
    # before the province report, which is rendered again to link them all; then nothing changes.
    for year in ("2023", "2024"):
        shutil.copytree(reports_dir / year / "results", tmp_path / year / "results")
    ikotan = pd.read_parquet(tmp_path / "2024" / "results" / "ikotan_kabkota.parquet")
    aceh = {f"kabkota/kabkota-{c}.html" for c in ikotan[ikotan["province_code"] == "11"]["kabkota_code"]}

    def run(*levels: str) -> dict[str, str]:
        settings = batch.Batch(year=2024, out=tmp_path, provinces=["11"], levels=levels, progress=False, jobs=2)
        return {o.key: o.status for o in batch.run(settings)}

    def links() -> set[str]:
        return set(re.findall(r'href="(kabkota/[^"]+\.html)"', (tmp_path / "2024" / "provinsi-11.html").read_text()))

    assert run("provinsi") == {"11": "ok"} and links() == set()
    statuses = run("provinsi", "kabkota")
    assert statuses.pop("11") == "ok" and set(statuses.values()) == {"ok"} and len(statuses) == len(aceh)
    assert links() == aceh
    assert set(run("provinsi", "kabkota").values()) == {"skipped"}
