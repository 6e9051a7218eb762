"""Builds the warehouse from the landing zone, snapshotting each contacts export once.

A landing zone holds one full CRM contacts export per day; the contact history (and so
every "segment at send") exists only because each export is snapshotted in turn. When the
snapshot does not exist yet, this runner creates it in one pass from every export
(int_contacts_snapshot_replayed: the rows the day-by-day snapshots would write). Otherwise
it snapshots every export day that is newer than the last one recorded in the snapshot, in
day order. Then it builds everything once. Re-running it is a no-op for days already done;
when a new day's files land, only that day is snapshotted.

On a target whose dbt snapshots are disabled (Spark without Delta: README "Scaling out")
the history is the set-based replay model itself, rebuilt by the build: the runner only
builds. The serving copy and the dashboard are published from a DuckDB build only.

Exit code: 0 when the serving copy was published from this run; 1 when nothing was
published (a failed build, or a data-quality error about what is new in this run: the
message names each one and how to acknowledge it). The previous serving copy then stays
in place and readable.

Usage: python scripts/run_pipeline.py [--raw-dir DIR] [--db PATH] [--target NAME]
                                      [--skip-build] [--day-by-day] [--full-rebuild]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))
SNAPSHOT = "snp_crm__contacts"
SNAPSHOT_RELATION = "snapshots.snp_crm__contacts"
# Every dbt warning is an error, except a data test of severity warn: data-quality warnings
# (mart_data_quality) are findings about the data for the people who read it, not defects.
WARN_ERROR = [
    "--warn-error-options",
    '{"error": "all", "warn": ["LogTestResult", "RunResultWarning", "RunResultWarningMessage"]}',
]
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
RUN_RECORD = "pipeline_run.json"
EXPORT_FILE = re.compile(r"^contacts_(\d{4}-\d{2}-\d{2})\.parquet$")


@dataclass(frozen=True)
class Settings:
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


class Dbt:
    """dbt in process, parsed once: ~0.4 s per invocation instead of ~4 s per process. Every
    invocation is recorded (steps): its phase, wall time and the execution time of each node,
    from dbt's own results."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        self.steps: list[dict[str, object]] = []
        started = time.monotonic()
        parsed = dbtRunner().invoke(["parse", "--quiet"])
        if not parsed.success:
            raise SystemExit(f"dbt parse failed: {parsed.exception}")
        self._record("parse", ["parse"], started, None)
        # a successful `parse` returns the Manifest (dbtRunnerResult.result is a union)
        manifest = cast("Manifest", parsed.result)
        self._runner = dbtRunner(manifest=manifest)
        self.has_snapshot = any(
            node.resource_type == "snapshot" and node.name == SNAPSHOT
            for node in manifest.nodes.values()
        )
        self.adapter_type = manifest.metadata.adapter_type

    def invoke(self, phase: str, *args: str) -> None:
        started = time.monotonic()
        result = self._runner.invoke(list(args))
        self._record(phase, list(args), started, result.result)
        if not result.success:
            raise SystemExit(
                f"dbt {' '.join(args)} failed: {result.exception or 'see the log above'}"
            )

    def _record(self, phase: str, args: list[str], started: float, result: object) -> None:
        nodes = [
            {
                "unique_id": node_result.node.unique_id,
                "status": str(node_result.status),
                "seconds": round(node_result.execution_time, 3),
            }
            for node_result in getattr(result, "results", None) or []
            if getattr(node_result, "node", None) is not None
        ]
        self.steps.append(
            {
                "phase": phase,
                "args": args,
                "seconds": round(time.monotonic() - started, 3),
                "nodes": nodes,
            }
        )


def write_run_record(steps: list[dict[str, object]], path: Path) -> None:
    """The runner's steps as JSON (scripts/benchmark.py reads its phases and node timings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"steps": steps}, indent=1) + "\n")


def run_record_path() -> Path:
    return Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target")) / RUN_RECORD


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
            CONTACTS_CONDENSED,
            SNAPSHOT,
            *(["--exclude", REPLAY_CHECK] if loads_at_once else []),
        )
    return History(days, loads_at_once, landed, previous)


def final_build_vars(settings: Settings, history: History) -> str:
    """The --vars of the final build: the newest export as literal dates (the snapshot input
    reads it alone), and the time of the last publication (the data-quality gate judges the
    files loaded since)."""
    from scripts import publish_serving, quality_gate

    serving = publish_serving.serving_dir_for(settings.db_path) / publish_serving.DATABASE_NAME
    through = quality_gate.published_through(serving)
    gate = {"dq_new_files_loaded_after": through.isoformat(sep=" ")} if through else {}
    newest = history.landed[-1] if history.landed else None
    if newest is None:
        return json.dumps(gate)
    return export_vars(newest, history.previous_export.get(newest), **gate)


def final_build_args(settings: Settings, history: History) -> list[str]:
    """The final `dbt build`: everything but the history's own nodes, built before it, and
    the unit tests: they test the SQL, not the day's data, so `make test` runs them once
    (tests/python/test_dbt_unit_tests.py) instead of every run (3-5 s a run on DuckDB, about
    2 min on Spark)."""
    return [
        "build",
        "--exclude",
        *HISTORY_NODES,
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        final_build_vars(settings, history),
    ]


def final_build(settings: Settings, dbt: Dbt, history: History, warn_error: bool) -> None:
    """The final build; on a failure, names every blocking data-quality finding."""
    from scripts import publish_serving, quality_gate

    try:
        dbt.invoke(
            "build", *(WARN_ERROR if warn_error else []), *final_build_args(settings, history)
        )
    except SystemExit as failure:
        publish_serving.release_dbt_connections()
        serving_dir = publish_serving.serving_dir_for(settings.db_path)
        findings = quality_gate.blocking_findings(settings.db_path)
        if findings:
            raise SystemExit(quality_gate.failure_message(findings, serving_dir)) from None
        raise SystemExit(
            f"{failure.code}\nNothing was published; the previous serving copy "
            f"in {serving_dir} is kept."
        ) from None


def publish(settings: Settings, dbt: Dbt) -> None:
    """The serving copy, then the dashboard (only a successful build reaches this)."""
    from scripts import publish_serving
    from scripts.dashboard.render import render_after_publish

    started = time.monotonic()
    render_after_publish(publish_serving.publish_after_build(settings.db_path))
    dbt.steps.append(
        {
            "phase": "publish",
            "args": [],
            "nodes": [],
            "seconds": round(time.monotonic() - started, 3),
        }
    )


def prepare(settings: Settings) -> None:
    """The environment every step runs in: dbt reads the landing zone, warehouse and target
    from it."""
    os.environ["MW_RAW_DIR"] = str(settings.raw_dir)
    os.environ["MW_DUCKDB_PATH"] = str(settings.db_path)
    os.environ["DBT_TARGET"] = settings.target
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.chdir(PROJECT_DIR)
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)


def run(
    settings: Settings, build: bool = True, warn_error: bool = False, day_by_day: bool = False
) -> list[dt.date]:
    """The contact history, then the final build and publishing; returns the days
    snapshotted."""
    prepare(settings)
    started = time.monotonic()
    dbt = Dbt()
    try:
        if not dbt.has_snapshot:
            if build:
                dbt.invoke("build", *(WARN_ERROR if warn_error else []), "build")
                print(
                    f"build done in {time.monotonic() - started:.1f} s "
                    f"(target {settings.target}, contact history replayed)",
                    flush=True,
                )
            return []
        if dbt.adapter_type != "duckdb":
            raise SystemExit(
                f"target {settings.target}: the runner reads the snapshot's progress "
                "from DuckDB; on a Delta-capable cluster run `dbt snapshot` daily, "
                "then `dbt build`"
            )
        history = record_history(
            settings, dbt, test=build, day_by_day=day_by_day, warn_error=warn_error
        )
        if build:
            final_build(settings, dbt, history, warn_error)
            print(f"build done in {time.monotonic() - started:.1f} s", flush=True)
            publish(settings, dbt)
        return history.days
    finally:
        write_run_record(dbt.steps, run_record_path())


def remove_warehouse(db_path: Path) -> None:
    """Deletes the DuckDB file and its write-ahead log, so that the next run builds from empty."""
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        path.unlink(missing_ok=True)


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(os.environ.get("MW_RAW_DIR", PROJECT_DIR / "seeds" / "raw")),
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("MW_DUCKDB_PATH", PROJECT_DIR / "target" / "warehouse.duckdb")),
    )
    parser.add_argument(
        "--target",
        default=os.environ.get("DBT_TARGET", "duckdb"),
        help='dbt target of profiles.yml (duckdb, or spark: README "Scaling out")',
    )
    parser.add_argument(
        "--skip-build", action="store_true", help="only snapshot the pending export days"
    )
    parser.add_argument(
        "--warn-error",
        action="store_true",
        help="treat dbt warnings (but data-quality warnings) as errors in the final build",
    )
    parser.add_argument(
        "--full-rebuild",
        action="store_true",
        help="delete the DuckDB warehouse first and build everything from the "
        "landing zone (the serving copy stays until the new build publishes)",
    )
    parser.add_argument(
        "--day-by-day",
        action="store_true",
        help="snapshot a missing snapshot's export days one by one instead of "
        "in one pass (slow; the reference the one-pass load is tested against)",
    )
    args = parser.parse_args(argv)
    return Settings(args.raw_dir.resolve(), args.db.resolve(), args.target), args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    if args.full_rebuild:
        remove_warehouse(settings.db_path)
    run(settings, build=not args.skip_build, warn_error=args.warn_error, day_by_day=args.day_by_day)
    if settings.target == "duckdb":
        print(f"warehouse: {settings.db_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
