"""The dashboard's confidence charts, drawn when the serving copy has mart_segment_flow_uplift
and mart_decision_confidence: on a copy of the demo serving copy with the two marts' rows
replaced by known rows (at the contract's grain), the page shows each row's own interval under
the filters, in headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dashboard_page import chromium, close, mark_labels, opened, set_filters
from playwright.sync_api import Page

from scripts.dashboard.render import render

TARGETS = ("active", "at_risk", "churned")

CONFIDENCE_MARTS = """
    delete from mart_segment_flow_uplift;
    insert into mart_segment_flow_uplift by name
    with pairs as (
        select campaign_id, segment_at_send,
               1000 + row_number() over (order by hash(campaign_id, segment_at_send))
                   as treated_contacts
        from dim_campaigns
        cross join (select unnest(['active', 'at_risk']) as segment_at_send)
    )
    select pairs.campaign_id, pairs.segment_at_send, horizons.horizon_days,
           targets.to_segment, pairs.treated_contacts,
           (hash(pairs.campaign_id, targets.to_segment, horizons.horizon_days) % 500) / 1000.0
               as treated_rate,
           (hash(pairs.campaign_id, targets.to_segment) % 400) / 1000.0 as control_rate,
           treated_rate - control_rate as uplift,
           uplift - 0.05 as uplift_ci_low, uplift + 0.05 as uplift_ci_high,
           uplift_ci_low > 0 or uplift_ci_high < 0 as is_conclusive
    from pairs
    cross join (select unnest([7, 14]) as horizon_days) as horizons
    cross join (select unnest(['new', 'active', 'at_risk', 'churned']) as to_segment) as targets;

    delete from mart_decision_confidence;
    insert into mart_decision_confidence by name
    select decisions.decision, 'month' as period_grain, cells.month as period, cells.channel,
           cast(null as varchar) as utm_campaign, cells.model,
           cast(100 + hash(decisions.decision, cells.month, cells.channel, cells.model) % 9000
               as double) as estimate,
           estimate * 0.7 as ci_low,
           case when hash(cells.channel, cells.model) % 4 = 0 then null
               else estimate * 1.4 end as ci_high,
           12 as n, 'poisson_bootstrap_by_person_200' as method,
           case when ci_high < 2000 then 'cheaper_than_average'
               else 'no_clear_difference' end as verdict,
           periods.days_with_data, periods.is_complete
    from (select distinct month, channel, model from mart_channel_performance) as cells
    inner join dim_periods as periods
        on periods.period_grain = 'month' and periods.period = cells.month
    cross join (select unnest(['cpl_leads', 'cpl_won', 'drr_pct', 'lead_share'])
        as decision) as decisions;
"""


@pytest.fixture(scope="module")
def serving(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("confidence") / "serving.duckdb"
    shutil.copy((demo_warehouse.parent / "serving" / "serving.duckdb").resolve(), copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(CONFIDENCE_MARTS)
    return copy


@pytest.fixture(scope="module")
def loaded(serving: Path) -> Iterator[tuple[Page, list[str], list[str]]]:
    page_path = render(serving, serving.parent / "dashboard.html")
    with chromium() as browser, opened(browser, page_path) as found:
        yield found


@pytest.fixture()
def connection(serving: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(serving), read_only=True) as connected:
        yield connected


def test_uplift_shows_the_marts_intervals_of_the_most_treated_pairs_of_the_cut(
    loaded: tuple[Page, list[str], list[str]], connection: duckdb.DuckDBPyConnection
) -> None:
    page, outside, errors = loaded
    assert errors == [] and outside == []
    brand = connection.execute(
        "select brand_code from dim_campaigns where brand_code is not null"
        " group by 1"
        " order by count(*) desc, 1 limit 1"
    ).fetchone()[0]
    set_filters(page, {"brand": brand})
    expected = {
        (row[0], row[1], row[2]): row[3:]
        for row in connection.execute(
            """
        with top_pairs as (
            select distinct mart_segment_flow_uplift.campaign_id,
                   mart_segment_flow_uplift.segment_at_send,
                   mart_segment_flow_uplift.treated_contacts
            from mart_segment_flow_uplift
            inner join dim_campaigns
                on mart_segment_flow_uplift.campaign_id = dim_campaigns.campaign_id
            where dim_campaigns.brand_code = ?
            order by treated_contacts desc limit 15
        )
        select mart_segment_flow_uplift.campaign_id, mart_segment_flow_uplift.segment_at_send,
               to_segment, uplift, uplift_ci_low, uplift_ci_high
        from mart_segment_flow_uplift
        inner join top_pairs
            on mart_segment_flow_uplift.campaign_id = top_pairs.campaign_id
            and mart_segment_flow_uplift.segment_at_send = top_pairs.segment_at_send
        where horizon_days = 14 and to_segment in ('active', 'at_risk', 'churned')""",
            [brand],
        ).fetchall()
    }
    points = [label for label in mark_labels(page, "uplift") if "uplift" in label]
    shown = {
        (point["campaign_id"], point["segment at send"], point["segment after"]): point
        for point in points
    }
    assert set(shown) == set(expected)
    for key, (uplift, low, high) in expected.items():
        point = shown[key]
        assert close(point["uplift"], uplift, 100), (point, uplift)
        assert close(point["95% CI low"], low, 100) and close(point["95% CI high"], high, 100)
    set_filters(page, {"brand": None})


def test_decision_confidence_shows_the_marts_intervals_for_the_month_channel_and_model(
    loaded: tuple[Page, list[str], list[str]], connection: duckdb.DuckDBPyConnection
) -> None:
    page = loaded[0]
    months = [
        row[0]
        for row in connection.execute(
            "select distinct strftime(period, '%Y-%m') from mart_decision_confidence order by 1"
        ).fetchall()
    ]
    channel = connection.execute(
        "select channel from mart_decision_confidence where model = 'linear'"
        " order by ci_high is null desc, channel limit 1"
    ).fetchone()[0]
    # No month chosen: the latest month; then an earlier one.
    for month, chosen in ((months[-1], None), (months[0], months[0])):
        set_filters(page, {"period": chosen, "channel": channel, "model": "linear"})
        expected = {
            row[0]: row[1:]
            for row in connection.execute(
                """
            select decision, estimate, ci_low, ci_high, verdict
            from mart_decision_confidence
            where strftime(period, '%Y-%m') = ? and channel = ? and model = 'linear'
                and decision in ('cpl_leads', 'cpl_won', 'drr_pct')""",
                [month, channel],
            ).fetchall()
        }
        labels = {"CPL of leads, ₽": "cpl_leads", "CPL of won, ₽": "cpl_won", "DRR, %": "drr_pct"}
        points = [
            label for label in mark_labels(page, "decision-confidence") if "estimate" in label
        ]
        assert {labels[point["decision_label"]] for point in points} == set(expected)
        for point in points:
            estimate, low, high, verdict = expected[labels[point["decision_label"]]]
            assert point["period"] == month and point["verdict"] == verdict
            assert close(point["estimate"], estimate) and close(point["95% CI low"], low)
            assert (
                point["95% CI high"] == "no upper bound"
                if high is None
                else close(point["95% CI high"], high)
            ), (point, high)
    set_filters(page, {"period": None, "channel": None, "model": None})
