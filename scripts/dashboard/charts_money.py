"""The paid side's charts: CPL at every funnel level, DRR by period, last click vs linear.

Like charts.py, each re-aggregates a named data set after the filters: CPL = sum of spend /
sum of the level's count, DRR = sum of spend / sum of revenue x 100, null (never infinite)
where the denominator is 0.
"""

from __future__ import annotations

from typing import Any, cast

import altair as alt

from scripts.dashboard.charts import WIDTH, ratio, rub, where

LEVELS = [
    ("leads", "Leads"),
    ("qualified", "Qualified"),
    ("meetings", "Meetings"),
    ("bookings", "Bookings"),
    ("payments", "Payments"),
    ("won", "Won"),
]
GRAINS = [("month", "Month"), ("quarter", "Quarter"), ("half_year", "Half-year")]


def cpl_by_level() -> alt.LayerChart:
    """A table of channel x funnel level: the cell's colour and text are the CPL."""
    base = (
        alt.Chart(alt.Data(name="channel"))
        .transform_filter(where("period", "channel", "model"))
        .transform_aggregate(
            spend="sum(spend)",
            groupby=["channel"],
            # mypy checks a **dict against aggregate= too: its keys are column names
            **cast("dict[str, Any]", {column: f"sum({column})" for column, _ in LEVELS}),
        )
        .transform_filter("datum.spend > 0")
        .transform_fold(
            [column for column, _ in LEVELS],
            as_=["level_key", "count"],
        )
        .transform_calculate(
            level=" : ".join(f"datum.level_key == '{key}' ? '{label}'" for key, label in LEVELS)
            + " : datum.level_key",
            cpl=ratio("spend", "count"),
            cpl_text=rub(ratio("spend", "count")),
        )
    )
    x = alt.X(
        "level:N",
        sort=[label for _, label in LEVELS],
        title="funnel level",
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    y = alt.Y("channel:N", title=None, sort=alt.EncodingSortField("spend", order="descending"))
    cells = base.mark_rect(stroke="white", strokeWidth=2, opacity=0.75).encode(
        x=x,
        y=y,
        color=alt.Color(
            "cpl:Q",
            title="CPL, ₽",
            legend=alt.Legend(format=",.0f"),
            scale=alt.Scale(type="log", scheme="redyellowgreen", reverse=True),
        ),
        tooltip=[
            "channel:N",
            "level:N",
            alt.Tooltip("spend:Q", format=",.0f", title="spend, ₽"),
            alt.Tooltip("count:Q", format=",.1f"),
            alt.Tooltip("cpl:Q", format=",.0f", title="CPL, ₽"),
        ],
    )
    texts = base.mark_text(fontSize=11, color="#1f2430").encode(x=x, y=y, text="cpl_text:N")
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(cells, texts)).properties(width=WIDTH - 300)


def drr_panel(grain: str, title: str) -> alt.LayerChart:
    """DRR by period of one grain: a line, filled points for complete periods and hollow
    ones for partial periods, and a dashed linear trend over the complete periods."""
    base = (
        alt.Chart(alt.Data(name="drr"))
        .transform_filter(f"datum.grain == '{grain}' && " + where("channel", "model"))
        .transform_aggregate(
            spend="sum(spend)",
            revenue="sum(revenue)",
            won="sum(won)",
            complete="min(is_complete)",
            days="max(days)",
            groupby=["period"],
        )
        .transform_calculate(
            drr=ratio("spend", "revenue", 100),
            start="datetime(toNumber(substring(datum.period, 0, 4)),"
            " toNumber(substring(datum.period, 5, 7)) - 1, 1)",
            status="datum.complete ? 'complete' : 'partial (' + datum.days + ' days)'",
            is_full="datum.complete ? 1 : 0",
        )
    )
    months = {"month": 1, "quarter": 3, "half_year": 6}[grain]
    x = alt.X(
        "start:T",
        title=None,
        axis=alt.Axis(
            format="%b %Y", tickCount=alt.TimeIntervalStep(interval="month", step=months)
        ),
    )
    y = alt.Y("drr:Q", title="DRR, %", scale=alt.Scale(zero=True))
    line = base.mark_line(color="#4e79a7").encode(x=x, y=y)
    points = base.mark_point(size=60, color="#4e79a7", strokeWidth=2).encode(
        x=x,
        y=y,
        fill=alt.condition("datum.complete", alt.value("#4e79a7"), alt.value("white")),
        tooltip=[
            alt.Tooltip("period:N"),
            alt.Tooltip("drr:Q", format=".1f", title="DRR, %"),
            alt.Tooltip("spend:Q", format=",.0f", title="spend, ₽"),
            alt.Tooltip("revenue:Q", format=",.0f", title="revenue, ₽"),
            alt.Tooltip("won:Q", format=",.1f"),
            "status:N",
        ],
    )
    labels = base.mark_text(dy=-10, fontSize=10, color="#3a4252").encode(
        x=x, y=y, text=alt.Text("drr:Q", format=".0f")
    )
    trend = (
        base.transform_filter("datum.complete && datum.drr != null")
        .transform_regression("start", "drr")
        .mark_line(strokeDash=[5, 4], color="#e15759")
        .encode(x=x, y=y)
    )
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(line, trend, points, labels)).properties(
        width=(WIDTH - 120) // 3, height=190, title=title
    )


def drr_by_period() -> alt.HConcatChart:
    return alt.hconcat(*(drr_panel(grain, title) for grain, title in GRAINS), spacing=24)


def comparison_bars(base: alt.Chart, field: str, title: str, top: int | None) -> alt.LayerChart:
    """Leads under last click and under linear side by side per `field` value."""
    summed = base.transform_aggregate(
        leads_last_click="sum(leads_last_click)",
        leads_linear="sum(leads_linear)",
        revenue_last_click="sum(revenue_last_click)",
        revenue_linear="sum(revenue_linear)",
        groupby=[field],
    )
    if top:
        summed = summed.transform_window(
            rank="row_number()",
            sort=[alt.SortField("leads_last_click", order="descending")],
        ).transform_filter(f"datum.rank <= {top}")
    folded = summed.transform_fold(
        ["leads_last_click", "leads_linear"], as_=["model_key", "leads"]
    ).transform_calculate(
        model="datum.model_key == 'leads_last_click' ? 'last click' : 'linear'",
        revenue="datum.model_key == 'leads_last_click' ? datum.revenue_last_click"
        " : datum.revenue_linear",
    )
    y = alt.Y(
        f"{field}:N", title=None, sort=alt.EncodingSortField("leads_last_click", order="descending")
    )
    color = alt.Color(
        "model:N",
        title="model",
        scale=alt.Scale(domain=["last click", "linear"], range=["#4e79a7", "#a0cbe8"]),
    )
    bars = folded.mark_bar().encode(
        x=alt.X("leads:Q", title="leads"),
        y=y,
        yOffset=alt.YOffset("model:N"),
        color=color,
        tooltip=[
            f"{field}:N",
            "model:N",
            alt.Tooltip("leads:Q", format=",.1f"),
            alt.Tooltip("revenue:Q", format=",.0f", title="revenue, ₽"),
        ],
    )
    labels = folded.mark_text(align="left", dx=3, fontSize=9, color="#3a4252").encode(
        x="leads:Q", y=y, yOffset=alt.YOffset("model:N"), text=alt.Text("leads:Q", format=",.1f")
    )
    # The step is each bar's (two per row), not the row's.
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(bars, labels)).properties(
        width=(WIDTH - 420) // 2, height={"step": 13, "for": "position"}, title=title
    )


def attribution_comparison() -> alt.HConcatChart:
    base = alt.Chart(alt.Data(name="attribution")).transform_filter(where("period", "channel"))
    return alt.hconcat(
        comparison_bars(base, "channel", "By channel", None),
        comparison_bars(base, "campaign", "Top 12 campaigns", 12),
        spacing=40,
    )
