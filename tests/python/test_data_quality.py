"""mart_data_quality against numbers computed another way: from the generator's ground truth,
from the raw files with DuckDB over parquet, or from the file names alone."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import duckdb
import pyarrow.parquet as pq
from conftest import DEMO_RAW, DEMO_TRUTH

from scripts.contract import ENUMS, TABLES

FILE_DAY = re.compile(r"_(\d{4}-\d{2}-\d{2})\.parquet$")


def checks(demo_db: duckdb.DuckDBPyConnection, name: str) -> dict[tuple, tuple]:
    return {
        (scope, day): (numerator, denominator, status)
        for day, scope, numerator, denominator, status in demo_db.execute(
            "select day, check_scope, numerator, denominator, status"
            " from main.mart_data_quality where check_name = ?",
            [name],
        ).fetchall()
    }


def file_day(path: str) -> dt.date:
    return dt.date.fromisoformat(FILE_DAY.search(path).group(1))


def test_rows_rejected_are_the_planted_malformed_rows(demo_db: duckdb.DuckDBPyConnection) -> None:
    planted = Counter(
        (row["table"], file_day(row["file"]))
        for row in pq.read_table(DEMO_TRUTH / "malformed_rows.parquet").to_pylist()
    )
    raw_rows = Counter()
    for table in TABLES:
        for path in (DEMO_RAW / table.folder).glob("*.parquet"):
            raw_rows[(table.folder, file_day(path.name))] += pq.ParquetFile(path).metadata.num_rows

    measured = checks(demo_db, "rows_rejected")

    assert set(measured) == set(raw_rows)
    for key, rows in raw_rows.items():
        numerator, denominator, status = measured[key]
        assert (numerator, denominator) == (planted.get(key, 0), rows), key
        assert status == ("warn" if key in planted else "pass"), key


def test_freshness_lag_from_the_file_names(demo_db: duckdb.DuckDBPyConnection) -> None:
    """Judged once per run: each table's newest file day against the landing zone's newest."""
    newest = {
        table.folder: max(
            file_day(path.name) for path in (DEMO_RAW / table.folder).glob("*.parquet")
        )
        for table in TABLES
    }
    last = max(newest.values())

    measured = checks(demo_db, "freshness_lag_days")

    assert {key: value[0] for key, value in measured.items()} == {
        (table, last): (last - day).days for table, day in newest.items()
    }
    assert {value[2] for value in measured.values()} == {"pass"}


def test_calls_with_session_from_the_raw_files(demo_db: duckdb.DuckDBPyConnection) -> None:
    """Newest copy of each call; its day is the date of its Moscow-local text timestamp."""
    expected = (
        duckdb.connect()
        .execute(f"""
        with calls as (
            select call_id, session_id, call_started_at
            from read_parquet('{DEMO_RAW}/calltracking/calls/*.parquet', filename = true)
            where call_id is not null
                and try_strptime(call_started_at, '%d.%m.%Y %H:%M:%S') is not null
            qualify row_number() over (partition by call_id order by filename desc) = 1
        ),
        sessions as (
            select distinct session_id
            from read_parquet('{DEMO_RAW}/calltracking/sessions/*.parquet')
            where session_id is not null
        )
        select
            cast(strptime(calls.call_started_at, '%d.%m.%Y %H:%M:%S') as date),
            count(sessions.session_id), count(*)
        from calls left join sessions on calls.session_id = sessions.session_id
        group by 1
    """)
        .fetchall()
    )

    measured = checks(demo_db, "calls_with_session")

    assert {day: (with_session, calls) for day, with_session, calls in expected} == {
        day: (numerator, denominator) for (_, day), (numerator, denominator, _) in measured.items()
    }
    assert sum(calls for _, _, calls in expected) > 800


def test_leads_linked_by_id_from_the_raw_files(demo_db: duckdb.DuckDBPyConnection) -> None:
    channels = ", ".join(f"'{channel}'" for channel in ENUMS[("crm/leads", "lead_channel")])
    expected = (
        duckdb.connect()
        .execute(f"""
        set timezone = 'UTC';
        with leads as (
            select lead_id, created_at, calltracking_call_id, calltracking_request_id
            from read_parquet('{DEMO_RAW}/crm/leads/*.parquet', filename = true)
            where lead_id is not null
                and lead_channel in ({channels})
            qualify row_number() over (partition by lead_id order by filename desc) = 1
        )
        select
            cast(timezone('Europe/Moscow', created_at) as date),
            count(case when calltracking_call_id is not null
                       or calltracking_request_id is not null then 1 end),
            count(*)
        from leads
        group by 1
    """)
        .fetchall()
    )

    measured = checks(demo_db, "leads_linked_by_id")

    assert {day: (by_id, leads) for day, by_id, leads in expected} == {
        day: (numerator, denominator) for (_, day), (numerator, denominator, _) in measured.items()
    }


def test_the_demo_has_no_data_quality_error(demo_db: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(
        demo_db.execute("select status, count(*) from main.mart_data_quality group by 1").fetchall()
    )
    assert set(statuses) == {"pass", "warn", "no_data"}
