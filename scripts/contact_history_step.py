"""The runner's contact-history step: every landed contacts export not yet in the snapshot
is recorded, in one pass into a missing snapshot or day by day, then the history is tested."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.dbt_session import SNAPSHOT, WARN_ERROR, Dbt

SNAPSHOT_RELATION = "snapshots.snp_crm__contacts"
SNAPSHOT_INPUT = "int_contacts_snapshot_input"
# Tables that read every contacts export: built once per run, before the snapshot.
CONTACTS_REPEATS = "base_crm__contact_repeats"
CONTACTS_CONDENSED = "int_contact_export_spans"
SNAPSHOT_REPLAYED = "int_contacts_snapshot_replayed"
REPLAYED_KEYS = "int_contacts_snapshot_replayed_keys"
# compares the snapshot with a replay of the exports: after a bulk load from that very
# replay it can only pass
REPLAY_CHECK = "assert_contacts_snapshot_matches_replay"
# Built (and tested) by the history step, left out of the final build.
HISTORY_NODES = (CONTACTS_REPEATS, CONTACTS_CONDENSED, SNAPSHOT)
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


def last_snapshotted_day(db_path: Path) -> dt.date | None:
    """The newest export day recorded in the snapshot, or None while the snapshot is
    missing or empty."""
    if not db_path.exists():
        return None
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        exists = connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'snapshots' and table_name = ?",
            [SNAPSHOT],
        ).fetchone()
        assert exists is not None  # an aggregate: always one row
        if not exists[0]:
            return None
        newest = connection.execute(f"select max(export_date) from {SNAPSHOT_RELATION}").fetchone()
        assert newest is not None  # an aggregate: always one row
        return newest[0]


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
        SNAPSHOT_INPUT,
        SNAPSHOT,
        "--exclude",
        "resource_type:test",
        "--vars",
        export_vars(day, previous, skip_landing_zone_check=True),
    )


def bulk_load(dbt: Dbt) -> None:
    """Creates the missing (or empty) snapshot from every export in one pass: exactly the
    rows the day-by-day snapshots would write. Atomic: an interrupted load leaves no
    snapshot, and the next run loads again."""
    dbt.invoke(
        "snapshot_bulk_load",
        "run-operation",
        "snapshot_bulk_load",
        "--args",
        f"{{snapshot_name: {SNAPSHOT}, history_model: {SNAPSHOT_REPLAYED}}}",
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
    done_through = last_snapshotted_day(settings.db_path)
    landed, previous = landed_exports(settings.raw_dir)
    days = pending_days(landed, done_through)
    loads_at_once = done_through is None and bool(days) and not day_by_day
    # Checks the landing zone once and builds what the snapshot reads, and what its replay
    # check reads (a view that depends on the exports landed).
    built_first = (
        [f"+{SNAPSHOT_INPUT}"]
        + ([f"+{REPLAYED_KEYS}"] if test else [])
        + ([f"+{SNAPSHOT_REPLAYED}"] if loads_at_once else [])
    )
    dbt.invoke(
        "before_snapshot",
        "build",
        "--quiet",
        "--select",
        *built_first,
        "--exclude",
        "resource_type:test",
    )
    if loads_at_once:
        bulk_load(dbt)
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
        # not built again by the final build.
        dbt.invoke(
            "test_history",
            *(WARN_ERROR if warn_error else []),
            "test",
            "--select",
            CONTACTS_REPEATS,
            CONTACTS_CONDENSED,
            SNAPSHOT,
            *(["--exclude", REPLAY_CHECK] if loads_at_once else []),
        )
    return History(days, loads_at_once, landed, previous)
