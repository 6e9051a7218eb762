"""The filters, the KPI strip and the email charts, as Vega-Lite specs built with altair.

Every chart reads a named data set (`email`, `flow`, `channel`, `drr`, `attribution`: see
queries.py) that the page fills in, and re-aggregates it after the filters: sums of counts,
then rates as sum of numerators over sum of denominators (a rate is never averaged).

Intervals. The marts carry 95% Wilson intervals at their own grain (day x campaign x ...);
a filtered cut sums many of their rows, and an interval does not sum. So the charts compute
the interval of each cut from its summed counts in a Vega-Lite `calculate` transform
(`wilson` below writes the expression: the formula of macros/metrics/wilson_interval.sql,
null where there are no trials or the ratio is not a proportion).
"""

from __future__ import annotations

from typing import Any, cast

import altair as alt

Z95 = 1.959963984540054
ALL = "All"
# The filters: label, Vega-Lite param name, and the predicate on a row of a data set.
FILTERS: dict[str, tuple[str, str, str]] = {
    "period": ("Month", "f_period", "datum.month"),
    "brand": ("Brand", "f_brand", "datum.brand"),
    "specialty": ("Specialty", "f_specialty", "datum.specialty"),
    "email_type": ("Email type", "f_email_type", "datum.email_type"),
    "segment": ("Segment at send", "f_segment", "datum.segment"),
    "channel": ("Channel", "f_channel", "datum.channel"),
    "model": ("Attribution model", "f_model", "datum.model"),
}
EMAIL_FILTERS = ("period", "brand", "specialty", "email_type", "segment")
SEGMENT_ORDER = ["new", "active", "at_risk", "churned", "deleted", "unknown", "not_yet_known"]
SEGMENT_COLORS = ["#1f77b4", "#2ca02c", "#e6a117", "#d62728", "#555555", "#9e9e9e", "#c7c7c7"]
# The funnel's rates over delivered emails: numerator column and label.
RATES = [
    ("opens", "Open rate"),
    ("clicks", "CTR"),
    ("registrations", "Registration rate"),
    ("unsubscribes", "Unsubscribe rate"),
]
WIDTH = 980


def where(*filters: str) -> str:
    """The predicate that keeps a row under the chosen filters (`All` keeps every row;
    the attribution model has no `All`)."""
    clauses = []
    for key in filters:
        _, param, field = FILTERS[key]
        clauses.append(
            f"{field} == {param}"
            if key == "model"
            else f"({param} == '{ALL}' || {field} == {param})"
        )
    return " && ".join(clauses)


def filter_params(defaults: dict[str, str]) -> list[dict[str, Any]]:
    """Top-level variable params, one per filter; the page's selects set them."""
    return [{"name": FILTERS[key][1], "value": defaults.get(key, ALL)} for key in FILTERS]


def wilson(successes: str, trials: str, side: str) -> str:
    """A Vega expression: one bound of the 95% Wilson interval of datum[successes] /
    datum[trials] (the formula of the wilson_bound macro)."""
    k, n, z = f"datum.{successes}", f"datum.{trials}", Z95
    sign = "-" if side == "low" else "+"
    share = f"({k} / {n})"
    return (
        f"{n} > 0 && {k} >= 0 && {k} <= {n} ? "
        f"({share} + {z} * {z} / (2 * {n}) {sign} {z} * sqrt({share} * (1 - {share}) / {n}"
        f" + {z} * {z} / (4 * {n} * {n}))) / (1 + {z} * {z} / {n}) : null"
    )


def ratio(numerator: str, denominator: str, scale: float = 1) -> str:
    """datum[numerator] / datum[denominator], null (never infinite) on a zero denominator."""
    times = f" * {scale}" if scale != 1 else ""
    return f"datum.{denominator} > 0 ? datum.{numerator}{times} / datum.{denominator} : null"


def rub(expression: str) -> str:
    """A Vega expression formatting a ruble amount: 950 ₽, 12.3 k₽, 1.25 M₽."""
    value = f"({expression})"
    return (
        f"{value} == null ? '—' : abs({value}) >= 1e6 ? format({value} / 1e6, ',.2f') + ' M₽'"
        f" : abs({value}) >= 1e3 ? format({value} / 1e3, ',.1f') + ' k₽'"
        f" : format({value}, ',.0f') + ' ₽'"
    )


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
    return alt.Scale(domain=domain_order or SEGMENT_ORDER, range=SEGMENT_COLORS)


# ------------------------------------------------------------------------------ KPI strip


def kpi_tile(
    key: str,
    label: str,
    source: str,
    filters: tuple[str, ...],
    sums: list[str],
    value: str,
    sub: str,
) -> alt.LayerChart:
    """One tile: the value (a formatted Vega expression over the filtered sums) above a
    line that says what it is. Its marks are named `kpi_<key>` (the tests read them). Rows
    outside the cut count as 0 instead of being filtered out, so that an empty cut still
    gives one row (0 sends, no rate) rather than no tile."""
    keep = where(*filters)
    base = (
        alt.Chart(alt.Data(name=source))
        .transform_calculate(
            **{f"cut_{column}": f"({keep}) ? datum.{column} : 0" for column in sums}
        )
        # mypy checks a **dict against aggregate= and groupby= too: its keys are column names
        .transform_aggregate(
            **cast("dict[str, Any]", {column: f"sum(cut_{column})" for column in sums})
        )
        .transform_calculate(value_text=value, sub_text=sub)
    )
    big = (
        base.mark_text(align="left", baseline="top", fontSize=22, fontWeight=600, color="#1f2430")
        .encode(text="value_text:N", x=alt.value(0), y=alt.value(22))
        .properties(name=f"kpi_{key}")
    )
    small = base.mark_text(align="left", baseline="top", fontSize=11, color="#7a8394").encode(
        text="sub_text:N", x=alt.value(0), y=alt.value(52)
    )
    head = base.mark_text(align="left", baseline="top", fontSize=11, color="#5b6475").encode(
        text=alt.value(label.upper()), x=alt.value(0), y=alt.value(4)
    )
    # no layer has a facet encoding (for alt.layer to hoist): a LayerChart
    return cast("alt.LayerChart", alt.layer(head, big, small)).properties(width=100, height=66)


def percent(expression: str) -> str:
    return f"(({expression}) == null ? '—' : format({expression}, '.1%'))"


def kpi_strip() -> alt.HConcatChart:
    email, money = EMAIL_FILTERS, ("period", "channel", "model")
    counts = ["sent", "delivered", "opens", "clicks", "registrations"]
    paid = ["spend", "leads", "won", "revenue"]
    tiles = [
        kpi_tile(
            "sends",
            "Sends",
            "email",
            email,
            counts,
            "format(datum.sent, ',.0f')",
            f"{percent(ratio('delivered', 'sent'))} + ' delivered'",
        ),
        kpi_tile(
            "open_rate",
            "Open rate",
            "email",
            email,
            counts,
            percent(ratio("opens", "delivered")),
            "'unique opens / delivered'",
        ),
        kpi_tile(
            "ctr",
            "CTR",
            "email",
            email,
            counts,
            percent(ratio("clicks", "delivered")),
            "'unique clicks / delivered'",
        ),
        kpi_tile(
            "registrations",
            "Registrations",
            "email",
            email,
            counts,
            "format(datum.registrations, ',.0f')",
            "'webinar, from email'",
        ),
        kpi_tile(
            "leads",
            "Leads",
            "channel",
            money,
            paid,
            "format(datum.leads, ',.1f')",
            "format(datum.won, ',.1f') + ' won'",
        ),
        kpi_tile("revenue", "Revenue", "channel", money, paid, rub("datum.revenue"), "'won deals'"),
        kpi_tile("spend", "Spend", "channel", money, paid, rub("datum.spend"), "'paid + email'"),
        kpi_tile(
            "drr",
            "DRR",
            "channel",
            money,
            paid,
            f"datum.revenue > 0 ? format({ratio('spend', 'revenue', 100)}, '.1f') + '%' : '—'",
            "'spend / revenue'",
        ),
    ]
    return alt.hconcat(*tiles, spacing=18).configure_view(stroke=None)


# ------------------------------------------------------------------------------ email


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
