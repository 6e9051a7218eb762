"""The steps of `make build` (scripts/run_pipeline.py), cut where Dagster shows them.

`run_pipeline.run()` runs three steps in one process: it records every pending contacts
export in the snapshot (record_history), runs the final `dbt build` (final_build_args),
and publishes. Dagster runs the same three as separate assets, through the runner's own
functions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts import contact_history_step, publish_serving  # noqa: E402
from scripts import run_pipeline as runner  # noqa: E402

# What the history step builds, as the dbt selection the final build leaves out and its tag.
HISTORY_NODES = contact_history_step.HISTORY_NODES
HISTORY_STEP_TAG = contact_history_step.HISTORY_STEP_TAG
T = TypeVar("T")


def settings() -> runner.Settings:
    """The landing zone and warehouse as `make build` takes them (MW_RAW_DIR, MW_DUCKDB_PATH,
    their defaults), exported for the dbt processes Dagster starts."""
    resolved, _ = runner.parse_args([])
    if resolved.target != "duckdb":
        raise RuntimeError(
            f"DBT_TARGET={resolved.target}: the daily job publishes a DuckDB "
            "build; on Spark run dbt on the cluster (docs/scaling.md)"
        )
    runner.prepare(resolved)
    return resolved


def guarded(step: Callable[..., T], *args: object) -> T:
    """A runner step, with its SystemExit on a dbt failure turned into an error Dagster
    reports (SystemExit would end the whole run process)."""
    try:
        return step(*args)
    except SystemExit as failed:
        raise RuntimeError(str(failed)) from None


def record_contact_history(current: runner.Settings) -> runner.History:
    """The runner's contact-history step: every pending export day into the snapshot (in
    one pass when the snapshot is missing), then the tests of the history."""
    runner.prepare(current)
    dbt = runner.Dbt()
    try:
        history = guarded(runner.record_history, current, dbt)
    finally:
        runner.write_run_record(dbt.steps, runner.run_record_path())
    # dbt-duckdb keeps the file open in this process; the final build is another process.
    publish_serving.release_dbt_connections()
    return history


def final_build_args(current: runner.Settings) -> list[str]:
    """The runner's final `dbt build` (the dbt assets carry its selection): the newest
    export as literal dates, and the gate's files since the last publication; no unit tests,
    as in the runner."""
    history = runner.History([], False, *contact_history_step.landed_exports(current.raw_dir))
    return [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        runner.final_build_vars(current, history),
    ]


def publish(current: runner.Settings) -> publish_serving.Publication:
    """The serving copy, as the runner publishes it after a successful build."""
    return publish_serving.publish_after_build(current.db_path)
