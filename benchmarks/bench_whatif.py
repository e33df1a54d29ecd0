"""How fast does the what-if answer? The sample year 2024, IKOTAN.

Run with `make bench`. Prints, asserts nothing: the one-time load of the year (read, check, score:
:class:`bnn_lib.whatif.WhatIf`), then the median and the longest time of a change over 21 changes
(a weight, a band rule, an aggregation method, in turn), measured three ways:

- the engine: the variant spec and its kab/kota table, alone and then with
  :func:`bnn_lib.scenarios.compare` against the baseline, with the KPI targets;
- the panel (:mod:`bnn_lib.lab`): the same, plus the HTML and the histogram it shows, from the
  moment a control is set.

Target: under one second a change.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable

from bnn_lib import scenarios
from bnn_lib.lab import whatif_panel
from bnn_lib.whatif import WhatIf, band_rules, variant_spec

YEAR = 2024
CHANGES = 21


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def report(label: str, seconds: dict[str, list[float]]) -> None:
    every = [s for times in seconds.values() for s in times]
    print(f"  {label}: median {statistics.median(every):.3f} s, longest {max(every):.3f} s over {len(every)} changes")
    for kind, times in seconds.items():
        print(f"    {kind:<12} median {statistics.median(times):.3f} s, longest {max(times):.3f} s ({len(times)})")


def engine_changes(whatif: WhatIf, compared: bool) -> dict[str, list[float]]:
    """Each change: variant spec, kab/kota table and, if ``compared``, the comparison with the
    baseline."""
    spec = whatif.spec
    base = whatif.kabkota(spec)
    weights = itertools.cycle([(v.id, w) for w in (0.5, 2.0, 3.0) for v in spec.variables])
    modes = itertools.cycle(band_rules(spec)[::-1])
    methods = itertools.cycle(["geometric", "arithmetic"])
    kinds = {
        "weight": lambda: variant_spec(spec, dict([next(weights)])),
        "band rule": lambda: variant_spec(spec, bands=next(modes)),
        "aggregation": lambda: variant_spec(spec, method=next(methods)),
    }
    seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _, (kind, make) in zip(range(CHANGES), itertools.cycle(kinds.items()), strict=False):

        def change(make=make) -> None:
            variant = make()
            table = whatif.kabkota(variant)
            if compared:
                scenarios.compare(base, table, spec, variant, YEAR, targets=whatif.targets)

        seconds[kind].append(timed(change))
    return seconds


def panel_changes() -> tuple[float, dict[str, list[float]]]:
    """The panel's load of the year, then each control set as a researcher would."""
    start = time.perf_counter()
    panel = whatif_panel(year=YEAR)
    load = time.perf_counter() - start
    first = next(iter(panel.weights.values()))

    def weight() -> None:
        first.value = 3.0 if first.value != 3.0 else 1.0

    def band_rule() -> None:
        panel.bands.value = next(mode for _, mode in panel.bands.options if mode != panel.bands.value)

    def aggregation() -> None:
        panel.method.value = "geometric" if panel.method.value == "arithmetic" else "arithmetic"

    steps = itertools.cycle([("weight", weight), ("band rule", band_rule), ("aggregation", aggregation)])
    seconds: dict[str, list[float]] = {"weight": [], "band rule": [], "aggregation": []}
    for _, (kind, step) in zip(range(CHANGES), steps, strict=False):
        seconds[kind].append(timed(step))
    return load, seconds


def main() -> None:
    print(f"What-if, IKOTAN {YEAR} of the sample data:")
    holder: list[WhatIf] = []
    load = timed(lambda: holder.append(WhatIf(YEAR)))
    print(f"  one-time load (read, check, score the respondents): {load:.2f} s")
    report("engine alone (variant spec, kab/kota table)", engine_changes(holder[0], compared=False))
    report("engine + compare", engine_changes(holder[0], compared=True))
    panel_load, seconds = panel_changes()
    print(f"  panel opened (its own load, the baseline shown): {panel_load:.2f} s")
    report("panel (engine + compare + HTML + histogram)", seconds)
    print("  target: under 1 s a change")


if __name__ == "__main__":
    main()
