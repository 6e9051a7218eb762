"""The Dagster daily job (orchestration/) materialized in process on the bundled landing zone:
it records the contact history through the newest export, builds every dbt node, and
publishes a serving copy whose marts are the warehouse's and account for every raw file."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from dagster import AssetKey, DagsterInstance, ExecuteInProcessResult

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))

from orchestration import definitions  # noqa: E402

DEMO_RAW = PROJECT_DIR / "seeds" / "raw"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExecuteInProcessResult, Path]:
    """One materialization of the daily job into a fresh warehouse; returns it and the file."""
    db = tmp_path_factory.mktemp("orchestration") / "warehouse.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setenv("MW_RAW_DIR", str(DEMO_RAW))
    patch.setenv("MW_DUCKDB_PATH", str(db))
    patch.setenv("MW_DUCKDB_TEMP_DIR", str(db.parent / "duckdb_tmp"))
    patch.delenv("DBT_TARGET", raising=False)
    try:
        job = definitions.defs.resolve_job_def("daily_build")
        result = job.execute_in_process(instance=DagsterInstance.ephemeral())
    finally:
        patch.undo()
    return result, db


def materialized(result: ExecuteInProcessResult) -> set[AssetKey]:
    return {
        event.asset_key
        for event in result.all_events
        if event.event_type_value == "ASSET_MATERIALIZATION"
    }


def test_the_schedule_runs_the_daily_job_every_morning() -> None:
    schedule = definitions.defs.resolve_schedule_def("daily_build_schedule")
    assert schedule.job_name == "daily_build"
    assert schedule.cron_schedule == "0 6 * * *"


def test_every_dbt_node_and_the_publication_are_materialized(run: tuple) -> None:
    result, _ = run
    assert result.success
    nodes = {
        node["name"]
        for node in definitions.MANIFEST["nodes"].values()
        if node["resource_type"] in {"model", "seed", "snapshot"}
    }
    # an asset key ends with the dbt node's name (dagster-dbt prefixes a custom schema)
    names = [key.path[-1] for key in materialized(result)]
    assert sorted(names) == sorted(nodes | {"serving_copy", "overview_report"})


def test_the_history_reaches_the_newest_export(run: tuple) -> None:
    _, db = run
    files = (DEMO_RAW / "crm" / "contacts").glob("contacts_*.parquet")
    newest = max(
        dt.date.fromisoformat(re.search(r"(\d{4}-\d{2}-\d{2})", path.name).group(1))
        for path in files
    )
    with duckdb.connect(str(db), read_only=True) as warehouse:
        recorded = warehouse.execute(
            "select max(export_date) from snapshots.snp_crm__contacts"
        ).fetchone()[0]
    assert recorded == newest


def test_the_serving_copy_holds_the_warehouse_marts(run: tuple) -> None:
    _, db = run
    serving = db.parent / "serving" / "serving.duckdb"
    assert (db.parent / "serving" / "dashboard.html").stat().st_size > 10_000
    marts_sql = (
        "select table_name from information_schema.tables where table_schema = 'main'"
        " and regexp_matches(table_name, '^(dim|fct|mart|dq)_') order by 1"
    )
    with (
        duckdb.connect(str(db), read_only=True) as warehouse,
        duckdb.connect(str(serving), read_only=True) as copy,
    ):
        names = [row[0] for row in warehouse.execute(marts_sql).fetchall()]
        assert names == [row[0] for row in copy.execute(marts_sql).fetchall()]
        assert {"dim_contacts", "fct_email_sends", "mart_email_funnel"} <= set(names)
        for name in names:
            count = f"select count(*) from main.{name}"
            assert copy.execute(count).fetchone() == warehouse.execute(count).fetchone(), name


def test_every_raw_file_is_accounted_for(run: tuple) -> None:
    """dq_row_accounting of the serving copy against the parquet footers of the landing zone."""
    _, db = run
    footers = {
        str(path.relative_to(DEMO_RAW)): pq.read_metadata(path).num_rows
        for path in DEMO_RAW.glob("*/*/*.parquet")
    }
    with duckdb.connect(str(db.parent / "serving" / "serving.duckdb"), read_only=True) as copy:
        accounted = dict(
            copy.execute("select source_file, raw_rows from dq_row_accounting").fetchall()
        )
        balanced = copy.execute(
            "select count(*) from dq_row_accounting"
            " where raw_rows <> staged_rows + duplicate_rows + rejected_rows"
        ).fetchone()[0]
        campaigns = copy.execute("select count(*) from dim_campaigns").fetchone()[0]
    assert accounted == footers
    assert balanced == 0
    raw_campaigns = duckdb.sql(
        "select count(distinct campaign_id) from read_parquet("
        f"'{DEMO_RAW}/esp/campaigns/*.parquet') where campaign_id is not null"
    ).fetchone()[0]
    assert campaigns == raw_campaigns
