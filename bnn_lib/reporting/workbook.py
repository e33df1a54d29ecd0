"""The performance workbook of a year (tabel kinerja): the figures of the Laporan Kinerja as
numbers that planners can copy into the LAKIP, filter and sum.

    write(2024)    # reports/2024/tabel-kinerja-2024.xlsx, from reports/2024/results

Sheets:

- ``Kinerja``: the nation's performance table as a Laporan Kinerja shows it, its indicators under
  a heading row per sasaran: satuan, target, realisasi of the year and of the year before,
  capaian, and the end-of-period (Renstra) target with the capaian against it where the
  targets give one (:mod:`.kinerja`);
- ``Kinerja Provinsi``: the same table for each province under a heading row, each province on
  a printed page of its own; every row carries the province's code and name, so that a filter
  on either keeps a province's whole table;
- the sheets of each index computed (``IKOTAN``, ``IKP``, ``IKKRN pemetaan`` and ``IKKRN
  pemulihan``, ``IKKTT``, named by the spec; :func:`.sheets.index_sheets`): the nation, then
  each province followed by its kab/kota, with values, band, the interval, the change from the
  previous year and the small-cell flag where the results have them;
- ``Output``: the programme outputs of the nation and each province against their targets, and
  of each kab/kota (left out when the data have no outputs);
- ``Prioritas``: the priority lists with the numbers behind them;
- ``Catatan``: notes, the specs and their elements in words (:mod:`.catatan`).

Every sheet prints landscape on A4, one page wide, its title and header on every page, its name
and page number in the footer; the columns are laid out so that no sheet is scaled below about
8 pt (:mod:`.worksheets`).

The workbook only reads the saved results (:func:`bnn_lib.reporting.data.load`): every figure is
a value of a result table, never recomputed and never a formula. Text is stored as text (a name
that begins with ``=`` is not run), a missing value is an empty cell, and the file is written
through a temporary file and a rename (:mod:`bnn_lib.writing`).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from bnn_lib.reporting import kinerja
from bnn_lib.reporting.catatan import notes
from bnn_lib.reporting.data import ReportData, load
from bnn_lib.reporting.sheets import OUTPUT, PLACE, PRIORITAS, index_frame, index_sheets, output_frame, priority_frame
from bnn_lib.reporting.worksheets import headings, table
from bnn_lib.workspace import workspace
from bnn_lib.writing import save_workbook


def file_name(year: int) -> str:
    """The workbook's file name: ``tabel-kinerja-<year>.xlsx``."""
    return f"tabel-kinerja-{year}.xlsx"


def path_for(year: int, base: Path | None = None) -> Path:
    """Where the batch puts the workbook of ``year``: ``<base>/<year>/tabel-kinerja-<year>.xlsx``."""
    return (base or workspace().reports) / str(year) / file_name(year)


def write(year: int, base: Path | None = None, to: Path | None = None) -> Path:
    """Write the workbook of ``year`` from the saved results under ``base`` (default
    ``reports/``, results in ``<base>/<year>/results``) to ``to`` (default :func:`path_for`),
    atomically; returns the path written."""
    data = load(year, str(base) if base else None)
    return save_workbook(workbook(data), to or path_for(year, base))


def workbook(data: ReportData) -> Workbook:
    """The workbook of the results in ``data``: Kinerja, Kinerja Provinsi, the sheets of each
    index, Output, Prioritas, Catatan."""
    book = Workbook()
    _performance(book, data)
    for index, spec in data.results.specs.items():
        if data.table(f"{index}_regions") is not None:
            frame = index_frame(data, index)
            heading = f"{spec.title} ({spec.index}) {data.year}: nasional, provinsi dan kab/kota"
            for name, columns in index_sheets(data, index, frame):
                table(book.create_sheet(name), data, heading, columns, frame, frozen_columns=len(PLACE))
    outputs = output_frame(data)
    if not outputs.empty:  # an office with survey data only has no outputs to show
        heading = f"Keluaran program {data.year}: target, realisasi dan capaian per wilayah"
        table(book.create_sheet("Output"), data, heading, OUTPUT, outputs, frozen_columns=len(PLACE))
    priorities = priority_frame(data)
    if not priorities.empty:
        heading = (
            f"Prioritas tindak lanjut {data.year}: nasional, per provinsi dan per kab/kota, dengan angka di baliknya"
        )
        table(book.create_sheet("Prioritas"), data, heading, PRIORITAS, priorities, frozen_columns=3)
    notes(book.create_sheet("Catatan"), data)
    return book


def _performance(book: Workbook, data: ReportData) -> None:
    """The Kinerja sheets: the nation's table first (the workbook's first sheet), then the
    provinces' (left out without provinces)."""
    sheet, nation = book.active, kinerja.national_frame(data)
    sheet.title = "Kinerja"
    columns = kinerja.columns(data, nation)
    table(sheet, data, f"Capaian kinerja nasional {data.year}", columns, nation)
    headings(sheet, nation, columns, "indicator")
    provinces = kinerja.province_frame(data)
    if not provinces.empty:
        columns = kinerja.columns(data, provinces, provinces=True)
        sheet = book.create_sheet("Kinerja Provinsi")
        table(sheet, data, f"Capaian kinerja provinsi {data.year}", columns, provinces, frozen_columns=2)
        headings(sheet, provinces, columns, "indicator")
