"""The dashboard (scripts/dashboard) in headless Chromium, opened from disk with every
non-file request refused: each filter changes the figures shown, and they equal what SQL over
the serving copy's marts gives for the same cut (the SQL here and in dashboard_expected.py is
written independently of the page's queries and of its Vega-Lite transforms)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dashboard_expected as sql
import duckdb
import pytest
from dashboard_page import FILTER_IDS, chromium, close, mark_labels, number, opened, set_filters
from playwright.sync_api import Page

Z = 1.959963984540054
CHARTS = [
    "kpis",
    "email-funnel",
    "funnel-over-time",
    "segment-flow",
    "registrations",
    "cpl",
    "drr",
    "attribution",
    "uplift",
    "lc-minus-linear",
    "decision-confidence",
]


@pytest.fixture(scope="module")
def serving(demo_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(
        str(demo_warehouse.parent / "serving" / "serving.duckdb"), read_only=True
    )
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def page_path(demo_warehouse: Path) -> Path:
    return demo_warehouse.parent / "serving" / "dashboard.html"


@pytest.fixture(scope="module")
def loaded(page_path: Path) -> Iterator[tuple[Page, list[str], list[str]]]:
    with chromium() as browser, opened(browser, page_path) as found:
        yield found


@pytest.fixture()
def page(loaded: tuple[Page, list[str], list[str]]) -> Iterator[Page]:
    """The loaded page, its filters put back to their defaults afterwards."""
    yield loaded[0]
    set_filters(loaded[0], dict.fromkeys(FILTER_IDS))


def kpis(page: Page) -> dict[str, str]:
    keys = ["sends", "open_rate", "ctr", "registrations", "leads", "revenue", "spend", "drr"]
    return {
        key: page.eval_on_selector(
            f"#kpis g[class*='kpi_{key}_'] text", "element => element.textContent"
        )
        for key in keys
    }


def test_the_page_opens_from_disk_without_network_and_draws_every_chart(
    loaded: tuple[Page, list[str], list[str]], page_path: Path
) -> None:
    page, outside, errors = loaded
    assert page.evaluate("document.body.dataset.error") is None and errors == []
    assert outside == []
    content = page_path.read_text()
    # No script, style sheet, image or font from elsewhere (the inlined scripts aside).
    assert not any("src=" in tag for tag in re.findall(r"<script\b[^>]*>", content))
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", content, flags=re.DOTALL)
    assert not re.search(r"<link\b|<img\b|@import|url\(", markup)
    assert page_path.stat().st_size < 5 * 1024 * 1024
    for chart in CHARTS:
        marks = page.eval_on_selector_all(f"#{chart} svg .role-mark > *", "marks => marks.length")
        assert marks > 0, chart


def test_the_data_quality_banner_counts_the_latest_days_checks(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    counts = serving.execute("""
        select status, count(*) from mart_data_quality
        where day = (select max(day) from mart_data_quality) group by 1""").fetchall()
    banner = page.inner_text("#data-quality")
    assert counts
    for status, n in counts:
        assert f"{n} {status}" in banner, (status, n, banner)
    worst = {status for status, _ in counts}
    expected = "bad" if "error" in worst else "warn" if "warn" in worst else "ok"
    assert page.eval_on_selector("#data-quality", "element => element.dataset.status") == expected


@pytest.mark.parametrize("key", list(FILTER_IDS))
def test_each_filter_changes_the_key_figures_to_what_sql_gives(
    page: Page, serving: duckdb.DuckDBPyConnection, key: str
) -> None:
    # Every model credits each lead once in total: the model changes the figures of a channel.
    choices = sql.filter_choices(serving)
    base = {"channel": choices["channel"]} if key == "model" else {}
    set_filters(page, base)
    unfiltered = kpis(page)
    for name, expected in sql.expected_kpis(serving, base).items():
        assert close(unfiltered[name], expected), (name, unfiltered[name], expected)
    cut = {**base, key: choices[key]}
    set_filters(page, {key: choices[key]})
    shown = kpis(page)
    assert shown != unfiltered
    for name, expected in sql.expected_kpis(serving, cut).items():
        assert close(shown[name], expected), (key, name, shown[name], expected)


def test_a_cut_without_sends_shows_zero_and_no_rate(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    empty = serving.execute("""
        select email_type, segment
        from (select distinct email_type from mart_email_funnel)
        cross join (select distinct segment_at_send as segment from mart_email_funnel)
        where (email_type, segment) not in (
            select (email_type, segment_at_send) from mart_email_funnel
        )
        order by 1, 2 limit 1""").fetchone()
    if empty is None:
        pytest.skip("every email type was sent to every segment")
    set_filters(page, {"email_type": empty[0], "segment": empty[1]})
    shown = kpis(page)
    assert (shown["sends"], shown["open_rate"], shown["ctr"], shown["registrations"]) == (
        "0",
        "—",
        "—",
        "0",
    )


def test_funnel_rates_and_intervals_follow_the_filters(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    choices = sql.filter_choices(serving)
    set_filters(page, {"brand": choices["brand"], "period": choices["period"]})
    expected = {
        (row[0], row[1]): row[2:]
        for row in serving.execute(
            f"""
        with summed as (
            select email_type, segment_at_send, sum(unique_opens) as k, sum(delivered) as n
            from mart_email_funnel
            where brand_code = ? and strftime(sent_date, '%Y-%m') = ?
            group by all
        )
        select email_type, segment_at_send, k / n,
               (k / n + {Z}^2 / (2 * n) - {Z} * sqrt(k / n * (1 - k / n) / n
                + {Z}^2 / (4 * n^2))) / (1 + {Z}^2 / n),
               (k / n + {Z}^2 / (2 * n) + {Z} * sqrt(k / n * (1 - k / n) / n
                + {Z}^2 / (4 * n^2))) / (1 + {Z}^2 / n)
        from summed where n > 0""",
            [choices["brand"], choices["period"]],
        ).fetchall()
    }
    bars = [
        label for label in mark_labels(page, "email-funnel") if label.get("metric") == "Open rate"
    ]
    assert {(bar["email type"], bar["segment at send"]) for bar in bars} == set(expected)
    for bar in bars:
        rate, low, high = expected[(bar["email type"], bar["segment at send"])]
        for shown, value in (
            (bar["rate"], rate),
            (bar["95% CI low"], low),
            (bar["95% CI high"], high),
        ):
            assert close(shown, value, 100), (bar, rate, low, high)


def test_segment_flow_shares_follow_the_filters(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    choices = sql.filter_choices(serving)
    set_filters(page, {"brand": choices["brand"], "email_type": choices["email_type"]})
    expected = {
        (at_send, after): share
        for at_send, after, share in serving.execute(
            """
        with flows as (
            select mart_segment_flow.segment_at_send, mart_segment_flow.segment_after,
                   sum(mart_segment_flow.sends) as sends
            from mart_segment_flow
            inner join dim_campaigns
                on mart_segment_flow.campaign_id = dim_campaigns.campaign_id
            where dim_campaigns.brand_code = ? and dim_campaigns.email_type = ?
            group by all having sum(mart_segment_flow.sends) > 0
        )
        select segment_at_send, segment_after,
               sends / sum(sends) over (partition by segment_at_send)
        from flows""",
            [choices["brand"], choices["email_type"]],
        ).fetchall()
    }
    bands = [label for label in mark_labels(page, "segment-flow") if "share" in label]
    shown = {
        (band["segment at send"].split(" · ")[0], band["segment after"]): band["share"]
        for band in bands
    }
    assert set(shown) == set(expected)
    for pair, share in shown.items():
        assert close(share, expected[pair], 100), (pair, share, expected[pair])


def test_cpl_follows_period_channel_and_model(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    choices = sql.filter_choices(serving)
    set_filters(page, {"period": choices["period"], "model": "linear"})
    levels = {
        "Leads": "leads",
        "Qualified": "qualified",
        "Meetings": "meetings",
        "Bookings": "bookings",
        "Payments": "payments",
        "Won": "won",
    }
    cells = [label for label in mark_labels(page, "cpl") if "CPL, ₽" in label]
    assert cells
    for cell in cells:
        spend, count = serving.execute(
            f"select sum(spend_rub), sum({levels[cell['level']]}) from mart_channel_performance"
            " where model = 'linear' and strftime(month, '%Y-%m') = ? and channel = ?",
            [choices["period"], cell["channel"]],
        ).fetchone()
        assert close(cell["CPL, ₽"], spend / count if count else None), (cell, spend, count)
    set_filters(page, {"channel": choices["channel"]})
    assert {cell["channel"] for cell in mark_labels(page, "cpl") if "CPL, ₽" in cell} == {
        choices["channel"]
    }


def test_drr_marks_partial_periods_and_follows_channel_and_model(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    choices = sql.filter_choices(serving)
    set_filters(page, {"channel": choices["channel"], "model": "first_click"})
    points = [label for label in mark_labels(page, "drr") if "status" in label]
    expected = {
        (row[0], row[1]): row[2:]
        for row in serving.execute(
            """
        select period_grain, strftime(period, '%Y-%m'), sum(spend_rub) * 100 / sum(revenue_rub),
               bool_and(is_complete)
        from mart_drr_by_period where channel = ? and model = 'first_click'
        group by all having sum(revenue_rub) > 0""",
            [choices["channel"]],
        ).fetchall()
    }
    assert len(points) == len(expected)
    shown = {}
    for point in points:
        shown.setdefault(point["period"], []).append(point)
    for (grain, period), (drr, complete) in expected.items():
        candidates = shown[period]
        assert any(
            close(point["DRR, %"], drr)
            and point["status"].startswith("complete" if complete else "partial")
            for point in candidates
        ), (grain, period)
    assert any(not complete for _, complete in expected.values())


def test_last_click_vs_linear_follows_period_and_channel(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    choices = sql.filter_choices(serving)
    set_filters(page, {"period": choices["period"]})
    expected = {
        row[0]: row[1:]
        for row in serving.execute(
            """
        select channel, sum(leads_last_click), sum(leads_linear)
        from mart_attribution_comparison where strftime(month, '%Y-%m') = ?
        group by all""",
            [choices["period"]],
        ).fetchall()
    }
    bars = [
        label
        for label in mark_labels(page, "attribution")
        if "channel" in label and "leads" in label
    ]
    assert {bar["channel"] for bar in bars} == set(expected)
    for bar in bars:
        last_click, linear = expected[bar["channel"]]
        # The page embeds credits rounded to 6 decimals: sums agree to well under 0.01.
        expected_leads = last_click if bar["model"] == "last click" else linear
        assert abs(number(bar["leads"]) - expected_leads) < 0.01, bar


def test_the_banner_shows_each_feeds_latest_day_and_links_the_findings_it_counts(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    shown = page.eval_on_selector_all(
        "#dq-feeds tbody tr",
        "rows => rows.map(row => [row.dataset.feed, row.querySelector('td.day').textContent])",
    )
    assert dict(shown) == sql.feed_days(serving) != {}
    assert page.text_content("#dq-loaded") == sql.last_loaded(serving)
    for group, findings in sql.open_findings(serving).items():
        link = page.locator(f"#data-quality a[data-group='{group}']")
        assert link.text_content() == f"{len(findings)} {group}"
        listed = page.eval_on_selector_all(
            f"{link.get_attribute('href')} tr[id]",
            "rows => rows.map(row => [...row.cells].slice(0, 3).map(cell => cell.textContent))",
        )
        assert len(listed) == min(len(findings), sql.FINDINGS_LISTED), group
        assert {(day, check, scope) for check, scope, day in listed} <= findings
    # A feed's count links to a finding of that feed.
    links = page.eval_on_selector_all(
        "#dq-feeds a", "links => links.map(a => [a.closest('tr').dataset.feed, a.hash])"
    )
    assert links
    for feed, target in links:
        assert page.text_content(f"{target} td:nth-child(2)").split(".")[0] == feed


def lc_points(page: Page) -> dict[tuple[str, str], dict[str, str]]:
    return {
        (label["decision_label"], label["channel"]): label
        for label in mark_labels(page, "lc-minus-linear")
        if "LC − linear" in label
    }


def test_last_click_minus_linear_shows_the_marts_interval_and_follows_period_and_channel(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    months = sql.confidence_months(serving, "decision like 'lc_minus_linear_%'")
    # No month chosen: the latest month, every channel.
    assert set(lc_points(page)) == set(sql.lc_minus_linear(serving, months[-1], None))
    channel = sql.biggest(
        serving,
        "select channel from mart_decision_confidence where decision like 'lc_minus_linear_%'"
        " and utm_campaign is null group by 1 order by count(*) desc, 1 limit 1",
    )
    before: dict[tuple[str, str], str] = {}
    for month in months[:2]:
        set_filters(page, {"period": month, "channel": channel})
        expected, points = sql.lc_minus_linear(serving, month, channel), lc_points(page)
        assert set(points) == set(expected) != set(), month
        for key, (estimate, low, high, verdict) in expected.items():
            point = points[key]
            assert close(point["LC − linear"], estimate), (point, estimate)
            assert close(point["95% CI low"], low) and close(point["95% CI high"], high)
            assert (point["verdict"], point["period"]) == (verdict, month)
            assert point["status"] == sql.month_status(serving, month)
        moved = {key: point["LC − linear"] for key, point in points.items()}
        assert not before or any(before[key] != moved[key] for key in set(before) & set(moved))
        before = moved


def test_confidence_charts_mark_partial_months_hollow(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    statuses = {
        month: sql.month_status(serving, month)
        for month in sql.confidence_months(serving, "period_grain = 'month'")
    }
    assert any(status.startswith("partial") for status in statuses.values())
    for month, status in statuses.items():
        set_filters(page, {"period": month})
        for chart in ("decision-confidence", "lc-minus-linear"):
            marks = page.eval_on_selector_all(
                f"#{chart} svg path[aria-label*='status: ']",
                "marks => marks.map(mark => [mark.ariaLabel, mark.getAttribute('fill')])",
            )
            assert marks, (chart, month)
            for label, fill in marks:
                assert f"status: {status}" in label, (chart, month, label)
                assert (fill == "white") == status.startswith("partial"), (chart, month, fill)


def test_uplift_follows_the_segment_flow_with_its_caveat_and_drr_states_its_scope(
    page: Page, serving: duckdb.DuckDBPyConnection
) -> None:
    charts = page.eval_on_selector_all("figure.chart", "figures => figures.map(f => f.id)")
    assert charts[charts.index("segment-flow") + 1] == "uplift"
    caveat = page.text_content("#uplift .note")
    assert "Observational, not randomized" in caveat and "stratum" in caveat
    # All channels (docs/semantic_layer.md): the channels without spend count too.
    assert "All channels includes the channels without spend" in page.text_content("#drr .note")
    points = [label for label in mark_labels(page, "drr") if "status" in label]
    for period, drr in sql.drr_of_all_channels(serving):
        assert any(point["period"] == period and close(point["DRR, %"], drr) for point in points)
