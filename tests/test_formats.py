"""How the reports write what is not a measured number: dates."""

from __future__ import annotations

from datetime import UTC, datetime

from bnn_lib.reporting.fmt import tanggal


def test_a_date_reads_as_indonesian_prose():
    assert tanggal(datetime(2026, 12, 7, 21, 41, tzinfo=UTC)) == "7 Desember 2026"
    assert tanggal(datetime(2025, 3, 1)) == "1 Maret 2025"
