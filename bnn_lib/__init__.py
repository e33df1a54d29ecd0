"""bnn_lib: the performance indices of BNN's Deputi Bidang Pemberdayaan Masyarakat.

IKOTAN, IKP, IKKRN and IKKTT computed from data shaped as BNN collects it, by a pipeline of small
stages driven by versioned index specifications (``bnn_lib/data/specs/*.toml``).

    import bnn_lib
    results = bnn_lib.compute_year(2024)               # the data of the workspace (bnn.toml)
    results.table("ikotan_kabkota", province="Aceh")
    whatif = bnn_lib.WhatIf(2024)                      # one assumption changed, in milliseconds
"""

from bnn_lib.aggregate import index_tables, rescale, top_level, weighted_mean
from bnn_lib.analyses import Analyses
from bnn_lib.bands import at_or_above, band_edges, classify
from bnn_lib.intake import DataError, read_table
from bnn_lib.kawasan import status_from_counts
from bnn_lib.pipeline import compute_year
from bnn_lib.regions import Region, UnknownRegionError, regions
from bnn_lib.results import Results, load_results
from bnn_lib.rollup import capaian, rollup
from bnn_lib.scenarios import Comparison, compare
from bnn_lib.spec import IndexSpec, SpecError, list_specs, load_spec, parse_spec
from bnn_lib.whatif import WhatIf
from bnn_lib.workspace import Workspace, suite_version, workspace

__version__ = suite_version()

__all__ = [
    "Analyses",
    "Comparison",
    "DataError",
    "IndexSpec",
    "Region",
    "Results",
    "SpecError",
    "UnknownRegionError",
    "WhatIf",
    "Workspace",
    "at_or_above",
    "band_edges",
    "capaian",
    "classify",
    "compare",
    "compute_year",
    "index_tables",
    "list_specs",
    "load_results",
    "load_spec",
    "parse_spec",
    "read_table",
    "regions",
    "rescale",
    "rollup",
    "status_from_counts",
    "top_level",
    "weighted_mean",
    "workspace",
]
