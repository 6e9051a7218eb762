"""The marts of a warehouse and the SQL that copies them: which relations are published,
quoting, the lossless parquet projection, and the checksum that compares a copy with its
source."""

from __future__ import annotations

import duckdb

# metricflow_: the time spines MetricFlow joins (`mf` on target serving).
MART_PREFIXES = ("dim_", "fct_", "mart_", "dq_", "metricflow_")
# Parquet has no 128-bit integer (DuckDB would write a lossy DOUBLE): such columns (sums of
# integers) are written as DECIMAL(38, 0), which every parquet reader takes losslessly.
PARQUET_CASTS = {"HUGEINT": "decimal(38, 0)", "UHUGEINT": "decimal(38, 0)"}


def checksum_sql(relation: str) -> str:
    """Rows and an order-independent checksum of a relation (sum of the rows' hashes)."""
    return f"select count(*), coalesce(sum(hash(served)), 0) from {relation} as served"


def quote(identifier: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def list_marts(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    """The marts of the warehouse: relations of schema main named dim_/fct_/mart_/dq_ (and
    MetricFlow's time spines, metricflow_*)."""
    names = connection.execute(
        "select table_name from duckdb_tables() where database_name = $catalog"
        " and schema_name = 'main'"
        " union all select view_name from duckdb_views() where database_name = $catalog"
        " and schema_name = 'main' and not internal order by 1",
        {"catalog": catalog},
    ).fetchall()
    return [name for (name,) in names if name.startswith(MART_PREFIXES)]


def parquet_projection(columns: list[tuple[str, str]]) -> str:
    """The select list that writes a relation of these (name, type) columns to parquet
    without loss."""
    return ", ".join(
        f"cast({quote(name)} as {PARQUET_CASTS[kind]}) as {quote(name)}"
        if kind in PARQUET_CASTS
        else quote(name)
        for name, kind in columns
    )
