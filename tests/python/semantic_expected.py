"""What each query of docs/semantic_layer.md must answer, computed without MetricFlow: from
the raw files (tests/python/independent.py), or from the facts summed in DuckDB with the
definitions of marts.md. test_semantic_layer.py runs the queries and compares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DEMO_RAW, DEMO_TRUTH
from independent import funnel_per_send, newest_ad_costs_sql, valid_leads_sql

from scripts.contract import ENUMS

REPORTING_TZ = "Europe/Moscow"
MODELS = ["first_click", "last_click", "linear", "position_based", "time_decay"]


def quarter(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("Q").dt.start_time


def month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.start_time


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, empty (NaN) on a zero denominator."""
    return numerator / denominator.where(denominator != 0)


def sends_from_raw() -> pd.DataFrame:
    return funnel_per_send(DEMO_RAW, DEMO_TRUTH, REPORTING_TZ)


def raw_spend_by_day() -> pd.DataFrame:
    """Spend per reporting day straight from the raw files: ad costs on their date (valid
    rows, the newest file per key), each campaign's cost on its launch day in the
    reporting time zone (the newest file per campaign)."""
    connection = duckdb.connect()
    connection.execute("set timezone = 'UTC'")
    ad_costs = connection.execute(f"""
        select date as day, cost_rub from ({newest_ad_costs_sql(DEMO_RAW)})
    """).df()
    campaigns = connection.execute(f"""
        select launched_at, cost_rub from (
            select *, row_number() over (partition by campaign_id order by filename desc) as newest
            from read_parquet('{DEMO_RAW}/esp/campaigns/*.parquet', filename = true)
            where campaign_id is not null
        ) where newest = 1
    """).df()
    campaigns["day"] = (
        campaigns["launched_at"].dt.tz_localize("UTC").dt.tz_convert(REPORTING_TZ).dt.date
    )
    return pd.concat([ad_costs, campaigns[["day", "cost_rub"]]])


def raw_lead_count() -> int:
    """Distinct leads in the raw files that the contract keeps (rejected rows excluded)."""
    connection = duckdb.connect()
    connection.execute("set timezone = 'UTC'")
    leads_sql = valid_leads_sql(DEMO_RAW, ENUMS[("crm/leads", "lead_channel")])
    return connection.execute(f"select count(distinct lead_id) from ({leads_sql})").fetchone()[0]


def raw_totals() -> tuple[float, int]:
    """All ad costs plus all campaign costs (newest export winning), and every lead."""
    return float(raw_spend_by_day()["cost_rub"].sum()), raw_lead_count()


def read_db(demo_warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        connection.execute("set timezone = 'UTC'")
        return connection.execute(sql).df()


def without_empty_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows whose every value is 0 or empty say nothing (a mart keeps a channel with only
    assisted conversions; MetricFlow shows a channel with zero-cost spend rows)."""
    values = frame.drop(columns=keys).astype(float)
    return frame[~((values == 0) | values.isna()).all(axis=1)].reset_index(drop=True)


def compare(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same key rows; integers equal, floats to 1e-9 relative, empty where expected is."""
    if not keys:
        assert len(actual) == len(expected) == 1, (actual, expected)
        for column in expected.columns:
            assert float(actual[column].item()) == pytest.approx(
                float(expected[column].item()), rel=1e-9
            ), column
        return
    actual, expected = without_empty_rows(actual, keys), without_empty_rows(expected, keys)
    assert len(actual) == len(expected), (len(actual), len(expected))
    for frame in (actual, expected):
        for key in keys:
            if key.startswith("metric_time"):
                frame[key] = pd.to_datetime(frame[key])
    merged = expected.merge(
        actual, on=keys, how="outer", suffixes=("_expected", ""), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    for column in expected.columns.difference(keys):
        want, got = merged[f"{column}_expected"], merged[column]
        assert (want.isna() == got.isna()).all(), (column, merged[[*keys, column]])
        assert got[want.notna()].astype(float).to_numpy() == pytest.approx(
            want[want.notna()].astype(float).to_numpy(), rel=1e-9, abs=1e-9
        ), column


def expect_email_by_month_and_type(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """From the raw ESP files: sends of a month (first `sent` event, reporting time zone)
    by the campaign's email type; the rates are marts.md's."""
    sends = sends_from_raw()
    sends["metric_time__month"] = month(sends["sent_date"])
    keys = ["metric_time__month", "email_send__email_type"]
    grouped = sends.rename(columns={"email_type": "email_send__email_type"}).groupby(keys)
    expected = grouped.agg(
        sends=("sent", "size"),
        delivered=("delivered", "sum"),
        unique_opens=("opened", "sum"),
        unique_clicks=("clicked", "sum"),
    )
    expected["open_rate"] = ratio(expected["unique_opens"], expected["delivered"])
    expected["ctr"] = ratio(expected["unique_clicks"], expected["delivered"])
    expected["ctor"] = ratio(expected["unique_clicks"], expected["unique_opens"])
    return expected.drop(columns="unique_clicks").reset_index(), keys


def expect_registrations_by_quarter_and_segment(
    demo_warehouse: Path,
) -> tuple[pd.DataFrame, list[str]]:
    """Summed from fct_email_sends: registrations / delivered of each quarter."""
    sends = read_db(
        demo_warehouse,
        """
        select sent_date, segment_at_send, registrations, is_delivered from main.fct_email_sends
    """,
    )
    sends["metric_time__quarter"] = quarter(sends["sent_date"])
    sends["delivered"] = sends["is_delivered"].astype(int)
    keys = ["metric_time__quarter", "email_send__segment_at_send"]
    expected = (
        sends.rename(columns={"segment_at_send": keys[1]})
        .groupby(keys)
        .agg(registrations=("registrations", "sum"), delivered=("delivered", "sum"))
    )
    expected["registration_rate"] = ratio(expected["registrations"], expected["delivered"])
    return expected.drop(columns="delivered").reset_index(), keys


def expect_dentist_activation_by_quarter_and_brand(
    demo_warehouse: Path,
) -> tuple[pd.DataFrame, list[str]]:
    """Activation emails to dentists (specialty at the send), by the campaign's brand."""
    sends = read_db(
        demo_warehouse,
        """
        select sends.sent_date, coalesce(campaigns.brand_code, 'multi_brand') as brand,
            sends.is_delivered, sends.is_opened, sends.is_clicked, sends.registrations
        from main.fct_email_sends as sends
        inner join main.dim_campaigns as campaigns on sends.campaign_id = campaigns.campaign_id
        where sends.specialty = 'dentist' and campaigns.email_type = 'activation'
    """,
    )
    sends["metric_time__quarter"] = quarter(sends["sent_date"])
    keys = ["metric_time__quarter", "campaign__brand_code"]
    grouped = sends.rename(columns={"brand": keys[1]}).groupby(keys)
    expected = grouped.agg(
        sends=("sent_date", "size"),
        delivered=("is_delivered", "sum"),
        opened=("is_opened", "sum"),
        clicked=("is_clicked", "sum"),
        registrations=("registrations", "sum"),
    )
    expected["open_rate"] = ratio(expected["opened"], expected["delivered"])
    expected["ctr"] = ratio(expected["clicked"], expected["delivered"])
    expected["registration_rate"] = ratio(expected["registrations"], expected["delivered"])
    return expected[["sends", "open_rate", "ctr", "registration_rate"]].reset_index(), keys


def conversions(demo_warehouse: Path) -> pd.DataFrame:
    return read_db(
        demo_warehouse,
        """
        select converted_date, reached_qualified, reached_won, revenue_rub
        from main.fct_conversions
    """,
    )


def expect_raw_totals(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """No filter, no group: the raw files' spend and leads."""
    spend, leads = raw_totals()
    return pd.DataFrame({"spend": [spend], "leads": [leads]}), []


def expect_quarter_spend_and_cpl(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Spend from the raw files, leads, won deals and revenue counted per lead
    (fct_conversions); the ratios of the quarter's own sums."""
    spend = raw_spend_by_day()
    spend["metric_time__quarter"] = quarter(spend["day"])
    leads = conversions(demo_warehouse)
    leads["metric_time__quarter"] = quarter(leads["converted_date"])
    keys = ["metric_time__quarter"]
    expected = pd.concat(
        [
            spend.groupby(keys).agg(spend=("cost_rub", "sum")),
            leads.groupby(keys).agg(
                leads=("converted_date", "size"),
                won_deals=("reached_won", "sum"),
                revenue=("revenue_rub", "sum"),
            ),
        ],
        axis=1,
    ).fillna(0)
    expected["cpl"] = ratio(expected["spend"], expected["leads"])
    expected["cpl_won"] = ratio(expected["spend"], expected["won_deals"])
    expected["drr_pct"] = ratio(expected["spend"], expected["revenue"]) * 100
    return expected.reset_index(), keys


def expect_half_year_drr_by_channel(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """mart_drr_by_period, the SQL implementation of the same half-year ratios (spend from
    mart_channel_performance's copy of the spend, revenue from its linear credits)."""
    expected = read_db(
        demo_warehouse,
        """
        select period as metric_time__half_year, channel,
            spend_rub as spend, revenue_rub as revenue_linear, drr_pct as drr_pct_linear,
            cpl_won as cpl_won_linear
        from main.mart_drr_by_period
        where period_grain = 'half_year' and model = 'linear'
    """,
    )
    return expected, ["metric_time__half_year", "channel"]


def expect_month_channel_campaign_cpl(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """mart_channel_performance's linear rows, summed over utm_source and utm_medium."""
    expected = read_db(
        demo_warehouse,
        """
        select month as metric_time__month, channel, utm_campaign,
            sum(spend_rub) as spend, sum(leads) as leads_linear
        from main.mart_channel_performance
        where model = 'linear'
        group by all
    """,
    )
    expected["cpl_linear"] = ratio(expected["spend"], expected["leads_linear"])
    return expected, ["metric_time__month", "channel", "utm_campaign"]


def expect_leads_by_month_in_every_model(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Every model gives each month the number of leads created in it: credits of a lead sum
    to 1."""
    leads = conversions(demo_warehouse)
    leads["metric_time__month"] = month(leads["converted_date"])
    per_month = leads.groupby("metric_time__month").size()
    expected = pd.DataFrame({f"leads_{model}": per_month for model in MODELS})
    return expected.reset_index(), ["metric_time__month"]


CHECKS: dict[tuple[str, str, str | None], Callable[[Path], tuple[pd.DataFrame, list[str]]]] = {
    (
        "sends,delivered,unique_opens,open_rate,ctr,ctor",
        "metric_time__month,email_send__email_type",
        None,
    ): expect_email_by_month_and_type,
    (
        "registrations,registration_rate",
        "metric_time__quarter,email_send__segment_at_send",
        None,
    ): expect_registrations_by_quarter_and_segment,
    (
        "sends,open_rate,ctr,registration_rate",
        "metric_time__quarter,campaign__brand_code",
        "{{ Dimension('email_send__specialty') }} = 'dentist'"
        " and {{ Dimension('campaign__email_type') }} = 'activation'",
    ): expect_dentist_activation_by_quarter_and_brand,
    ("spend,leads", None, None): expect_raw_totals,
    (
        "spend,leads,cpl,won_deals,cpl_won,revenue,drr_pct",
        "metric_time__quarter",
        None,
    ): expect_quarter_spend_and_cpl,
    (
        "spend,revenue_linear,drr_pct_linear,cpl_won_linear",
        "metric_time__half_year,channel",
        None,
    ): expect_half_year_drr_by_channel,
    (
        "spend,leads_linear,cpl_linear",
        "metric_time__month,channel,utm_campaign",
        None,
    ): expect_month_channel_campaign_cpl,
    (
        ",".join(f"leads_{model}" for model in MODELS),
        "metric_time__month",
        None,
    ): expect_leads_by_month_in_every_model,
}
