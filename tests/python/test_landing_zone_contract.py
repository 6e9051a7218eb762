"""What happens when a landing zone breaks the contract (raw_exports.md): a listed column that
is missing or a file that is not parquet fails the run with a message naming the file (and
the column); a column the contract does not list is ignored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from dbt_helpers import run_dbt
from landing_zone import ONE_ROW, write_minimal_landing_zone, write_table
from scripts.contract import TABLES_BY_FOLDER

EVENTS = TABLES_BY_FOLDER["esp/events"]


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    schema = EVENTS.schema.remove(EVENTS.schema.get_field_index("event_type"))
    write_table(raw, EVENTS, [ONE_ROW["esp/events"]], day="2026-01-06", schema=schema)

    done = run_dbt(["run", "--select", "base_esp__events"], raw, tmp_path / "wh.duckdb")

    assert done.returncode != 0
    assert ("file 'esp/events/events_2026-01-06.parquet' is missing column 'event_type'"
            in done.stdout)


def test_file_that_is_not_parquet_names_the_file(tmp_path: Path) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    (raw / "esp/events/events_2026-01-06.parquet").write_text("event_id,event_type\nx,sent\n")

    done = run_dbt(["run", "--select", "base_esp__events"], raw, tmp_path / "wh.duckdb")

    assert done.returncode != 0
    assert "events_2026-01-06.parquet" in done.stdout
    assert "No magic bytes found" in done.stdout


def test_stray_non_parquet_file_names_the_file(tmp_path: Path) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    (raw / "crm/leads/leads_2026-01-06.csv").write_text("lead_id\nx\n")

    done = run_dbt(["run", "--select", "base_crm__leads"], raw, tmp_path / "wh.duckdb")

    assert done.returncode != 0
    assert "file 'crm/leads/leads_2026-01-06.csv' is not a parquet file" in done.stdout


def test_unknown_extra_column_is_ignored(tmp_path: Path) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    schema = EVENTS.schema.append(pa.field("ab_variant", pa.string()))
    row = dict(ONE_ROW["esp/events"], event_id="ev2", ab_variant="B")
    write_table(raw, EVENTS, [row], day="2026-01-06", schema=schema)
    db = tmp_path / "wh.duckdb"

    done = run_dbt(["run", "--select", "base_esp__events", "stg_esp__events"], raw, db)

    assert done.returncode == 0, done.stdout
    with duckdb.connect(str(db), read_only=True) as connection:
        staged = connection.execute(
            "select event_id, email from staging.stg_esp__events order by event_id"
        ).fetchall()
    assert staged == [("ev1", "doc@example.ru"), ("ev2", "doc@example.ru")]
