# make reports — create .venv, install, generate the sample data if absent, compute every year
#                and render every national, provincial and kab/kota report with its PDF (where
#                Chromium is installed) and the performance workbook (reports/<year>/index.html)
# make test    — create .venv, install, lint and run the whole test suite
# make bench   — print load/compute timings (sample and ten times larger), every report of a year
#                beside the naive loop with peak memory, the PDFs of a year (all levels, then the 39
#                regional reports against their HTML batch), and the local batch beside a Dask
#                cluster with peak memory over 500 reports, and two simulation studies with a known
#                truth: the coverage of the programme-effect interval and the calibration of band
#                probabilities, and the what-if: its load of a year and the time of a change
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEARS  := 2020 2021 2022 2023 2024
SAMPLE := data/sample/metadata.json

.PHONY: reports test bench sample lint clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SAMPLE): $(STAMP) $(wildcard bnn_lib/sample/*.py)
	$(BIN)/bnn sample --out data/sample

sample: $(SAMPLE)

reports: $(STAMP) $(SAMPLE) browser
	$(BIN)/bnn reports --year $(YEARS) --pdf

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser test and the PDFs use Debian's Chromium; install it where we can (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium not installed: no PDFs, and the browser test will be skipped"

test: $(STAMP) lint browser
	$(BIN)/pytest

bench: $(STAMP) $(SAMPLE)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_pdf.py --no-render --levels nasional provinsi kabkota
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_cluster.py
	$(BIN)/python benchmarks/bench_statistics.py
	$(BIN)/python benchmarks/bench_whatif.py

clean:
	rm -rf $(VENV) data/sample reports/*/
