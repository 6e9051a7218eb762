"""The generic test not_null_columns on hand-made rows: one failure row per column that holds
nulls, naming it and counting them, and none without nulls. Both cases in one dbt call."""

from __future__ import annotations

from pathlib import Path

from dbt_helpers import dbt_show

COLUMNS = ["id", "name", "score"]
WITH_NULLS = "(values (1, 'a', 1.5), (2, 'b', null), (3, 'c', null)) as with_nulls(id, name, score)"
WITHOUT_NULLS = "(values (1, 'a', 1.5), (2, 'b', 0.0)) as without_nulls(id, name, score)"


def _failures(case: str, relation: str) -> str:
    """The failure rows of the test's compiled SQL, labelled with the case."""
    return (
        f"select '{case}' as tested, column_name, null_rows from"
        f" ({{{{ test_not_null_columns(model={relation!r}, columns={COLUMNS!r}) }}}}) as failures"
    )


def test_not_null_columns_names_the_column_and_counts_its_nulls(tmp_path: Path) -> None:
    rows = dbt_show(
        f"{_failures('with_nulls', WITH_NULLS)} union all {_failures('without_nulls', WITHOUT_NULLS)}",
        tmp_path / "not_null_columns.duckdb",
    )
    assert rows == [{"tested": "with_nulls", "column_name": "score", "null_rows": 2}]
