"""Nothing is lost: for every landing-zone file, raw rows = staged + duplicates + rejected,
with the raw rows counted straight from the files, the staged rows from the staging models,
and every malformed row the generator planted found in dq_rejected_rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from conftest import DEMO_RAW, DEMO_TRUTH

from scripts.contract import TABLES


def test_raw_rows_equal_staged_plus_duplicates_plus_rejected(
    demo_db: duckdb.DuckDBPyConnection,
) -> None:
    accounted = {
        (table, file): (raw, staged, duplicates, rejected)
        for table, file, raw, staged, duplicates, rejected in demo_db.execute(
            "select source_table, source_file, raw_rows, staged_rows, duplicate_rows,"
            " rejected_rows from main.dq_row_accounting"
        ).fetchall()
    }
    files = {
        (table.folder, str(path.relative_to(DEMO_RAW))): pq.ParquetFile(path).metadata.num_rows
        for table in TABLES
        for path in sorted((DEMO_RAW / table.folder).glob("*.parquet"))
    }
    assert set(accounted) == set(files)
    for key, raw_rows in files.items():
        raw, staged, duplicates, rejected = accounted[key]
        assert raw == raw_rows, key
        assert raw == staged + duplicates + rejected, key


def test_staging_holds_the_staged_rows(demo_db: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        model = f"staging.stg_{table.system}__{table.name}"
        staged = demo_db.execute(f"select count(*) from {model}").fetchone()[0]
        accounted = demo_db.execute(
            "select sum(staged_rows) from main.dq_row_accounting where source_table = ?",
            [table.folder],
        ).fetchone()[0]
        assert staged == accounted, table.folder


def test_duplicates_are_the_re_exported_keys(demo_db: duckdb.DuckDBPyConnection) -> None:
    """Independently: duplicates of esp/events = rows minus distinct event ids among valid rows."""
    raw_rows, distinct_ids = (
        duckdb.connect()
        .execute(f"""
        select count(*), count(distinct event_id)
        from read_parquet('{DEMO_RAW}/esp/events/*.parquet', union_by_name = true)
        where event_id is not null and event_type in
            ('sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained')
    """)
        .fetchone()
    )
    duplicates = demo_db.execute(
        "select sum(duplicate_rows) from main.dq_row_accounting where source_table = 'esp/events'"
    ).fetchone()[0]
    assert duplicates == raw_rows - distinct_ids
    assert duplicates > 0


def test_every_planted_malformed_row_is_rejected(demo_db: duckdb.DuckDBPyConnection) -> None:
    planted = {
        (table, file, key or "")
        for table, file, key in duckdb.connect()
        .execute(
            f"select \"table\", file, primary_key from '{Path(DEMO_TRUTH)}/malformed_rows.parquet'"
        )
        .fetchall()
    }
    rejected = {
        (table, Path(file).name, key)
        for table, file, key in demo_db.execute(
            "select source_table, source_file, primary_key from main.dq_rejected_rows"
        ).fetchall()
    }
    assert rejected == planted
