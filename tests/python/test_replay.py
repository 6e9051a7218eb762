"""Replaying the landing zone day by day (the daily job: new files land, the pipeline runs)
ends in exactly the warehouse that one run over all days builds, and running again with no
new files changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from conftest import DEMO_RAW, FIRST_DEMO_DAY, LAST_DEMO_DAY
from dbt_helpers import LOAD_RECORD_COLUMNS, run_dbt, run_pipeline
from landing_zone import land_files_through

COMPARED_SCHEMAS = ("main", "snapshots", "intermediate", "staging")
# The state of a run, not of the data: when each file was first loaded, and what was new in
# the newest run (the data-quality gate's scope). Day-by-day runs and one run differ there
# by design.
RUN_STATE_COLUMNS = LOAD_RECORD_COLUMNS | {
    "is_new",
    "is_new_file",
    "new_files",
    "blocks_publish",
    "blocking_errors",
}


def relations(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_catalog = ? and table_schema in ? and table_type = 'BASE TABLE'",
        [catalog, list(COMPARED_SCHEMAS)],
    ).fetchall()
    return sorted(row[0] for row in rows)


def differences(left: Path, right: Path) -> dict[str, int]:
    """Rows in one warehouse and not the other, per relation (marts, dims, facts, snapshot,
    intermediate and base tables). Rows are matched on their non-float columns; float columns must
    agree to 1e-9 relative: multi-threaded sums of doubles may differ in the last bits."""
    connection = duckdb.connect()
    connection.execute(f"attach '{left}' as left_wh (read_only)")
    connection.execute(f"attach '{right}' as right_wh (read_only)")
    names = relations(connection, "left_wh")
    assert names == relations(connection, "right_wh")
    found = {}
    for name in names:
        schema, table = name.split(".")
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_catalog = 'left_wh' and table_schema = ? and table_name = ?"
            " order by ordinal_position",
            [schema, table],
        ).fetchall()
        columns = [(column, kind) for column, kind in columns if column not in RUN_STATE_COLUMNS]
        keys = [f'"{column}"' for column, kind in columns if kind not in ("DOUBLE", "FLOAT")]
        floats = [f'"{column}"' for column, kind in columns if kind in ("DOUBLE", "FLOAT")]
        sums = "".join(f", sum({column}) as {column}" for column in floats)
        grouped = "select {keys}, count(*) as _rows{sums} from {{side}}.{name} group by all".format(
            keys=", ".join(keys), sums=sums, name=name
        )
        matched = " and ".join(f"l.{key} is not distinct from r.{key}" for key in keys)
        unequal = " or ".join(
            ["l._rows is distinct from r._rows"]
            + [
                f"abs(coalesce(l.{column}, 0) - coalesce(r.{column}, 0))"
                f" > 1e-9 * greatest(1, abs(coalesce(l.{column}, 0)))"
                f" or (l.{column} is null) <> (r.{column} is null)"
                for column in floats
            ]
        )
        count = connection.execute(f"""
            select count(*)
            from ({grouped.format(side="left_wh")}) as l
            full outer join ({grouped.format(side="right_wh")}) as r on {matched}
            where {unequal}
        """).fetchone()[0]
        if count:
            found[name] = count
    return found


def test_day_by_day_equals_all_at_once(
    demo_but_last_two_days: tuple[Path, Path], demo_warehouse: Path
) -> None:
    """All but the last two days in one pass (the fixture), then one day per run."""
    raw, db = demo_but_last_two_days
    for landed in (LAST_DEMO_DAY - dt.timedelta(days=1), LAST_DEMO_DAY):
        land_files_through(raw, landed, DEMO_RAW)
        done = run_pipeline(raw, db)
        assert done.returncode == 0, done.stdout[-3000:]
        assert f"snapshot {landed}" in done.stdout

    assert differences(db, demo_warehouse) == {}


def test_second_run_changes_nothing(scratch_db: Path, demo_warehouse: Path) -> None:
    copy = scratch_db
    copy.write_bytes(demo_warehouse.read_bytes())

    done = run_pipeline(DEMO_RAW, copy)

    assert done.returncode == 0, done.stdout[-3000:]
    assert "day 1 of 1" in done.stdout  # only the last export day is looked at again
    assert differences(copy, demo_warehouse) == {}


def test_plain_dbt_build_after_the_runner_changes_nothing(
    scratch_db: Path, demo_warehouse: Path
) -> None:
    """An analyst's `dbt build` right after the runner snapshots the newest export again
    (a no-op) and rebuilds the same marts."""
    copy = scratch_db
    copy.write_bytes(demo_warehouse.read_bytes())

    done = run_dbt(["build"], DEMO_RAW, copy)

    assert done.returncode == 0, done.stdout[-3000:]
    assert differences(copy, demo_warehouse) == {}


def test_plain_dbt_build_with_export_days_missing_stops_and_names_the_runner(
    demo_but_last_two_days: tuple[Path, Path], tmp_path: Path
) -> None:
    """dbt snapshots one contacts export, the newest: with two days landed since the last
    run, or on a new warehouse, a plain `dbt build` would leave the other days out of the
    history. It stops before building anything and says what to run."""
    raw, db = demo_but_last_two_days
    land_files_through(raw, LAST_DEMO_DAY, DEMO_RAW)
    new_raw, new_db = tmp_path / "new_raw", tmp_path / "new" / "warehouse.duckdb"
    land_files_through(new_raw, FIRST_DEMO_DAY + dt.timedelta(days=2), DEMO_RAW)

    for landing, warehouse, missing in ((raw, db, 2), (new_raw, new_db, 3)):
        done = run_dbt(["build"], landing, warehouse)

        assert done.returncode != 0
        assert f"The contact history lacks {missing} export days" in done.stdout
        assert "Run `make build` (python -m scripts build)" in done.stdout
        assert "START sql" not in done.stdout  # no model ran
