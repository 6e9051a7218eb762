"""The serving copy as a BI tool reads it (docs/semantic_layer.md, "Marts a BI tool reads as
they are"): every column has a comment, every list column has a text column and a bridge
table, every UTC timestamp a local one, and the period marts flag partial periods. Values
are checked against Python's own computation, not the models'."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_RAW

REPORTING_TZ = "Europe/Moscow"
# list column -> (bridge table, key column, element column)
BRIDGES = {
    ("fct_email_sends", "segment_codes_at_send"): (
        "fct_email_send_segment_codes",
        "send_id",
        "segment_code",
    ),
    ("dim_contacts", "brands_of_interest"): (
        "dim_contact_brands_of_interest",
        "contact_id",
        "brand_code",
    ),
    ("dim_contacts", "segment_codes"): ("dim_contact_segment_codes", "contact_id", "segment_code"),
}


@pytest.fixture()
def serving(demo_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(
        str(demo_warehouse.parent / "serving" / "serving.duckdb"), read_only=True
    )
    connection.execute("set timezone = 'UTC'")
    yield connection
    connection.close()


def columns_of(serving: duckdb.DuckDBPyConnection, where: str) -> list[tuple[str, str]]:
    return serving.execute(
        "select table_name, column_name from duckdb_columns()"
        " where database_name = current_database() and schema_name = 'main' and not internal"
        f" and ({where}) order by all"
    ).fetchall()


def test_every_published_column_and_table_has_a_comment(serving: duckdb.DuckDBPyConnection) -> None:
    assert len(columns_of(serving, "true")) > 300
    assert columns_of(serving, "coalesce(comment, '') = ''") == []
    assert (
        serving.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'"
            " and database_name = current_database() and not internal"
            " and coalesce(comment, '') = ''"
        ).fetchall()
        == []
    )
    comment = serving.execute(
        "select comment from duckdb_columns() where table_name = 'mart_channel_performance'"
        " and column_name = 'spend_rub'"
    ).fetchone()[0]
    assert "REPEATED IN EVERY MODEL" in comment


def test_every_list_column_has_a_text_column_and_a_bridge(
    serving: duckdb.DuckDBPyConnection,
) -> None:
    lists = columns_of(
        serving, "data_type like '%[]' or data_type like 'MAP%' or data_type like 'STRUCT%'"
    )
    assert set(lists) == set(BRIDGES)
    for (table, column), (bridge, key, element) in BRIDGES.items():
        rows = serving.execute(f"select {key}, {column}, {column}_text from {table}").fetchall()
        assert rows and any(values for _, values, _ in rows)
        for identifier, values, text in rows:
            assert text == ",".join(sorted(values)), (table, identifier)
        expected = {(identifier, value) for identifier, values, _ in rows for value in values}
        flat = serving.execute(f"select {key}, {element} from {bridge}").fetchall()
        assert len(flat) == len(set(flat))
        assert set(flat) == expected, bridge


def test_every_utc_timestamp_has_its_local_time(serving: duckdb.DuckDBPyConnection) -> None:
    naive = columns_of(serving, "data_type = 'TIMESTAMP'")
    utc = [(table, column) for table, column in naive if not column.endswith("_local")]
    assert len(utc) >= 13
    assert sorted(set(naive) - set(utc)) == sorted(
        (table, f"{column}_local") for table, column in utc
    )
    for table, column in utc:
        frame = serving.execute(f"select {column}, {column}_local from {table}").df()
        expected = (
            frame[column].dt.tz_localize("UTC").dt.tz_convert(REPORTING_TZ).dt.tz_localize(None)
        )
        got = frame[f"{column}_local"]
        assert frame[column].notna().any(), (table, column)
        assert ((expected == got) | (expected.isna() & got.isna())).all(), (table, column)


def landing_days() -> tuple[dt.date, dt.date]:
    """First and last export day of every table's files, from the file names."""
    days = [
        dt.date.fromisoformat(match.group(1))
        for path in DEMO_RAW.glob("*/*/*.parquet")
        if (match := re.search(r"(\d{4}-\d{2}-\d{2})\.parquet$", path.name))
    ]
    return min(days), max(days)


def period_days(grain: str, start: dt.date) -> list[dt.date]:
    months = {"month": 1, "quarter": 3, "half_year": 6}[grain]
    days = []
    for offset in range(months):
        year, month = divmod(start.year * 12 + start.month - 1 + offset, 12)
        month += 1
        days += [
            dt.date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)
        ]
    return days


@pytest.mark.parametrize(
    "mart,grain",
    [
        ("mart_drr_by_period", "period_grain"),
        ("mart_channel_performance", "month"),
        ("mart_attribution_comparison", "month"),
        ("mart_decision_confidence", "period_grain"),
    ],
)
def test_period_marts_flag_partial_periods(
    serving: duckdb.DuckDBPyConnection, mart: str, grain: str
) -> None:
    first, last = landing_days()
    period = "period" if grain == "period_grain" else "month"
    grain_sql = "period_grain" if grain == "period_grain" else "'month'"
    rows = serving.execute(
        f"select distinct {grain_sql}, {period}, days_with_data, is_complete from {mart}"
    ).fetchall()
    assert len({(kind, start) for kind, start, *_ in rows}) == len(rows)
    for kind, start, days_with_data, is_complete in rows:
        days = period_days(kind, start)
        expected = sum(first <= day <= last for day in days)
        assert (days_with_data, is_complete) == (expected, expected == len(days)), (kind, start)
    flags = {(kind, start.isoformat()): complete for kind, start, _, complete in rows}
    assert flags[("month", "2026-02-01")] and not flags[("month", "2026-04-01")]
