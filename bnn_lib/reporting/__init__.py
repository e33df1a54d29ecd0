"""The reports: sections read saved results and draw, notebooks lay them out, the batch renders
them (light to import: the report stack loads only when a batch runs)."""

# The levels of report a batch renders: the nation, each province, each measured kab/kota.
LEVELS = ("nasional", "provinsi", "kabkota")
