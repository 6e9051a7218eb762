"""A run killed in the middle (SIGKILL: no clean-up of any kind) and started again ends in the
same warehouse as a run that was never interrupted: once killed while it snapshots a day,
once killed in the middle of the final build. (`--full-rebuild` over a damaged warehouse:
test_serving.py, whose rebuild under readers also checks it equals the first build.)"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import DEMO_RAW, LAST_DEMO_DAY
from dbt_helpers import PROJECT_DIR, dbt_env, pipeline_command, run_pipeline, stable_paths
from landing_zone import land_files_through
from test_replay import differences


def run_until(raw_dir: Path, db: Path, marker: str, delay_s: float) -> str:
    """Starts the pipeline, kills it `delay_s` after a line containing `marker` appears, and
    returns what it printed. Fails if the run finished before it could be killed."""
    with stable_paths(raw_dir, db) as (raw_link, db_link):
        process = subprocess.Popen(
            pipeline_command(raw_link, db_link),
            cwd=PROJECT_DIR,
            env={**dbt_env(raw_link, db_link), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        printed = []
        for line in process.stdout:
            printed.append(line)
            if marker in line:
                time.sleep(delay_s)
                break
        assert process.poll() is None, "the run ended before it was killed:\n" + "".join(printed)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    return "".join(printed)


def test_killed_runs_recover_to_the_uninterrupted_state(
    demo_but_last_two_days: tuple[Path, Path], demo_warehouse: Path
) -> None:
    """The last two days land on a warehouse built without them; the uninterrupted state is
    the demo warehouse, built from every day in one run (test_replay.py: the same as day by
    day)."""
    raw, db = demo_but_last_two_days
    land_files_through(raw, LAST_DEMO_DAY, DEMO_RAW)

    # Killed while the second of the new days is being snapshotted, then in the final build.
    printed = run_until(raw, db, marker="day 1 of", delay_s=0.3)
    assert "day 2 of" not in printed
    printed = run_until(raw, db, marker="START sql table model main.fct_", delay_s=0.5)
    assert "build done" not in printed
    done = run_pipeline(raw, db)
    assert done.returncode == 0, done.stdout[-3000:]

    assert differences(demo_warehouse, db) == {}
