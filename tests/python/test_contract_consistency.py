"""One contract in four places stays one contract: the contract page
(docs/contracts/raw_exports.md), the Python contract (scripts/contract.py, which the
generator writes), the dbt sources and the enum lists of the staging checks; and staging
exposes every column of the contract."""

from __future__ import annotations

import re

import duckdb
import yaml
from conftest import PROJECT_DIR

from scripts.contract import ENUMS, TABLES

SPEC = PROJECT_DIR / "docs" / "contracts" / "raw_exports.md"
# Staging renames: the contract column -> the staging column.
RENAMED = {("calltracking/ad_costs", "date"): "cost_date"}


def spec_tables() -> dict[str, list[tuple[str, str]]]:
    text = SPEC.read_text(encoding="utf-8")
    tables: dict[str, list[tuple[str, str]]] = {}
    for match in re.finditer(r"^### (\S+)(?: — .+?)?\n(.*?)(?=^###|^## |\Z)", text, re.S | re.M):
        rows = re.findall(r"^\| (.+?) \| (.+?) \| .*?\|$", match.group(2), re.M)
        tables[match.group(1)] = [
            (column.strip(), kind.strip())
            for columns, kind in rows
            if columns != "column" and not columns.startswith("---")
            for column in columns.split(",")
        ]
    return tables


def test_contract_py_equals_the_spec() -> None:
    assert {table.folder: list(table.columns) for table in TABLES} == spec_tables()


def test_sources_declare_the_contract() -> None:
    declared = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                declared[f"{source['name']}/{table['name']}"] = [
                    (column["name"], column["data_type"]) for column in table["columns"]
                ]
    assert declared == {table.folder: list(table.columns) for table in TABLES}


def test_enum_checks_equal_the_contract() -> None:
    macro = (PROJECT_DIR / "macros" / "staging" / "enum_values.sql").read_text()
    for (folder, column), values in ENUMS.items():
        block = re.search(rf"'{folder}': \{{'{column}': \[(.*?)\]\}}", macro, re.S)
        assert block, (folder, column)
        assert tuple(re.findall(r"'([^']+)'", block.group(1))) == values, (folder, column)


def test_staging_exposes_every_contract_column(demo_db: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        model = f"stg_{table.system}__{table.name}"
        staged = {row[0] for row in demo_db.execute(f"describe staging.{model}").fetchall()}
        for column, _ in table.columns:
            assert RENAMED.get((table.folder, column), column) in staged, (model, column)
