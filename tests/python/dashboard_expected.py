"""What the dashboard must show, computed by SQL over the serving copy's marts, written
independently of the page's queries and of its Vega-Lite transforms (test_dashboard.py opens
the page and compares)."""

from __future__ import annotations

import duckdb

# The page lists at most this many findings per group (the newest); it counts them all.
FINDINGS_LISTED = 100
LC_DECISIONS = {
    "lc_minus_linear_leads": "LC − linear, leads",
    "lc_minus_linear_revenue": "LC − linear, revenue ₽",
}


def email_totals(serving: duckdb.DuckDBPyConnection, cut: dict[str, str]) -> dict[str, float]:
    columns = {
        "period": "strftime(sent_date, '%Y-%m')",
        "brand": "brand_code",
        "specialty": "specialty",
        "email_type": "email_type",
        "segment": "segment_at_send",
    }
    where = " and ".join([f"{columns[key]} = ?" for key in cut if key in columns] or ["true"])
    row = serving.execute(
        f"select sum(sent), sum(delivered), sum(unique_opens), sum(unique_clicks),"
        f" sum(registrations) from mart_email_funnel where {where}",
        [value for key, value in cut.items() if key in columns],
    ).fetchone()
    return dict(zip(["sent", "delivered", "opens", "clicks", "registrations"], row))


def money_totals(serving: duckdb.DuckDBPyConnection, cut: dict[str, str]) -> dict[str, float]:
    clauses, parameters = ["model = ?"], [cut.get("model", "last_click")]
    if "period" in cut:
        clauses.append("strftime(month, '%Y-%m') = ?")
        parameters.append(cut["period"])
    if "channel" in cut:
        clauses.append("channel = ?")
        parameters.append(cut["channel"])
    row = serving.execute(
        "select sum(spend_rub), sum(leads), sum(revenue_rub) from mart_channel_performance"
        f" where {' and '.join(clauses)}",
        parameters,
    ).fetchone()
    return dict(zip(["spend", "leads", "revenue"], row))


def expected_kpis(
    serving: duckdb.DuckDBPyConnection, cut: dict[str, str]
) -> dict[str, float | None]:
    email, money = email_totals(serving, cut), money_totals(serving, cut)
    return {
        "sends": email["sent"],
        "open_rate": 100 * email["opens"] / email["delivered"],
        "ctr": 100 * email["clicks"] / email["delivered"],
        "registrations": email["registrations"],
        "leads": money["leads"],
        "revenue": money["revenue"],
        "spend": money["spend"],
        "drr": 100 * money["spend"] / money["revenue"] if money["revenue"] else None,
    }


def biggest(serving: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The first value a query returns (the tests filter on the largest member of a
    dimension, so that the cut holds data)."""
    return str(serving.execute(sql).fetchone()[0])


def filter_choices(serving: duckdb.DuckDBPyConnection) -> dict[str, str]:
    by_sends = "select {0} from mart_email_funnel group by 1 order by sum(sent) desc, 1 limit 1"
    return {
        "period": biggest(serving, by_sends.format("strftime(sent_date, '%Y-%m')")),
        "brand": biggest(serving, by_sends.format("brand_code")),
        "specialty": biggest(serving, by_sends.format("specialty")),
        "email_type": biggest(serving, by_sends.format("email_type")),
        "segment": biggest(serving, by_sends.format("segment_at_send")),
        "channel": biggest(
            serving,
            "select channel from mart_channel_performance"
            " group by 1 order by sum(spend_rub) desc limit 1",
        ),
        "model": "linear",
    }


def feed_days(serving: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The newest landed day of each feed."""
    return {
        feed: str(day)
        for feed, day in serving.execute(
            "select table_name, max(newest_file_day) from mart_data_freshness group by 1"
        ).fetchall()
    }


def last_loaded(serving: duckdb.DuckDBPyConnection) -> str:
    """When a run last loaded a new landing file, to the minute (UTC)."""
    row = serving.execute(
        "select strftime(max(last_loaded_at), '%Y-%m-%d %H:%M UTC') from mart_data_freshness"
    ).fetchone()
    assert row is not None
    return str(row[0])


def open_findings(serving: duckdb.DuckDBPyConnection) -> dict[str, set[tuple[str, str, str]]]:
    """(day, check, scope) of every day's findings: open errors, open warnings, acknowledged."""
    found: dict[str, set[tuple[str, str, str]]] = {
        "open errors": set(),
        "open warnings": set(),
        "acknowledged": set(),
    }
    for group, day, check, scope in serving.execute("""
        select case when is_acknowledged then 'acknowledged'
                    when status = 'error' then 'open errors'
                    else 'open warnings' end,
               day, check_name, check_scope
        from mart_data_quality
        where is_acknowledged or status in ('error', 'warn')""").fetchall():
        found[group].add((str(day), check, scope))
    return found


def lc_minus_linear(
    serving: duckdb.DuckDBPyConnection, month: str, channel: str | None
) -> dict[tuple[str, str], tuple[float, float, float, str]]:
    """(decision label, channel) -> estimate, interval and verdict of LC − linear by channel
    in a month (all campaigns)."""
    return {
        (LC_DECISIONS[row[0]], row[1]): row[2:]
        for row in serving.execute(
            """
        select decision, channel, estimate, ci_low, ci_high, verdict
        from mart_decision_confidence
        where decision like 'lc_minus_linear_%' and utm_campaign is null
            and strftime(period, '%Y-%m') = ? and (channel = ? or ? is null)""",
            [month, channel, channel],
        ).fetchall()
    }


def month_status(serving: duckdb.DuckDBPyConnection, month: str) -> str:
    """`complete`, or `partial (<days with data> days)` (dim_periods)."""
    row = serving.execute(
        "select days_with_data, days_with_data = days_in_period from dim_periods"
        " where period_grain = 'month' and strftime(period, '%Y-%m') = ?",
        [month],
    ).fetchone()
    assert row is not None, month
    return "complete" if row[1] else f"partial ({row[0]} days)"


def confidence_months(serving: duckdb.DuckDBPyConnection, where: str) -> list[str]:
    return [
        row[0]
        for row in serving.execute(
            "select distinct strftime(period, '%Y-%m') from mart_decision_confidence"
            f" where {where} order by 1"
        ).fetchall()
    ]


def drr_of_all_channels(serving: duckdb.DuckDBPyConnection) -> list[tuple[str, float]]:
    """The monthly DRR of every channel under last click, the channels without spend
    included (docs/semantic_layer.md); the data must hold such a channel with revenue."""
    without_spend = serving.execute("""
        select count(*) from (
            select channel from mart_drr_by_period where model = 'last_click'
            group by 1 having sum(spend_rub) = 0 and sum(revenue_rub) > 0
        )""").fetchone()
    assert without_spend is not None and without_spend[0] > 0
    return [
        (str(period), float(drr))
        for period, drr in serving.execute("""
            select strftime(period, '%Y-%m'), sum(spend_rub) * 100 / sum(revenue_rub)
            from mart_drr_by_period where period_grain = 'month' and model = 'last_click'
            group by 1 having sum(revenue_rub) > 0""").fetchall()
    ]
