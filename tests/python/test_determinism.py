"""Identical input gives identical output: a second build of the bundled landing zone equals
the first bit for bit, in every relation BI tools read (so the serving copy's checksums
change only when the data do). The second build is `--full-rebuild` (make rebuild) over a
damaged copy of the first, which also shows that it starts from empty."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import DEMO_RAW
from dbt_helpers import LOAD_RECORD_COLUMNS, run_pipeline
from test_replay import differences

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


def test_a_full_rebuild_of_a_damaged_copy_equals_the_first_build_bit_for_bit(
    scratch_db: Path, demo_warehouse: Path
) -> None:
    db = scratch_db
    shutil.copy(demo_warehouse, db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("delete from snapshots.snp_crm__contacts where contact_id like '%1'")
        connection.execute("delete from main.fct_email_sends")
    assert differences(demo_warehouse, db) != {}

    done = run_pipeline(DEMO_RAW, db, "--full-rebuild")

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert differences(demo_warehouse, db) == {}
    first, second = fingerprints(demo_warehouse), fingerprints(db)
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
