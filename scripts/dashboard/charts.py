"""The filters, the Vega expressions every chart shares, and the KPI strip, as Vega-Lite
specs built with altair (the chart families: charts_email.py, charts_money.py,
charts_confidence.py).

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
