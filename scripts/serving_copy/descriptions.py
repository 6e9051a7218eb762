"""The descriptions a mart carries into the serving copy as table and column comments (BI
tools show them): the warehouse's own comments (dbt's persist_docs), completed from dbt's
manifest.json where they are empty."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from scripts.serving_copy.marts import literal, quote


def model_descriptions(manifest: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Model and column descriptions from dbt's manifest.json, to carry into the serving
    copy as comments (BI tools show them); empty when there is no manifest."""
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        node["name"]: (
            node.get("description", ""),
            {
                name: column.get("description", "")
                for name, column in node.get("columns", {}).items()
            },
        )
        for node in nodes
        if node.get("resource_type") in ("model", "seed")
    }


def warehouse_comments(
    connection: duckdb.DuckDBPyConnection, mart: str
) -> tuple[str, dict[str, str]]:
    """The table and column comments a mart carries in the warehouse (dbt's persist_docs)."""
    table_row = connection.execute(
        "select coalesce(max(comment), '') from (select comment from duckdb_tables()"
        " where database_name = 'wh' and schema_name = 'main' and table_name = $mart"
        " union all select comment from duckdb_views() where database_name = 'wh'"
        " and schema_name = 'main' and view_name = $mart)",
        {"mart": mart},
    ).fetchone()
    assert table_row is not None  # an aggregate: always one row
    columns = connection.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'wh'"
        " and schema_name = 'main' and table_name = $mart and comment is not null",
        {"mart": mart},
    ).fetchall()
    return table_row[0], dict(columns)


def merged_descriptions(
    persisted: tuple[str, dict[str, str]], described: tuple[str, dict[str, str]] | None
) -> tuple[str, dict[str, str]]:
    """The warehouse's own comments, completed from the manifest where they are empty."""
    table, columns = described or ("", {})
    merged = {**columns, **{name: text for name, text in persisted[1].items() if text.strip()}}
    return (persisted[0] if persisted[0].strip() else table), merged


def comment_statements(
    mart: str, columns: list[tuple[str, str]], described: tuple[str, dict[str, str]] | None
) -> list[str]:
    """COMMENT statements carrying a model's descriptions to its table in the serving copy."""
    if not described:
        return []
    table_description, column_descriptions = described
    relation = f"srv.main.{quote(mart)}"
    statements = (
        [f"comment on table {relation} is {literal(table_description.strip())}"]
        if table_description.strip()
        else []
    )
    names = {name for name, _ in columns}
    statements += [
        f"comment on column {relation}.{quote(column)} is {literal(text.strip())}"
        for column, text in column_descriptions.items()
        if text.strip() and column in names
    ]
    return statements
