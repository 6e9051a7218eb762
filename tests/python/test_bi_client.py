"""A real BI client path: SQLAlchemy with duckdb-engine (what Superset, and any tool that
takes a SQLAlchemy URI, uses) on the serving copy, read-only, checked against an
independent computation from the raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import DEMO_RAW, DEMO_TRUTH
from independent import funnel_per_campaign
from sqlalchemy import MetaData, Table, create_engine, func, inspect, select

MEASURES = [
    "sent",
    "delivered",
    "unique_opens",
    "total_opens",
    "unique_clicks",
    "total_clicks",
    "unsubscribes",
    "complaints",
]


@pytest.fixture()
def engine(demo_warehouse: Path):
    serving_db = demo_warehouse.parent / "serving" / "serving.duckdb"
    engine = create_engine(f"duckdb:///{serving_db}", connect_args={"read_only": True})
    yield engine
    engine.dispose()


def test_funnel_through_sqlalchemy_matches_the_raw_files(engine) -> None:
    """mart_email_funnel reflected and queried the way a BI tool does it: per-campaign
    totals equal a pandas computation straight from the raw ESP events."""
    funnel = Table("mart_email_funnel", MetaData(), autoload_with=engine)
    query = (
        select(
            funnel.c.campaign_id,
            *[func.sum(funnel.c[measure]).label(measure) for measure in MEASURES],
        )
        .group_by(funnel.c.campaign_id)
        .order_by(funnel.c.campaign_id)
    )
    with engine.connect() as connection:
        served = pd.DataFrame(connection.execute(query).mappings().all()).set_index("campaign_id")
    expected = funnel_per_campaign(DEMO_RAW, DEMO_TRUTH)

    assert len(served) == len(expected) > 100
    pd.testing.assert_frame_equal(
        served[MEASURES].astype("int64"), expected[MEASURES].astype("int64"), check_names=False
    )


def test_sqlalchemy_lists_the_marts_and_their_descriptions(engine) -> None:
    """A BI tool browsing the connection sees the marts (and nothing of staging), with the
    descriptions of the dbt YAML as comments."""
    reflected = MetaData()
    reflected.reflect(engine)  # what a tool's schema sync does
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    assert tables == set(reflected.tables)
    assert {
        "mart_email_funnel",
        "mart_segment_flow",
        "mart_channel_performance",
        "mart_drr_by_period",
        "mart_attribution_comparison",
        "fct_email_sends",
    } <= tables
    assert not [name for name in tables if name.startswith(("stg_", "base_", "int_", "snp_"))]
    comment = inspector.get_table_comment("mart_email_funnel")["text"]
    assert comment.startswith("The email funnel by day")
    columns = {column["name"]: column for column in inspector.get_columns("mart_email_funnel")}
    assert columns["open_rate"]["comment"] == "unique_opens / delivered."


def test_the_connection_is_read_only(engine) -> None:
    with engine.connect() as connection, pytest.raises(Exception, match="read-only"):
        connection.exec_driver_sql("create table scratch as select 1 as x")
