# The two commands of the README: `make build` and `make test`. Each creates the
# virtualenv itself when it is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export MW_RAW_DIR ?= $(CURDIR)/seeds/raw
export MW_DUCKDB_PATH ?= $(CURDIR)/target/warehouse.duckdb

.PHONY: build test lint unit pytest install clean

$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

install: $(INSTALLED)

## Builds the warehouse on the bundled landing zone and prints where it is.
build: $(INSTALLED)
	$(BIN)/python scripts/run_pipeline.py

## Lint, then every test: the warehouse built from the bundled data with --warn-error,
## dbt data and unit tests, and the pytest suite.
test: lint pytest

# Linted against an empty database, so that incremental models render the same way
# whether or not a warehouse has been built.
lint: $(INSTALLED)
	mkdir -p target/lint
	MW_DUCKDB_PATH=$(CURDIR)/target/lint/empty.duckdb $(BIN)/sqlfluff lint models snapshots tests/dbt --processes 2

pytest: $(INSTALLED)
	$(BIN)/python -m pytest tests/python

clean:
	rm -rf target logs
