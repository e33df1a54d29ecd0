"""Data as BNN's offices hold it → checked tables: wide or long survey tables, exports of
KoboToolbox and ODK Central, Indonesian-locale spreadsheets, one file per office.

The intake reads and checks; it computes nothing. A year is read and checked whole by
:mod:`bnn_lib.inputs`, which adds the checks that need a computed figure:

    from bnn_lib.inputs import check_year, load_inputs
    loaded = check_year(Path("data"), 2024, specs)   # every problem, nothing raised
"""

from bnn_lib.intake.load import Loaded, finish, read_table, read_year
from bnn_lib.intake.problems import DataError, Problem
from bnn_lib.intake.survey import unfold
from bnn_lib.intake.tables import TABLES, table_columns

__all__ = [
    "TABLES",
    "DataError",
    "Loaded",
    "Problem",
    "finish",
    "read_table",
    "read_year",
    "table_columns",
    "unfold",
]
