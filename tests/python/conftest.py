"""Shared fixtures: the warehouse built once from the bundled demo landing zone."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))

from dbt_helpers import run_pipeline  # noqa: E402

# Each pytest-xdist worker (make test runs two) gets its own dbt target and log folders and
# DuckDB spill folder, inherited by every dbt, runner and mf process it starts.
WORKER_DIR = PROJECT_DIR / "target" / "pytest" / os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["DBT_TARGET_PATH"] = str(WORKER_DIR / "dbt_target")
os.environ["DBT_LOG_PATH"] = str(WORKER_DIR / "dbt_logs")
os.environ["MW_DUCKDB_TEMP_DIR"] = str(WORKER_DIR / "duckdb_tmp")
# dbt's file log at its default level (debug) formats every query of every node: about a
# sixth of a build's time. The tests read the runner's output and records, never logs/dbt.log.
os.environ["DBT_LOG_LEVEL_FILE"] = "none"

# The longest files first: pytest-xdist hands whole files (--dist loadfile) to whichever
# worker is free, in collection order, so a long file collected last keeps one worker busy
# while the other idles.
LONGEST_FIRST = (
    "test_bad_input.py",
    "test_quality_gate.py",
    "test_serving.py",
    "test_identity_stitching.py",
    "test_replay.py",
    "test_semantic_layer.py",
    "test_recovery.py",
    "test_macros.py",
    "test_benchmark.py",
    "test_snapshot_bulk_load.py",
    "test_dashboard.py",
    "test_load_by_file.py",
    "test_segment_flow_uplift.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


DEMO_RAW = PROJECT_DIR / "seeds" / "raw"
DEMO_TRUTH = PROJECT_DIR / "seeds" / "ground_truth"


def shared_demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's build on the bundled data, run once per session: the first worker that
    asks builds it while the others wait on a file lock. Returns its folder (warehouse and
    serving copy)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the session's
    folder, done_marker = root / "demo_build", root / "demo_build.done"
    with (root / "demo_build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done_marker.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done = run_pipeline(DEMO_RAW, folder / "warehouse.duckdb", "--warn-error")
            assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
            done_marker.touch()
    return folder


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's build on the bundled data (day-by-day snapshots, then `dbt build
    --warn-error` but for data-quality warnings, with every data and unit test); returns
    the DuckDB file of this worker's own copy, which its tests may move or lock."""
    own = tmp_path_factory.mktemp("demo")
    shutil.copytree(shared_demo_build(tmp_path_factory), own, symlinks=True, dirs_exist_ok=True)
    return own / "warehouse.duckdb"


@pytest.fixture()
def demo_db(demo_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(demo_warehouse), read_only=True)
    connection.execute("set timezone = 'UTC'")
    yield connection
    connection.close()


@pytest.fixture()
def scratch_db() -> Path:
    """An empty warehouse path, the same for every test of a worker."""
    folder = WORKER_DIR / "scratch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder / "warehouse.duckdb"
