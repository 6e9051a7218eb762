"""The one-pass load of a missing contacts snapshot writes exactly the rows that snapshotting
every export day by day writes (dbt's own snapshot materialization is the reference), and
the daily snapshots go on from it exactly as from the replayed history."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import duckdb
from conftest import DEMO_RAW
from dbt_helpers import run_pipeline
from landing_zone import (
    ONE_ROW,
    file_day,
    land_files_through,
    write_minimal_landing_zone,
    write_table,
)

from scripts.contract import TABLES_BY_FOLDER

SNAPSHOT = "snapshots.snp_crm__contacts"
SCRATCH = "snapshots.snp_crm__contacts__bulk_load"


def snapshot_columns(db: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'snapshots' and table_name = 'snp_crm__contacts'"
            " order by ordinal_position"
        ).fetchall()


def snapshot_differences(left: Path, right: Path) -> tuple[int, int]:
    """Rows of the snapshot in one warehouse and not the other, compared on every column
    (the snapshot has no float columns, so the comparison is exact)."""
    connection = duckdb.connect()
    connection.execute(f"attach '{left}' as left_wh (read_only)")
    connection.execute(f"attach '{right}' as right_wh (read_only)")
    only = "select count(*) from (select * from {} except all select * from {})"
    return (
        connection.execute(only.format(f"left_wh.{SNAPSHOT}", f"right_wh.{SNAPSHOT}")).fetchone()[
            0
        ],
        connection.execute(only.format(f"right_wh.{SNAPSHOT}", f"left_wh.{SNAPSHOT}")).fetchone()[
            0
        ],
    )


def snapshot_rows(db: Path, columns: str = "*") -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(f"select {columns} from {SNAPSHOT} order by all").fetchall()


def relation_exists(db: Path, relation: str) -> bool:
    schema, name = relation.split(".")
    with duckdb.connect(str(db), read_only=True) as connection:
        return (
            connection.execute(
                "select count(*) from information_schema.tables"
                " where table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()[0]
            == 1
        )


def assert_same_snapshot(replayed: Path, loaded: Path) -> None:
    assert snapshot_columns(replayed) == snapshot_columns(loaded)
    assert [name for name, _ in snapshot_columns(loaded)][-4:] == [
        "dbt_scd_id",
        "dbt_updated_at",
        "dbt_valid_from",
        "dbt_valid_to",
    ]
    assert snapshot_differences(replayed, loaded) == (0, 0)


def run_ok(raw: Path, db: Path, *extra: str) -> str:
    done = run_pipeline(raw, db, "--skip-build", *extra)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


# The demo's first month: every kind of change the generator makes, at a third of the cost
# of replaying all 90 days one dbt snapshot each.
REPLAYED_DAYS = 30


def test_bulk_load_equals_day_by_day_replay_on_the_demo(tmp_path: Path) -> None:
    days = sorted({file_day(path) for path in (DEMO_RAW / "crm" / "contacts").glob("*.parquet")})
    days = days[:REPLAYED_DAYS]
    raw, replayed, loaded = (
        tmp_path / "raw",
        tmp_path / "replayed.duckdb",
        tmp_path / "loaded.duckdb",
    )
    land_files_through(raw, days[-2], DEMO_RAW)

    replay_log = run_ok(raw, replayed, "--day-by-day")
    load_log = run_ok(raw, loaded)

    assert f"day {len(days) - 1} of {len(days) - 1}" in replay_log
    assert f"{len(days) - 1} days in one pass" in load_log
    assert_same_snapshot(replayed, loaded)
    versions_before = len(snapshot_rows(loaded, "dbt_scd_id"))
    with duckdb.connect() as connection:
        contacts = connection.execute(
            f"select count(distinct contact_id) from '{raw}/crm/contacts/*.parquet'"
        ).fetchone()[0]
    assert versions_before > contacts  # every contact exported so far, plus its changes

    # The next day lands: both warehouses take the ordinary per-day path.
    land_files_through(raw, days[-1], DEMO_RAW)
    for db in (loaded, replayed):  # the last path first: dbt keeps its partial parse
        log = run_ok(raw, db)
        assert "one pass" not in log and f"snapshot {days[-1]}" in log

    assert_same_snapshot(replayed, loaded)
    new_versions = [row for row in snapshot_rows(loaded, "export_date") if row[0] == days[-1]]
    assert len(snapshot_rows(loaded, "dbt_scd_id")) == versions_before + len(new_versions)
    assert new_versions, "the last demo day changes some contacts"


# A hand-built CRM history: export days D1..D5 and the versions the snapshot must hold.
D1, D2, D3, D4, D5 = (dt.date(2026, 1, day) for day in range(5, 10))


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, tzinfo=dt.UTC)


def card(
    contact_id: str, updated_at: dt.datetime, segment: str, deleted: bool = False
) -> dict[str, Any]:
    return {
        **ONE_ROW["crm/contacts"],
        "contact_id": contact_id,
        "updated_at": updated_at,
        "activity_segment": segment,
        "is_deleted": deleted,
    }


EXPORTS: dict[dt.date, list[dict[str, Any]]] = {
    D1: [
        card("c1", at(4, 10), "active"),
        card("c2", at(3, 9), "active"),
        card("c3", at(4, 15), "active"),
        card("c5", at(2, 11), "active"),
    ],
    # c2 vanishes; c3 is soft-deleted; c5 changes without a newer updated_at.
    D2: [
        card("c1", at(6, 8), "at_risk"),
        card("c3", at(6, 9), "active", deleted=True),
        card("c5", at(2, 11), "churned"),
    ],
    # c2 is back with an updated_at before its vanishing; c3 vanishes after its soft delete.
    D3: [
        card("c1", at(6, 8), "at_risk"),
        card("c2", at(6, 20), "new"),
        card("c4", at(7, 5), "new"),
        card("c5", at(2, 11), "churned"),
    ],
    # c1's updated_at goes back; c2 and c3 come back with newer cards.
    D4: [
        card("c1", at(5, 12), "churned"),
        card("c2", at(8, 6), "active"),
        card("c3", at(7, 22), "new"),
        card("c4", at(7, 5), "new"),
        card("c5", at(2, 11), "churned"),
    ],
    # c3 vanishes again.
    D5: [
        card("c1", at(9, 7), "churned"),
        card("c2", at(8, 6), "active"),
        card("c4", at(7, 5), "new"),
        card("c5", at(2, 11), "churned"),
    ],
}


def day_end(day: dt.date) -> dt.datetime:
    """The end of a Moscow calendar day (UTC+3), in UTC: a tombstone's updated_at."""
    return dt.datetime.combine(day, dt.time(21), tzinfo=dt.UTC)


# (contact, valid_from, valid_to, is_deleted, segment, export_date), worked out by hand from
# dbt's timestamp strategy: a row becomes a version when its updated_at is later than the
# current version's valid_from; a vanished live contact gets a tombstone at the day's end.
EXPECTED_VERSIONS = [
    ("c1", at(4, 10), at(6, 8), False, "active", D1),
    ("c1", at(6, 8), at(9, 7), False, "at_risk", D2),
    ("c1", at(9, 7), None, False, "churned", D5),
    ("c2", at(3, 9), day_end(D2), False, "active", D1),
    ("c2", day_end(D2), at(8, 6), True, "active", D2),
    ("c2", at(8, 6), None, False, "active", D4),
    ("c3", at(4, 15), at(6, 9), False, "active", D1),
    ("c3", at(6, 9), at(7, 22), True, "active", D2),
    ("c3", at(7, 22), day_end(D5), False, "new", D4),
    ("c3", day_end(D5), None, True, "new", D5),
    ("c4", at(7, 5), None, False, "new", D3),
    ("c5", at(2, 11), None, False, "active", D1),
]


def land_contacts(raw: Path, days: list[dt.date]) -> None:
    for day in days:
        write_table(raw, TABLES_BY_FOLDER["crm/contacts"], EXPORTS[day], day=day.isoformat())


def naive_utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.replace(tzinfo=None)


def test_bulk_load_equals_replay_on_hand_built_edge_cases(tmp_path: Path) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    replayed, loaded = tmp_path / "replayed.duckdb", tmp_path / "loaded.duckdb"
    # What an interrupted load and a snapshot of an all-rejected first export leave behind.
    with duckdb.connect(str(loaded)) as connection:
        connection.execute("create schema snapshots")
        connection.execute(f"create table {SCRATCH} as select 1 as half_written")
        connection.execute(f"create table {SNAPSHOT} (contact_id varchar, export_date date)")
    land_contacts(raw, [D1, D2, D3, D4])

    assert "day 4 of 4" in run_ok(raw, replayed, "--day-by-day")
    assert "4 days in one pass" in run_ok(raw, loaded)
    assert_same_snapshot(replayed, loaded)
    assert not relation_exists(loaded, SCRATCH)

    land_contacts(raw, [D5])
    for db in (loaded, replayed):  # the last path first: dbt keeps its partial parse
        assert "one pass" not in run_ok(raw, db)

    assert_same_snapshot(replayed, loaded)
    versions = snapshot_rows(
        loaded,
        "contact_id, dbt_valid_from, dbt_valid_to, is_deleted, activity_segment, export_date",
    )
    assert versions == [
        (contact, naive_utc(start), naive_utc(end), deleted, segment, export)
        for contact, start, end, deleted, segment, export in EXPECTED_VERSIONS
    ]
    meta = snapshot_rows(loaded, "contact_id, updated_at, dbt_scd_id, dbt_updated_at")
    for contact, updated_at, scd_id, dbt_updated_at in meta:
        assert dbt_updated_at == updated_at
        assert (
            scd_id == hashlib.md5(f"{contact}|{updated_at:%Y-%m-%d %H:%M:%S}".encode()).hexdigest()
        )
