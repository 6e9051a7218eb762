"""Dagster definitions of the daily build: the contact history, the dbt assets, the serving
copy and the dashboard, and the schedule that materializes them every morning.

    dagster dev -m orchestration.definitions        (from the project directory)

The job runs what `make build` runs, step for step (docs/operations.md, "Dagster")."""

import json
from collections.abc import Iterator
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Definitions,
    MaterializeResult,
    ScheduleDefinition,
    asset,
    define_asset_job,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration import pipeline
from orchestration.manifest import PROJECT_DIR, TARGET_PATH, dbt_executable, ensure_manifest
from scripts.dashboard.render import PAGE_NAME, render

MANIFEST_PATH = ensure_manifest()
MANIFEST: dict[str, Any] = json.loads(MANIFEST_PATH.read_text())
TRANSLATOR = DagsterDbtTranslator()
# Every morning at 06:00 UTC, after the night's exports have landed; change it here.
DAILY_CRON = "0 6 * * *"


def history_keys() -> list[AssetKey]:
    """The asset keys dagster-dbt gives the nodes the history step builds (its tag)."""
    return [
        TRANSLATOR.get_asset_spec(MANIFEST, unique_id, None).key
        for unique_id, node in MANIFEST["nodes"].items()
        if node["resource_type"] in ("model", "snapshot")
        and pipeline.HISTORY_STEP_TAG in node["tags"]
    ]


@multi_asset(
    name="contact_history",
    specs=[
        AssetSpec(
            key,
            description="Recorded by the contact-history step of the runner: "
            "every pending contacts export snapshotted in day order.",
        )
        for key in history_keys()
    ],
)
def contact_history(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    history = pipeline.record_contact_history(pipeline.settings())
    context.log.info(
        f"export days recorded: {len(history.days)}, in one pass: {history.loaded_in_one_pass}"
    )
    for key in context.selected_asset_keys:
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "export_days_recorded": len(history.days),
                "loaded_in_one_pass": history.loaded_in_one_pass,
            },
        )


@dbt_assets(
    manifest=MANIFEST_PATH,
    exclude=pipeline.HISTORY_NODES,
    dagster_dbt_translator=TRANSLATOR,
)
def warehouse(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """The runner's final `dbt build`: every model, seed and test but the history's."""
    args = pipeline.final_build_args(pipeline.settings())
    yield from dbt.cli(args, context=context, target_path=TARGET_PATH / "build").stream()


@asset(
    deps=[warehouse],
    description="serving/ beside the warehouse: every mart in "
    "serving.duckdb and as parquet, swapped in atomically (scripts/publish_serving.py).",
)
def serving_copy() -> MaterializeResult:
    publication = pipeline.publish(pipeline.settings())
    return MaterializeResult(
        metadata={
            "database": str(publication.database),
            "parquet": str(publication.parquet_dir),
            "version": publication.version,
            "marts": len(publication.marts),
            "rows": sum(mart.rows for mart in publication.marts),
        }
    )


@asset(deps=[serving_copy], description="The dashboard, rendered from the serving copy.")
def overview_report() -> MaterializeResult:
    serving_dir = pipeline.publish_serving.serving_dir_for(pipeline.settings().db_path)
    out = render(serving_dir / pipeline.publish_serving.DATABASE_NAME, serving_dir / PAGE_NAME)
    return MaterializeResult(metadata={"path": str(out)})


daily_build = define_asset_job(
    "daily_build",
    selection=AssetSelection.all(),
    description="What `make build` does: history, build, publish.",
)

defs = Definitions(
    assets=[contact_history, warehouse, serving_copy, overview_report],
    jobs=[daily_build],
    schedules=[
        ScheduleDefinition(
            name="daily_build_schedule",
            job=daily_build,
            cron_schedule=DAILY_CRON,
            execution_timezone="UTC",
        )
    ],
    resources={
        "dbt": DbtCliResource(
            project_dir=str(PROJECT_DIR),
            profiles_dir=str(PROJECT_DIR),
            dbt_executable=dbt_executable(),
        )
    },
)
