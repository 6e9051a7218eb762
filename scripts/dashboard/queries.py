"""The aggregates the dashboard embeds, read from the serving copy's marts.

Every data set is a mart aggregate at a grain of output dimensions only (month, brand,
specialty, email type, segment, channel, model, campaign), never a row of a fact table, so
the page's size does not grow with the number of sends, touches or leads. Dimension values
are dictionary-encoded (each distinct value once, rows hold its index) to keep the page small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from scripts.dashboard.data_state import DataState, read_state

REFERENCE_MODEL = "last_click"
# Campaigns kept by name per month and channel in the last-click-vs-linear data set; the rest
# are summed into one row, so its size stays bounded at any number of campaigns.
TOP_CAMPAIGNS = 10
OTHER_CAMPAIGNS = "(other campaigns)"
# Campaign x segment pairs of the uplift mart the page embeds (most treated contacts first).
TOP_UPLIFT_PAIRS = 300
SIGNIFICANT_DIGITS = 12


def compact(value: float | Decimal) -> float:
    # Significant digits, not decimal places: attributed counts are fractional and often
    # below 1 (0.253968253968 leads), and a ratio of their sums (CPL) must match SQL's.
    return float(f"{float(value):.{SIGNIFICANT_DIGITS}g}")


@dataclass
class Dataset:
    """A table for the page: `dims` are the dictionary-encoded columns."""

    name: str
    columns: list[str]
    dims: list[str]
    rows: list[tuple[Any, ...]]

    def encoded(self) -> dict[str, Any]:
        positions = [self.columns.index(dim) for dim in self.dims]
        values: dict[str, dict[Any, int]] = {dim: {} for dim in self.dims}
        encoded_rows = []
        for row in self.rows:
            out = list(row)
            for dim, position in zip(self.dims, positions):
                out[position] = values[dim].setdefault(row[position], len(values[dim]))
            encoded_rows.append(
                [compact(value) if isinstance(value, (float, Decimal)) else value for value in out]
            )
        return {
            "columns": self.columns,
            "dims": {dim: list(index) for dim, index in values.items()},
            "rows": encoded_rows,
        }


@dataclass
class Extract:
    """What the page shows: its data sets, the filters' options and the static parts."""

    datasets: dict[str, Dataset]
    options: dict[str, list[str]]
    state: DataState
    flow_days: int | None
    version: str
    published_at: str


def rows(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    return connection.execute(sql, list(parameters)).fetchall()


EMAIL_SQL = """
    select strftime(sent_date, '%Y-%m') as month, brand_code as brand, specialty,
           email_type, segment_at_send as segment,
           sum(sent) as sent, sum(delivered) as delivered, sum(unique_opens) as opens,
           sum(unique_clicks) as clicks, sum(registrations) as registrations,
           sum(unsubscribes) as unsubscribes
    from mart_email_funnel
    group by all order by all"""

FLOW_SQL = """
    select strftime(dim_campaigns.launched_date, '%Y-%m') as month,
           dim_campaigns.brand_code as brand, dim_campaigns.email_type,
           mart_segment_flow.segment_at_send as segment, mart_segment_flow.segment_after,
           sum(mart_segment_flow.sends) as sends
    from mart_segment_flow
    inner join dim_campaigns on mart_segment_flow.campaign_id = dim_campaigns.campaign_id
    group by all having sum(mart_segment_flow.sends) > 0 order by all"""

CHANNEL_SQL = """
    select strftime(month, '%Y-%m') as month, channel, model,
           sum(spend_rub) as spend, sum(leads) as leads, sum(qualified) as qualified,
           sum(meetings) as meetings, sum(bookings) as bookings, sum(payments) as payments,
           sum(won) as won, sum(revenue_rub) as revenue
    from mart_channel_performance
    group by all order by all"""

ATTRIBUTION_SQL = f"""
    with by_campaign as (
        select strftime(month, '%Y-%m') as month, channel,
               coalesce(utm_campaign, '(none)') as campaign,
               sum(leads_last_click) as leads_last_click, sum(leads_linear) as leads_linear,
               sum(revenue_last_click) as revenue_last_click,
               sum(revenue_linear) as revenue_linear
        from mart_attribution_comparison
        group by all
    ),

    ranked as (
        select *, row_number() over (
            partition by month, channel
            order by greatest(leads_last_click, leads_linear) desc, campaign
        ) as campaign_rank
        from by_campaign
    )

    select month, channel,
           case when campaign_rank <= {TOP_CAMPAIGNS} then campaign
                else '{OTHER_CAMPAIGNS}' end as campaign,
           sum(leads_last_click) as leads_last_click, sum(leads_linear) as leads_linear,
           sum(revenue_last_click) as revenue_last_click, sum(revenue_linear) as revenue_linear
    from ranked
    group by all order by all"""


DRR_SQL = """
    select period_grain as grain, strftime(period, '%Y-%m') as period, channel, model,
           sum(spend_rub) as spend, sum(revenue_rub) as revenue, sum(won) as won,
           cast(bool_and(is_complete) as integer) as is_complete,
           max(days_with_data) as days
    from mart_drr_by_period
    group by all order by all"""

# Whether each month holds data on every one of its days (partial months at either end of
# the data are marked on the monthly charts).
MONTHS_SQL = """
    select strftime(period, '%Y-%m') as month, cast(is_complete as integer) as is_complete,
           days_with_data as days
    from dim_periods
    where period_grain = 'month' and days_with_data > 0
    order by 1"""


# The confidence marts, where the serving copy has them. Uplift: the horizon of the segment
# flow mart (else the shortest), the campaign x segment pairs with the most treated contacts.
UPLIFT_SQL = f"""
    with horizon as (
        select coalesce(
            max(case when horizon_days = (select max(flow_days) from mart_segment_flow)
                then horizon_days end),
            min(horizon_days)
        ) as days
        from mart_segment_flow_uplift
    ),

    pairs as (
        select campaign_id, segment_at_send, max(treated_contacts) as contacts
        from mart_segment_flow_uplift
        where horizon_days = (select days from horizon)
        group by all
        order by contacts desc, campaign_id, segment_at_send
        limit {TOP_UPLIFT_PAIRS}
    )

    select strftime(dim_campaigns.launched_date, '%Y-%m') as month,
           dim_campaigns.brand_code as brand, dim_campaigns.email_type,
           mart_segment_flow_uplift.campaign_id,
           mart_segment_flow_uplift.segment_at_send as segment,
           mart_segment_flow_uplift.to_segment, mart_segment_flow_uplift.horizon_days,
           mart_segment_flow_uplift.treated_contacts, mart_segment_flow_uplift.treated_rate,
           mart_segment_flow_uplift.control_rate, mart_segment_flow_uplift.uplift,
           mart_segment_flow_uplift.uplift_ci_low, mart_segment_flow_uplift.uplift_ci_high,
           mart_segment_flow_uplift.is_conclusive
    from mart_segment_flow_uplift
    inner join pairs
        on mart_segment_flow_uplift.campaign_id = pairs.campaign_id
        and mart_segment_flow_uplift.segment_at_send = pairs.segment_at_send
    inner join dim_campaigns
        on mart_segment_flow_uplift.campaign_id = dim_campaigns.campaign_id
    where mart_segment_flow_uplift.horizon_days = (select days from horizon)
    order by all"""

CONFIDENCE_DECISIONS = (
    "cpl_leads",
    "cpl_won",
    "drr_pct",
    "lc_minus_linear_leads",
    "lc_minus_linear_revenue",
)
CONFIDENCE_SQL = f"""
    select strftime(period, '%Y-%m') as month, decision, channel, model, estimate, ci_low,
           ci_high, n, verdict, cast(is_complete as integer) as is_complete,
           days_with_data as days
    from mart_decision_confidence
    where period_grain = 'month'
        and utm_campaign is null
        and decision in {CONFIDENCE_DECISIONS}
    order by all"""


def dataset(connection: duckdb.DuckDBPyConnection, name: str, sql: str, dims: list[str]) -> Dataset:
    cursor = connection.execute(sql)
    columns = [column[0] for column in cursor.description]
    return Dataset(name, columns, dims, cursor.fetchall())


def has_relation(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        rows(
            connection,
            "select count(*) from information_schema.tables"
            " where table_schema = 'main' and table_name = ?",
            [name],
        )[0][0]
    )


def publication_info(connection: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    try:
        found = connection.execute(
            "select any_value(version), any_value(published_at) from meta.serving_manifest"
        ).fetchone()
    except duckdb.Error:
        return "unknown", "unknown"
    version, published = found if found else ("unknown", "unknown")
    if isinstance(published, dt.datetime):
        published = published.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return str(version), str(published)


def distinct(data: Dataset, column: str) -> list[str]:
    position = data.columns.index(column)
    return sorted({str(row[position]) for row in data.rows if row[position] is not None})


def extract(connection: duckdb.DuckDBPyConnection) -> Extract:
    """Reads every aggregate of the page from an open serving copy."""
    datasets = {
        "email": dataset(
            connection, "email", EMAIL_SQL, ["month", "brand", "specialty", "email_type", "segment"]
        ),
        "flow": dataset(
            connection,
            "flow",
            FLOW_SQL,
            ["month", "brand", "email_type", "segment", "segment_after"],
        ),
        "channel": dataset(connection, "channel", CHANNEL_SQL, ["month", "channel", "model"]),
        "drr": dataset(connection, "drr", DRR_SQL, ["grain", "period", "channel", "model"]),
        "months": dataset(connection, "months", MONTHS_SQL, []),
        "attribution": dataset(
            connection, "attribution", ATTRIBUTION_SQL, ["month", "channel", "campaign"]
        ),
    }
    if has_relation(connection, "mart_segment_flow_uplift"):
        datasets["uplift"] = dataset(
            connection,
            "uplift",
            UPLIFT_SQL,
            ["month", "brand", "email_type", "campaign_id", "segment", "to_segment"],
        )
    if has_relation(connection, "mart_decision_confidence"):
        datasets["confidence"] = dataset(
            connection,
            "confidence",
            CONFIDENCE_SQL,
            ["month", "decision", "channel", "model", "verdict"],
        )
    email, channel = datasets["email"], datasets["channel"]
    months = sorted(set(distinct(email, "month")) | set(distinct(channel, "month")))
    models = distinct(channel, "model")
    if REFERENCE_MODEL in models:
        models = [REFERENCE_MODEL] + [model for model in models if model != REFERENCE_MODEL]
    options = {
        "period": months,
        "brand": distinct(email, "brand"),
        "specialty": distinct(email, "specialty"),
        "email_type": distinct(email, "email_type"),
        "segment": distinct(email, "segment"),
        "channel": distinct(channel, "channel"),
        "model": models,
    }
    flow_days = rows(connection, "select max(flow_days) from mart_segment_flow")[0][0]
    version, published_at = publication_info(connection)
    return Extract(
        datasets,
        options,
        read_state(connection),
        flow_days,
        version,
        published_at,
    )
