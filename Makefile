# make reports — create .venv, install, generate the sample data if absent, compute every year
# make test    — create .venv, install, lint and run the whole test suite
# make bench   — print load/compute timings for the sample and a ten-times-larger data set
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEARS  := 2023 2024
SAMPLE := data/sample/metadata.json

.PHONY: reports test bench sample lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SAMPLE): $(STAMP)
	$(BIN)/bnn sample --out data/sample

sample: $(SAMPLE)

reports: $(STAMP) $(SAMPLE)
	$(BIN)/bnn compute --year $(YEARS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	$(BIN)/pytest

bench: $(STAMP) $(SAMPLE)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) data/sample reports/*/
