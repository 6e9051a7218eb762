"""Identical input gives identical output: a second build of the bundled landing zone equals
the first bit for bit, in every relation BI tools read (so the serving copy's checksums
change only when the data do)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_RAW
from dbt_helpers import LOAD_RECORD_COLUMNS, run_pipeline

MART_PATTERN = "^(dim|fct|mart|dq)_"


def fingerprints(db: Path) -> dict[str, tuple[int, int, int]]:
    """Per relation: rows, and two order-independent checksums of the rows' exact values
    (hash of each row; hash of each row's text, where a double prints all its digits)."""
    with duckdb.connect(str(db), read_only=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
                " and regexp_matches(table_name, ?) order by 1",
                [MART_PATTERN],
            ).fetchall()
        ]
        prints = {}
        for name in names:
            loads = [
                column
                for (column,) in connection.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'main' and table_name = ?",
                    [name],
                ).fetchall()
                if column in LOAD_RECORD_COLUMNS
            ]
            columns = f"* exclude ({', '.join(loads)})" if loads else "*"
            prints[name] = connection.execute(
                f"select count(*), coalesce(sum(hash(row_values)), 0),"
                f" coalesce(sum(hash(cast(row_values as varchar))), 0)"
                f" from (select {columns} from main.{name}) as row_values"
            ).fetchone()
        return prints


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("again") / "warehouse.duckdb"
    done = run_pipeline(DEMO_RAW, db)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return db


def test_two_builds_of_the_same_landing_zone_are_bit_identical(
    demo_warehouse: Path, second_build: Path
) -> None:
    first, second = fingerprints(demo_warehouse), fingerprints(second_build)
    assert set(first) == set(second)
    assert {
        "mart_channel_performance",
        "mart_drr_by_period",
        "mart_attribution_comparison",
        "mart_markov_attribution",
        "mart_data_quality",
        "mart_segment_flow_uplift",
        "mart_decision_confidence",
    } <= set(first)
    assert {name for name in first if first[name] != second[name]} == set()
