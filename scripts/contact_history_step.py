"""The runner's contact-history step: every landed contacts export not yet in the snapshot
is recorded, in one pass into a missing snapshot or day by day, then the history is tested.

The step names no dbt model: it selects by the selectors and tags of the dbt project
(selectors.yml describes each), and finds the snapshot and the replay in the parsed
manifest by their tags."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.dbt_session import WARN_ERROR, Dbt

if TYPE_CHECKING:
    from dbt.contracts.graph.nodes import ManifestNode
    from duckdb import DuckDBPyConnection

# What runs before the snapshot: the model it reads, and everything upstream of it.
INPUTS = "selector:contact_history_inputs"
# One snapshot run: the snapshot and the model it reads (the export named in --vars).
ONE_EXPORT = "selector:contact_history"
# The data tests of what this step builds.
TESTS = "selector:contact_history_tests"
# The snapshot; the rows a one-pass load writes into it (the replay of every export).
SNAPSHOT_TAG = "contact_history"
REPLAY_TAG = "contact_history_replay"
# Compares the snapshot with a replay of the exports: after a bulk load from that very
# replay it can only pass.
REPLAY_CHECK = "tag:contact_history_check"
# Built (and tested) by the history step, left out of the final build: the snapshot and
# the tables that read every contacts export. A tag, not a selector: Dagster's dbt assets
# (orchestration/definitions.py) take this exclusion too, and resolve no `selector:`.
HISTORY_STEP_TAG = "contact_history_step"
HISTORY_NODES = f"tag:{HISTORY_STEP_TAG}"
EXPORT_FILE = re.compile(r"^contacts_(\d{4}-\d{2}-\d{2})\.parquet$")


@dataclass(frozen=True)
class Settings:
    """Where a run reads the landing zone and builds, and the dbt target it builds on."""

    raw_dir: Path
    db_path: Path
    target: str = "duckdb"


def export_days(raw_dir: Path) -> list[dt.date]:
    """Export days of the contacts files in the landing zone, oldest first."""
    folder = raw_dir / "crm" / "contacts"
    days = [
        dt.date.fromisoformat(match.group(1))
        for match in (EXPORT_FILE.match(path.name) for path in folder.glob("*.parquet"))
        if match
    ]
    return sorted(set(days))


def nonempty_export_days(raw_dir: Path, days: list[dt.date]) -> list[dt.date]:
    """The export days whose file holds rows (from the parquet footer): a day with an empty
    export file is no export, so the day after it compares with the export before it."""
    import pyarrow.parquet as pq

    folder = raw_dir / "crm" / "contacts"
    return [
        day
        for day in days
        if pq.read_metadata(folder / f"contacts_{day.isoformat()}.parquet").num_rows > 0
    ]


def only_node(dbt: Dbt, tag: str, resource_type: str) -> ManifestNode | None:
    """The one enabled node of a resource type with a tag, or None when there is none (the
    snapshot where dbt snapshots are disabled)."""
    found = dbt.tagged(tag, resource_type)
    if len(found) > 1:
        raise SystemExit(
            f"tag {tag}: {len(found)} {resource_type}s ({', '.join(node.name for node in found)})"
            ", the contact-history step expects one"
        )
    return found[0] if found else None


def history_snapshot(dbt: Dbt) -> ManifestNode | None:
    """The contact-history snapshot (tag contact_history), or None where it is disabled."""
    return only_node(dbt, SNAPSHOT_TAG, "snapshot")


def exports_table(snapshot: ManifestNode) -> str:
    """The table of the export days the snapshot has taken in (its config meta.exports_table,
    macro snapshot_exports_relation)."""
    name = snapshot.config.meta.get("exports_table")
    if not name:
        raise SystemExit(f"snapshot {snapshot.name}: config meta.exports_table is not set")
    return str(name)


def newest_export_date(connection: DuckDBPyConnection, schema: str, table: str) -> dt.date | None:
    """max(export_date) of a table, or None when it is missing or empty."""
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    assert found is not None  # an aggregate: always one row
    if not found[0]:
        return None
    newest = connection.execute(f'select max(export_date) from "{schema}"."{table}"').fetchone()
    assert newest is not None  # an aggregate: always one row
    return newest[0]


def last_snapshotted_day(db_path: Path, snapshot: ManifestNode) -> dt.date | None:
    """The newest export day the snapshot has taken in, or None while the snapshot is
    missing or empty. Read from the export-days table: the snapshot's own newest export_date
    is that of the newest change, behind on days when no card changed. A snapshot built
    before that table existed falls back to it."""
    if not db_path.exists():
        return None
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        changed = newest_export_date(connection, snapshot.schema, snapshot.alias)
        if changed is None:
            return None
        taken = newest_export_date(connection, snapshot.schema, exports_table(snapshot))
        return max(changed, taken) if taken else changed


def pending_days(days: list[dt.date], done_through: dt.date | None) -> list[dt.date]:
    """Days still to snapshot. The last done day is redone: it is a no-op if complete, and
    finishes it if the previous run was interrupted in the middle of that day."""
    if done_through is None:
        return days
    return [day for day in days if day >= done_through]


def export_vars(day: dt.date, previous: dt.date | None, **more: object) -> str:
    """The --vars naming the contacts export a run snapshots and the one before it: as
    literal dates, the snapshot input reads only those two exports' files."""
    named = {"contacts_export_date": day.isoformat()}
    if previous:
        named["contacts_previous_export_date"] = previous.isoformat()
    return json.dumps({**named, **more})


def snapshot_day(dbt: Dbt, day: dt.date, previous: dt.date | None) -> None:
    """Records one day's contacts export in the snapshot."""
    dbt.invoke(
        "snapshot_day",
        "build",
        "--quiet",
        "--select",
        ONE_EXPORT,
        "--exclude",
        "resource_type:test",
        "--vars",
        export_vars(day, previous, skip_landing_zone_check=True),
        write_json=False,
    )


def bulk_load(dbt: Dbt, snapshot: ManifestNode, days: list[dt.date]) -> None:
    """Creates the missing (or empty) snapshot from every export in one pass: exactly the
    rows the day-by-day snapshots would write (the model tagged contact_history_replay),
    and records `days` as taken in. Atomic: an interrupted load leaves no snapshot, and the
    next run loads again."""
    replay = only_node(dbt, REPLAY_TAG, "model")
    if replay is None:
        raise SystemExit(f"no model tagged {REPLAY_TAG}: nothing to load the snapshot from")
    dbt.invoke(
        "snapshot_bulk_load",
        "run-operation",
        "snapshot_bulk_load",
        "--args",
        json.dumps(
            {
                "snapshot_name": snapshot.name,
                "history_model": replay.name,
                "export_dates": [day.isoformat() for day in days],
            }
        ),
        write_json=False,
    )


@dataclass(frozen=True)
class History:
    """What the contact-history step did: the export days it recorded (in one pass or day
    by day), and every landed export day."""

    days: list[dt.date]
    loaded_in_one_pass: bool
    landed: list[dt.date]
    previous_export: dict[dt.date, dt.date | None]


def landed_exports(raw_dir: Path) -> tuple[list[dt.date], dict[dt.date, dt.date | None]]:
    """Every landed export day, and for each the newest earlier day whose file holds rows."""
    landed = export_days(raw_dir)
    exported = nonempty_export_days(raw_dir, landed)
    return landed, {
        day: max((before for before in exported if before < day), default=None) for day in landed
    }


def record_history(
    settings: Settings,
    dbt: Dbt,
    test: bool = True,
    day_by_day: bool = False,
    warn_error: bool = False,
) -> History:
    """Snapshots every pending export day (all at once into a missing snapshot, unless
    day_by_day), then tests the history (unless test is false)."""
    started = time.monotonic()
    snapshot = history_snapshot(dbt)
    if snapshot is None:
        raise SystemExit(f"no snapshot tagged {SNAPSHOT_TAG}: dbt snapshots are disabled")
    done_through = last_snapshotted_day(settings.db_path, snapshot)
    landed, previous = landed_exports(settings.raw_dir)
    days = pending_days(landed, done_through)
    loads_at_once = done_through is None and bool(days) and not day_by_day
    # Checks the landing zone once and builds what the snapshot reads, what its replay
    # check reads (a view that depends on the exports landed) and what a one-pass load
    # reads: never the snapshot itself.
    built_first = (
        [INPUTS]
        + ([f"+{REPLAY_CHECK}"] if test else [])
        + ([f"+tag:{REPLAY_TAG}"] if loads_at_once else [])
    )
    dbt.invoke(
        "before_snapshot",
        "build",
        "--quiet",
        "--select",
        *built_first,
        "--exclude",
        f"tag:{SNAPSHOT_TAG}",
        "resource_type:test",
        write_json=False,
    )
    if loads_at_once:
        bulk_load(dbt, snapshot, days)
        dbt.steps[-1]["days"] = len(days)
        print(
            f"snapshot {days[0]} to {days[-1]}: {len(days)} days in one pass, "
            f"{time.monotonic() - started:.1f} s elapsed",
            flush=True,
        )
    else:
        for number, day in enumerate(days, start=1):
            snapshot_day(dbt, day, previous.get(day))
            dbt.steps[-1]["days"] = 1
            print(
                f"snapshot {day}: day {number} of {len(days)}, "
                f"{time.monotonic() - started:.1f} s elapsed",
                flush=True,
            )
    if test:
        # The tables above that read every contacts export, and the snapshot (it holds every
        # landed export: running it again merges the newest one for nothing), are tested,
        # not built again by the final build (HISTORY_NODES).
        dbt.invoke(
            "test_history",
            *(WARN_ERROR if warn_error else []),
            "test",
            "--select",
            TESTS,
            *(["--exclude", REPLAY_CHECK] if loads_at_once else []),
            write_json=False,
        )
    return History(days, loads_at_once, landed, previous)
