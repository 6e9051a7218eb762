"""The email funnel recomputed in pandas straight from the raw files (tests/python/
independent.py), against mart_email_funnel."""

from __future__ import annotations

import duckdb
import pandas as pd
from conftest import DEMO_RAW, DEMO_TRUTH
from independent import funnel_per_campaign

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


def test_funnel_totals_per_campaign_match_raw_files(demo_db: duckdb.DuckDBPyConnection) -> None:
    expected = funnel_per_campaign(DEMO_RAW, DEMO_TRUTH)
    sums = ", ".join(f"sum({measure}) as {measure}" for measure in MEASURES)
    actual = (
        demo_db.execute(
            f"select campaign_id, {sums} from main.mart_email_funnel group by campaign_id"
        )
        .df()
        .set_index("campaign_id")
        .sort_index()
        .astype("int64")
    )

    pd.testing.assert_frame_equal(actual, expected[MEASURES].astype("int64"), check_names=False)
    assert expected["sent"].sum() > 30_000


def test_rates_are_their_counts_ratios(demo_db: duckdb.DuckDBPyConnection) -> None:
    worst, rates_on_zero, outside_interval = demo_db.execute("""
        select
            max(abs(open_rate - unique_opens / delivered)) filter (where delivered > 0),
            count(*) filter (where delivered = 0 and open_rate is not null),
            count(*) filter (where open_rate_ci_low > open_rate or open_rate_ci_high < open_rate)
        from main.mart_email_funnel
    """).fetchone()
    assert worst < 1e-12
    assert rates_on_zero == 0
    assert outside_interval == 0
