"""The email charts: the funnel by email type and segment at send, the funnel over time,
registrations by month, and the segment flow after a send.

Like charts.py, each re-aggregates the `email` (or `flow`) data set after the filters and
computes the rates and their Wilson intervals from the summed counts; months that are not
complete (dim_periods, data set `months`) are drawn lighter or hollow.
"""

from __future__ import annotations

from typing import Any, cast

import altair as alt

from scripts.dashboard.charts import EMAIL_FILTERS, WIDTH, ratio, where, wilson

SEGMENT_ORDER = ["new", "active", "at_risk", "churned", "deleted", "unknown", "not_yet_known"]
SEGMENT_COLORS = ["#1f77b4", "#2ca02c", "#e6a117", "#d62728", "#555555", "#9e9e9e", "#c7c7c7"]
# The funnel's rates over delivered emails: numerator column and label.
RATES = [
    ("opens", "Open rate"),
    ("clicks", "CTR"),
    ("registrations", "Registration rate"),
    ("unsubscribes", "Unsubscribe rate"),
]


def with_completeness(chart: Any) -> Any:
    """Adds `is_complete` of each row's month (dim_periods, data set `months`)."""
    return chart.transform_lookup(
        lookup="month",
        from_=alt.LookupData(
            data=alt.Data(name="months"), key="month", fields=["is_complete", "days"]
        ),
    ).transform_calculate(partial="datum.is_complete == 0")


PARTIAL_OPACITY = alt.condition("datum.partial", alt.value(0.4), alt.value(0.9))


def segment_scale(domain_order: list[str] | None = None) -> alt.Scale:
    """The segments' colours, in their lifecycle order."""
    return alt.Scale(domain=domain_order or SEGMENT_ORDER, range=SEGMENT_COLORS)


def email_rates(base: Any, groupby: list[str]) -> Any:
    """Sums the counts by `groupby`, then one row per rate: numerator `k` over `delivered`,
    with its Wilson bounds `low` and `high`."""
    return (
        base.transform_aggregate(
            sent="sum(sent)",
            delivered="sum(delivered)",
            opens="sum(opens)",
            clicks="sum(clicks)",
            registrations="sum(registrations)",
            unsubscribes="sum(unsubscribes)",
            groupby=groupby,
        )
        .transform_fold([column for column, _ in RATES], as_=["measure", "k"])
        .transform_calculate(
            metric=" : ".join(f"datum.measure == '{column}' ? '{label}'" for column, label in RATES)
            + " : datum.measure",
            rate=ratio("k", "delivered"),
            low=wilson("k", "delivered", "low"),
            high=wilson("k", "delivered", "high"),
        )
    )


def email_funnel() -> alt.FacetChart:
    """Rates by email type x segment at send: bar = rate, whisker = Wilson interval. The
    transforms sit on the facet, so that the rates exist before the rows are split."""
    y = alt.Y("segment:N", sort=SEGMENT_ORDER, title=None)
    tooltip = [
        alt.Tooltip("email_type:N", title="email type"),
        alt.Tooltip("segment:N", title="segment at send"),
        alt.Tooltip("metric:N"),
        alt.Tooltip("rate:Q", format=".3%"),
        alt.Tooltip("k:Q", title="numerator", format=","),
        alt.Tooltip("delivered:Q", format=","),
        alt.Tooltip("low:Q", title="95% CI low", format=".3%"),
        alt.Tooltip("high:Q", title="95% CI high", format=".3%"),
    ]
    bars = (
        alt.Chart()
        .mark_bar(opacity=0.85, height=12)
        .encode(
            x=alt.X("rate:Q", title=None, axis=alt.Axis(format="%", tickCount=3)),
            y=y,
            color=alt.Color("segment:N", scale=segment_scale(), legend=None),
            tooltip=tooltip,
        )
    )
    whiskers = (
        alt.Chart()
        .mark_errorbar(ticks=True, color="#1f2430")
        .encode(x=alt.X("low:Q", title=None), x2="high:Q", y=y)
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=4, fontSize=10, color="#3a4252")
        .encode(x=alt.X("high:Q"), y=y, text=alt.Text("rate:Q", format=".1%"))
    )
    layered = alt.layer(bars, whiskers, labels).properties(width=165)
    faceted = layered.facet(
        row=alt.Row("email_type:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        column=alt.Column("metric:N", title=None, sort=[label for _, label in RATES]),
        spacing={"row": 8, "column": 14},
        data=alt.Data(name="email"),
    ).resolve_scale(x="independent")
    return email_rates(faceted.transform_filter(where(*EMAIL_FILTERS)), ["email_type", "segment"])


def funnel_over_time() -> alt.VConcatChart:
    """Sends per month, and the monthly rates with their interval bands."""
    filters = tuple(key for key in EMAIL_FILTERS if key != "period")
    base = alt.Chart(alt.Data(name="email")).transform_filter(where(*filters))
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0))
    sends = with_completeness(base.transform_aggregate(sent="sum(sent)", groupby=["month"]))
    sends = (
        sends.mark_bar(color="#9aa7b8")
        .encode(
            x=x,
            y=alt.Y("sent:Q", title="sends", axis=alt.Axis(tickCount=3)),
            opacity=PARTIAL_OPACITY,
            tooltip=[
                "month:N",
                alt.Tooltip("sent:Q", format=","),
                alt.Tooltip("days:Q", title="days with data"),
            ],
        )
        .properties(width=WIDTH - 200, height=80)
    )
    rated = with_completeness(
        email_rates(base, ["month"]).transform_filter("datum.measure != 'unsubscribes'")
    )
    rate_colors = alt.Scale(
        domain=[label for _, label in RATES[:3]], range=["#4e79a7", "#f28e2b", "#59a14f"]
    )
    color = alt.Color("metric:N", title=None, scale=rate_colors)
    band = rated.mark_area(opacity=0.18).encode(x=x, y=alt.Y("low:Q"), y2="high:Q", color=color)
    lines = rated.mark_line().encode(
        x=x, y=alt.Y("rate:Q", title="rate", axis=alt.Axis(format="%")), color=color
    )
    points = rated.mark_point(size=50, filled=False, strokeWidth=2).encode(
        x=x,
        y="rate:Q",
        color=color,
        fill=alt.condition(
            "datum.partial",
            alt.value("white"),
            alt.Fill("metric:N", scale=rate_colors, legend=None),
        ),
        tooltip=[
            "month:N",
            "metric:N",
            alt.Tooltip("rate:Q", format=".2%"),
            alt.Tooltip("low:Q", title="95% CI low", format=".2%"),
            alt.Tooltip("high:Q", title="95% CI high", format=".2%"),
        ],
    )
    rates = alt.layer(band, lines, points).properties(width=WIDTH - 200, height=200)
    return alt.vconcat(sends, rates, spacing=10)


def registrations() -> alt.LayerChart:
    """Registrations per month, stacked by email type, with the month's total on top."""
    filters = tuple(key for key in EMAIL_FILTERS if key != "period")
    base = alt.Chart(alt.Data(name="email")).transform_filter(where(*filters))
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        with_completeness(base)
        .mark_bar()
        .encode(
            opacity=PARTIAL_OPACITY,
            x=x,
            y=alt.Y("sum(registrations):Q", title="registrations"),
            color=alt.Color(
                "email_type:N", title="email type", scale=alt.Scale(scheme="tableau10")
            ),
            tooltip=[
                "month:N",
                "email_type:N",
                alt.Tooltip("sum(registrations):Q", title="registrations", format=","),
                alt.Tooltip("sum(delivered):Q", title="delivered", format=","),
            ],
        )
    )
    totals = (
        base.transform_aggregate(
            registrations="sum(registrations)",
            delivered="sum(delivered)",
            groupby=["month"],
        )
        .transform_calculate(
            label=f"format(datum.registrations, ',') + ' (' + format({ratio('registrations', 'delivered')}, '.2%') + ')'"
        )
        .mark_text(dy=-8, fontSize=11, color="#3a4252")
        .encode(x=x, y=alt.Y("registrations:Q"), text="label:N")
    )
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(bars, totals)).properties(width=WIDTH - 200, height=200)


def segment_flow(flow_days: int | None) -> alt.LayerChart:
    """For each segment at send, the shares of its sends by segment `flow_days` later."""
    filters = ("period", "brand", "email_type", "segment")
    after_order = "indexof(" + str(SEGMENT_ORDER).replace('"', "'") + ", datum.segment_after)"
    base = (
        alt.Chart(alt.Data(name="flow"))
        .transform_filter(where(*filters))
        .transform_aggregate(
            sends="sum(sends)",
            groupby=["segment", "segment_after"],
        )
        .transform_joinaggregate(total="sum(sends)", groupby=["segment"])
        .transform_calculate(
            share="datum.sends / datum.total",
            after_rank=after_order,
            row_label="datum.segment + ' · ' + format(datum.total, ',') + ' sends'",
            row_rank="indexof(" + str(SEGMENT_ORDER).replace('"', "'") + ", datum.segment)",
        )
        .transform_window(
            end="sum(share)",
            groupby=["segment"],
            sort=[alt.SortField("after_rank")],
            frame=[None, 0],
        )
        .transform_calculate(start="datum.end - datum.share", middle="datum.end - datum.share / 2")
    )
    y = alt.Y(
        "row_label:N",
        title="segment at send",
        sort=alt.EncodingSortField("row_rank", order="ascending"),
    )
    later = f"segment {flow_days} days after the send" if flow_days else "segment after"
    bars = base.mark_bar(height=22).encode(
        x=alt.X(
            "start:Q",
            title=f"share of sends by {later}",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        x2="end:Q",
        y=y,
        color=alt.Color(
            "segment_after:N",
            title=f"{flow_days} days later" if flow_days else "segment after",
            scale=segment_scale(),
        ),
        tooltip=[
            alt.Tooltip("segment:N", title="segment at send"),
            alt.Tooltip("segment_after:N", title="segment after"),
            alt.Tooltip("sends:Q", format=","),
            alt.Tooltip("share:Q", format=".1%"),
        ],
    )
    labels = (
        base.transform_filter("datum.share >= 0.06")
        .mark_text(fontSize=10, color="white", fontWeight=600)
        .encode(x="middle:Q", y=y, text=alt.Text("share:Q", format=".0%"))
    )
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(bars, labels)).properties(width=WIDTH - 330)
