"""The end-to-end marts keep every rouble and divide safely: spend per model equals the raw
files, ratios are null (never infinite) on zero denominators, and a quarter's DRR is its
own spend over its own revenue."""

from __future__ import annotations

import math

import duckdb
import pytest
from conftest import DEMO_RAW
from independent import newest_ad_costs_sql

MODELS = {"last_click", "first_click", "linear", "position_based", "time_decay"}


def raw_spend() -> float:
    """Ad costs (valid rows, newest file per key) plus each campaign's cost (newest file)."""
    connection = duckdb.connect()
    ad_costs = connection.execute(f"""
        select sum(cost_rub) from ({newest_ad_costs_sql(DEMO_RAW)})
    """).fetchone()[0]
    campaigns = connection.execute(f"""
        select sum(cost_rub) from (
            select *, row_number() over (partition by campaign_id order by filename desc) as newest
            from read_parquet('{DEMO_RAW}/esp/campaigns/*.parquet', filename = true)
            where campaign_id is not null
        ) where newest = 1
    """).fetchone()[0]
    return ad_costs + campaigns


def test_total_spend_equals_raw_files_in_every_model(demo_db: duckdb.DuckDBPyConnection) -> None:
    expected = raw_spend()
    totals = dict(
        demo_db.execute(
            "select model, sum(spend_rub) from main.mart_channel_performance group by model"
        ).fetchall()
    )
    assert set(totals) == MODELS
    for model, total in totals.items():
        assert total == pytest.approx(expected, rel=1e-12), model
    unmatched = demo_db.execute("""
        select count(*) from main.mart_channel_performance
        where model = 'linear' and spend_rub > 0 and leads = 0 and assisted_conversions = 0
    """).fetchone()[0]
    assert unmatched > 0, "the demo has spend that no touch matches; it must keep its rows"


def test_leads_and_revenue_are_whole_in_every_model(demo_db: duckdb.DuckDBPyConnection) -> None:
    leads, revenue = demo_db.execute(
        "select count(*), sum(revenue_rub) from main.fct_conversions"
    ).fetchone()
    for model, model_leads, model_revenue in demo_db.execute("""
        select model, sum(leads), sum(revenue_rub) from main.mart_channel_performance group by model
    """).fetchall():
        assert model_leads == pytest.approx(leads, rel=1e-12), model
        assert model_revenue == pytest.approx(revenue, rel=1e-12), model


RATIOS = [
    "ctr",
    "cpl_leads",
    "cpl_qualified",
    "cpl_meetings",
    "cpl_bookings",
    "cpl_payments",
    "cpl_won",
    "drr_pct",
]
DENOMINATORS = {
    "ctr": "impressions",
    "cpl_leads": "leads",
    "cpl_qualified": "qualified",
    "cpl_meetings": "meetings",
    "cpl_bookings": "bookings",
    "cpl_payments": "payments",
    "cpl_won": "won",
    "drr_pct": "revenue_rub",
}


def test_ratios_are_null_never_infinite_on_zero(demo_db: duckdb.DuckDBPyConnection) -> None:
    rows = demo_db.execute(
        f"select {', '.join(RATIOS + sorted(set(DENOMINATORS.values())))}"
        " from main.mart_channel_performance"
    ).df()
    for ratio, denominator in DENOMINATORS.items():
        zero = rows[rows[denominator].fillna(0) == 0]
        assert len(zero) > 0, f"the demo has rows with zero {denominator}"
        assert zero[ratio].isna().all(), ratio
        assert not rows[ratio].dropna().map(math.isinf).any(), ratio
    periods = demo_db.execute(
        "select drr_pct, cpl_won, revenue_rub, won from main.mart_drr_by_period"
    ).df()
    assert periods.loc[periods["revenue_rub"] == 0, "drr_pct"].isna().all()
    assert periods.loc[periods["won"] == 0, "cpl_won"].isna().all()


def test_quarter_drr_is_quarter_spend_over_quarter_revenue(
    demo_db: duckdb.DuckDBPyConnection,
) -> None:
    """Recomputed from fct_attribution (revenue) and int_spend_by_month (spend), not from
    the monthly ratios."""
    compared = demo_db.execute("""
        with revenue as (
            select date_trunc('quarter', converted_date) as quarter, channel, model,
                sum(revenue_credit) as revenue
            from main.fct_attribution group by all
        ),
        spend as (
            select date_trunc('quarter', month) as quarter, channel, sum(spend_rub) as spend
            from intermediate.int_spend_by_month group by all
        ),
        monthly as (
            select date_trunc('quarter', period) as quarter, channel, model, avg(drr_pct) as avg_drr
            from main.mart_drr_by_period where period_grain = 'month' group by all
        )
        select periods.drr_pct, spend.spend / revenue.revenue * 100 as expected, monthly.avg_drr
        from main.mart_drr_by_period as periods
        inner join revenue on revenue.quarter = periods.period
            and revenue.channel = periods.channel and revenue.model = periods.model
        inner join spend on spend.quarter = periods.period and spend.channel = periods.channel
        inner join monthly on monthly.quarter = periods.period
            and monthly.channel = periods.channel and monthly.model = periods.model
        where periods.period_grain = 'quarter' and revenue.revenue > 0
    """).df()
    assert len(compared) > 10
    assert (compared["drr_pct"] - compared["expected"]).abs().max() < 1e-9
    assert ((compared["drr_pct"] - compared["avg_drr"]).abs() > 1e-6).any(), (
        "some quarter's DRR differs from the average of its months"
    )
