"""The steps of `make build` (scripts/run_pipeline.py), cut where Dagster shows them.

`run_pipeline.run()` does three things in one process: it records every pending contacts
export in the snapshot, runs the final `dbt build`, and publishes. Dagster runs the same
three as separate assets: the functions here call the runner's own functions, with its
arguments, in its order. What the runner does not expose as a function (the sequence inside
run()) is restated in record_contact_history(); tests/orchestration checks the outcome.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts import publish_serving  # noqa: E402
from scripts import run_pipeline as runner  # noqa: E402

# Built by the history step and left out of the final build (runner.run excludes them too).
HISTORY_NODES = (runner.CONTACTS_REPEATS, runner.CONTACTS_CONDENSED, runner.SNAPSHOT)


@dataclass(frozen=True)
class History:
    days: tuple[dt.date, ...]
    loaded_in_one_pass: bool


def settings() -> runner.Settings:
    """The landing zone and warehouse as `make build` takes them (MW_RAW_DIR, MW_DUCKDB_PATH,
    their defaults), exported for the dbt processes Dagster starts."""
    resolved, _ = runner.parse_args([])
    if resolved.target != "duckdb":
        raise RuntimeError(f"DBT_TARGET={resolved.target}: the daily job publishes a DuckDB "
                           "build; on Spark run dbt on the cluster (docs/scaling.md)")
    os.environ["MW_RAW_DIR"] = str(resolved.raw_dir)
    os.environ["MW_DUCKDB_PATH"] = str(resolved.db_path)
    os.environ["DBT_TARGET"] = resolved.target
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    return resolved


def previous_exports(raw_dir: Path, landed: list[dt.date]) -> dict[dt.date, dt.date | None]:
    """For each export day, the newest earlier day whose export file holds rows."""
    exported = runner.nonempty_export_days(raw_dir, landed)
    return {day: max((before for before in exported if before < day), default=None)
            for day in landed}


def guarded(step: Callable[..., None], *args: object) -> None:
    """A runner step, with its SystemExit on a dbt failure turned into an error Dagster
    reports (SystemExit would end the whole run process)."""
    try:
        step(*args)
    except SystemExit as failed:
        raise RuntimeError(str(failed)) from None


def record_contact_history(current: runner.Settings) -> History:
    """runner.run() up to its final build: every pending export day into the snapshot (in
    one pass when the snapshot is missing), then the tests of the history."""
    os.chdir(PROJECT_DIR)
    current.db_path.parent.mkdir(parents=True, exist_ok=True)
    dbt = runner.Dbt()
    done_through = runner.last_snapshotted_day(current.db_path)
    landed = runner.export_days(current.raw_dir)
    days = runner.pending_days(landed, done_through)
    previous = previous_exports(current.raw_dir, landed)
    at_once = done_through is None and bool(days)
    built_first = [f"+{runner.SNAPSHOT_INPUT}", f"+{runner.REPLAYED_KEYS}"]
    built_first += [f"+{runner.SNAPSHOT_REPLAYED}"] if at_once else []
    guarded(dbt.invoke, "build", "--quiet", "--select", *built_first,
            "--exclude", "resource_type:test")
    if at_once:
        guarded(runner.bulk_load, dbt)
    else:
        for day in days:
            guarded(runner.snapshot_day, dbt, day, previous.get(day))
    guarded(dbt.invoke, "test", "--select", runner.CONTACTS_CONDENSED, runner.SNAPSHOT,
            *(["--exclude", runner.REPLAY_CHECK] if at_once else []))
    # dbt-duckdb keeps the file open in this process; the final build is another process.
    publish_serving.release_dbt_connections()
    return History(tuple(days), at_once)


def final_build_args(current: runner.Settings) -> list[str]:
    """The runner's final `dbt build`, less the selection (the dbt assets carry it): the
    newest export as literal dates, so the snapshot input reads only its files."""
    landed = runner.export_days(current.raw_dir)
    if not landed:
        return ["build"]
    newest = landed[-1]
    return ["build", "--vars", runner.export_vars(newest, previous_exports(current.raw_dir,
                                                                         landed)[newest])]


def publish(current: runner.Settings) -> publish_serving.Publication:
    """The serving copy, as the runner publishes it after a successful build."""
    return publish_serving.publish_after_build(current.db_path)
