# The two commands of the README: `make build` and `make test`. Each creates the
# virtualenv itself when it is missing. The targets call the one entry point
# `python -m scripts COMMAND` (`$(BIN)/python -m scripts --help` lists the commands).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPARK_INSTALLED := $(VENV)/.installed-spark
ORCHESTRATION_INSTALLED := $(VENV)/.installed-orchestration

export DBT_PROFILES_DIR := $(CURDIR)
export MW_RAW_DIR ?= $(CURDIR)/seeds/raw
export MW_DUCKDB_PATH ?= $(CURDIR)/target/warehouse.duckdb
# Local Spark's warehouse and Derby metastore (target `spark`).
export MW_SPARK_DIR ?= $(CURDIR)/target/spark

.PHONY: build rebuild test lint unit pytest install clean install-spark build-spark test-spark \
	install-orchestration test-orchestration report screenshot

$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

install: $(INSTALLED)

# The Spark target's packages (requirements-spark.txt), only for the *-spark targets.
$(SPARK_INSTALLED): $(INSTALLED) requirements-spark.txt
	$(BIN)/pip install --quiet -r requirements-spark.txt -c constraints.txt
	touch $@

install-spark: $(SPARK_INSTALLED)

# Dagster and dagster-dbt (requirements-orchestration.txt), only for the *-orchestration targets.
$(ORCHESTRATION_INSTALLED): $(INSTALLED) requirements-orchestration.txt
	$(BIN)/pip install --quiet -r requirements-orchestration.txt -c constraints.txt
	touch $@

install-orchestration: $(ORCHESTRATION_INSTALLED)

## Builds the warehouse on the bundled landing zone and prints where it is.
build: $(INSTALLED)
	$(BIN)/python -m scripts build

## Deletes the warehouse and builds it again from every file of the landing zone.
rebuild: $(INSTALLED)
	$(BIN)/python -m scripts rebuild

## The dashboard again from the serving copy of `make build` (target/serving/dashboard.html).
report: $(INSTALLED)
	$(BIN)/python -m scripts report

## The dashboard and its screenshot docs/dashboard.png (headless Chromium, installed from
## Debian when missing).
screenshot: $(INSTALLED)
	$(BIN)/python -m scripts report --screenshot docs/dashboard.png

## The same warehouse on local Spark (docs/scaling.md): target/spark.
build-spark: $(SPARK_INSTALLED)
	$(BIN)/python -m scripts build --target spark

## Lint, then every test: the warehouse built from the bundled data with --warn-error,
## dbt data and unit tests, and the pytest suite. The Spark parity test (15-20 min) is
## `make test-spark`, which CI runs after it (.ci/run).
test: lint pytest

# Python: ruff's checks and its formatting, then mypy's type check (config in pyproject.toml).
# The contract: every file derived from contracts/raw_exports.yml is as generated.
# SQL: linted against an empty database, so that incremental models render the same way
# whether or not a warehouse has been built.
lint: $(INSTALLED)
	$(BIN)/ruff check scripts tests orchestration
	$(BIN)/ruff format --check scripts tests orchestration
	$(BIN)/mypy
	$(BIN)/python -m scripts contract --check
	mkdir -p target/lint
	MW_DUCKDB_PATH=$(CURDIR)/target/lint/empty.duckdb $(BIN)/sqlfluff lint models snapshots tests/dbt --processes 2

pytest: $(INSTALLED)
	$(BIN)/python -m pytest tests/python -n 2 --dist loadfile --durations=25

## Every spec mart built on local Spark equals the DuckDB build (tests/spark).
test-spark: $(SPARK_INSTALLED)
	$(BIN)/python -m pytest tests/spark

## The Dagster daily job materialized in process on the bundled data (tests/orchestration).
test-orchestration: $(ORCHESTRATION_INSTALLED)
	$(BIN)/python -m pytest tests/orchestration

clean:
	rm -rf target logs
