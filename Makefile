# Digital testlab kit. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
JOBS   ?= 2
PORT   ?= 8866

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes; register the project's Jupyter kernel.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/testlab kernel
	touch $@

## install: create .venv, install the kit with its test extras and register the `testlab` kernel
install: $(VENV)/.installed

## chromium: install Debian's chromium for the browser tests (apt-get) when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## run: set up, run every lab for every bundled municipality, then serve the dashboards
run: install
	$(BIN)/testlab run --jobs $(JOBS) || echo "Some runs failed (see above); serving the dashboards anyway."
	$(BIN)/testlab serve --port $(PORT)

## test: set up (test extras, chromium) and run every test
test: install chromium
	$(BIN)/python -m pytest

## lint: ruff check and format check
lint: install
	$(BIN)/ruff check kit tests benchmarks
	$(BIN)/ruff format --check kit tests benchmarks

## bench: run every benchmark (separate .venv-bench with the AGPL peer pm4py): one table in benchmarks/RESULTS.md, details in docs/benchmarks.md
bench: chromium
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -e '.[test]' -r benchmarks/requirements.txt
	.venv-bench/bin/testlab kernel
	.venv-bench/bin/python benchmarks/run_all.py

## bench-simod: Simod side by side with the simulation lab (own .venv-simod: Simod pins pandas < 3, the kit uses 3; needs Python 3.11-3.12 and Java 17)
bench-simod: install
	test -x .venv-simod/bin/simod || ($(PYTHON) -m venv .venv-simod && .venv-simod/bin/pip install --quiet simod)
	cd benchmarks && ../$(BIN)/python bench_simod.py

## clean: remove generated output (build/)
clean:
	rm -rf build

.PHONY: help install chromium run test lint bench bench-simod clean
