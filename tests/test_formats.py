"""How the reports write dates and times, and an index on its headline scale."""

from __future__ import annotations

from datetime import UTC, datetime

from bnn_lib.reporting.fmt import tanggal, waktu
from bnn_lib.reporting.headline import Headline


def test_a_date_reads_as_indonesian_prose():
    assert tanggal(datetime(2026, 12, 7, 21, 41, tzinfo=UTC)) == "7 Desember 2026"
    assert tanggal(datetime(2025, 3, 1)) == "1 Maret 2025"


def test_a_moment_reads_as_indonesian_prose_with_its_zone():
    assert waktu(datetime(2026, 12, 8, 0, 21, 49, tzinfo=UTC)) == "8 Desember 2026 pukul 00.21 UTC"
    assert waktu(datetime(2025, 3, 1, 14, 5)) == "1 Maret 2025 pukul 14.05"


def test_a_headline_value_change_and_interval_are_written_at_the_spec_decimals():
    on_score = Headline(on_score=True, low=1, high=4, decimals=2)
    assert on_score.column("value_100") == "value" and on_score.column("lo95") == "lo95_score"
    assert on_score.column("change") == "change_score" and on_score.column("lower") == "lower_scale"
    assert (on_score.value(3.215), on_score.change(-0.004), on_score.scale) == ("3,22", "0,00", "1–4")
    assert on_score.interval(3.18, 3.25) == "3,18–3,25"
    # An interval narrower than the value's last digit gets the digits that tell its ends apart.
    assert on_score.interval(3.3271, 3.3342) == "3,327–3,334"
    rescaled = Headline(on_score=False, low=0, high=100, decimals=1)
    assert rescaled.column("value_100") == "value_100" and rescaled.other("value_100") == "value"
    assert (rescaled.value(73.25), rescaled.interval(-2.04, 3.0)) == ("73,3", "−2,0 s.d. 3,0")
