"""Shared fixtures: the warehouse built once from the bundled demo landing zone."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))

from dbt_helpers import run_pipeline  # noqa: E402
from landing_zone import file_day, land_files_through  # noqa: E402

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
DEMO_DAYS = sorted({file_day(path) for path in (DEMO_RAW / "crm" / "contacts").glob("*.parquet")})
FIRST_DEMO_DAY, LAST_DEMO_DAY = DEMO_DAYS[0], DEMO_DAYS[-1]


def shared_build(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder built once per session by build(folder): the first worker that asks builds
    it while the others wait on a file lock. Tests copy it before they change anything."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the session's
    folder, done_marker = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done_marker.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done_marker.touch()
    return folder


def build_demo(folder: Path) -> None:
    """The README's build on the bundled data, into folder (warehouse and serving copy)."""
    done = run_pipeline(DEMO_RAW, folder / "warehouse.duckdb", "--warn-error")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]


def build_demo_but_last_two_days(folder: Path) -> None:
    """The bundled landing zone without its last two export days (folder/raw, links to its
    files), built into folder/warehouse.duckdb."""
    land_files_through(folder / "raw", LAST_DEMO_DAY - dt.timedelta(days=2), DEMO_RAW)
    done = run_pipeline(folder / "raw", folder / "warehouse.duckdb")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's build on the bundled data (day-by-day snapshots, then `dbt build
    --warn-error` but for data-quality warnings, with every data and unit test); returns
    the DuckDB file of this worker's own copy, which its tests may move or lock."""
    own = tmp_path_factory.mktemp("demo")
    shared = shared_build(tmp_path_factory, "demo_build", build_demo)
    shutil.copytree(shared, own, symlinks=True, dirs_exist_ok=True)
    return own / "warehouse.duckdb"


@pytest.fixture()
def demo_but_last_two_days(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> tuple[Path, Path]:
    """(landing zone, warehouse): this test's own copy of the bundled landing zone without
    its last two export days and of the warehouse built from it (once per session). The
    test lands the remaining days (landing_zone.land_files_through) and runs the pipeline
    again; the demo warehouse is then the state it must reach."""
    shared = shared_build(tmp_path_factory, "demo_but_last_two_days", build_demo_but_last_two_days)
    shutil.copytree(shared, tmp_path, symlinks=True, dirs_exist_ok=True)
    return tmp_path / "raw", tmp_path / "warehouse.duckdb"


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
