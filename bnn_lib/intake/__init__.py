"""Data as BNN's offices hold it → checked tables: wide or long survey tables, exports of
KoboToolbox and ODK Central, Indonesian-locale spreadsheets, one file per office.

    from bnn_lib.intake import check_year, load_inputs
    loaded = check_year(Path("data"), 2024, specs)   # every problem, nothing raised
"""

from bnn_lib.intake.load import Loaded, check_year, load_inputs, read_table
from bnn_lib.intake.problems import DataError, Problem
from bnn_lib.intake.survey import unfold
from bnn_lib.intake.tables import TABLES, table_columns

__all__ = [
    "TABLES",
    "DataError",
    "Loaded",
    "Problem",
    "check_year",
    "load_inputs",
    "read_table",
    "table_columns",
    "unfold",
]
