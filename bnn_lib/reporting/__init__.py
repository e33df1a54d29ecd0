"""The reports: sections read saved results and draw, notebooks lay them out, the batch renders
them (light to import: the report stack loads only when a batch runs)."""

# The levels of report a batch renders: the nation, each province, each measured kab/kota.
LEVELS = ("nasional", "provinsi", "kabkota")


def is_kabkota(code: str | None) -> bool:
    """Whether ``code`` is a kab/kota code ("11.01"), not a province's or the nation's."""
    return code is not None and "." in code


def report_file(key: str) -> str:
    """Where the report of ``key`` ("nasional", a province code "11" or a kab/kota code "11.01")
    is, relative to its year's folder: the kab/kota reports have a folder of their own."""
    if key == "nasional":
        return "nasional.html"
    return f"kabkota/kabkota-{key}.html" if is_kabkota(key) else f"provinsi-{key}.html"
