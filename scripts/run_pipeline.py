"""Builds the warehouse from the landing zone, snapshotting each contacts export once.

A landing zone holds one full CRM contacts export per day; the contact history (and so
every "segment at send") exists only because each export is snapshotted in turn. When the
snapshot does not exist yet, this runner creates it in one pass from every export (the
replay, tag contact_history_replay: the rows the day-by-day snapshots would write).
Otherwise it snapshots every export day that is newer than the last one the snapshot took
in (its export-days table), in day order. Then it builds everything once. Re-running it is a no-op for days
already done; when a new day's files land, only that day is snapshotted. The runner names
no dbt model: the selectors and tags of selectors.yml say what each step runs.

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
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts.contact_history_step import (  # noqa: E402
    HISTORY_NODES,
    History,
    Settings,
    export_vars,
    history_snapshot,
    record_history,
)
from scripts.dbt_session import WARN_ERROR, Dbt, run_record_path, write_run_record  # noqa: E402


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
        HISTORY_NODES,
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
        if history_snapshot(dbt) is None:
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
    # absolute, not resolved: a path through a symlink stays the path dbt sees (its partial
    # parse keys on the paths)
    return Settings(args.raw_dir.absolute(), args.db.absolute(), args.target), args


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
