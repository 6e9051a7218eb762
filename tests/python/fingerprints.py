"""Order-independent fingerprints of the relations BI tools read: whether two builds are
equal bit for bit (test_serving.py's rebuild against the first build)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dbt_helpers import LOAD_RECORD_COLUMNS

MART_PATTERN = "^(dim|fct|mart|dq)_"


def relation_names(connection: duckdb.DuckDBPyConnection, pattern: str) -> list[str]:
    """The relations of schema main whose names match a regular expression, sorted."""
    return [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
            " and regexp_matches(table_name, ?) order by 1",
            [pattern],
        ).fetchall()
    ]


def fingerprints(db: Path) -> dict[str, tuple[int, int, int]]:
    """Per relation: rows, and two order-independent checksums of the rows' exact values
    (hash of each row; hash of each row's text, where a double prints all its digits)."""
    with duckdb.connect(str(db), read_only=True) as connection:
        names = relation_names(connection, MART_PATTERN)
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
