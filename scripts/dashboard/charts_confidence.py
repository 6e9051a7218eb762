"""The intervals of the confidence marts, drawn where the serving copy has them:
mart_segment_flow_uplift (Newcombe intervals of uplift against a control) and
mart_decision_confidence (bootstrap intervals of CPL, DRR and last click − linear). Their
intervals are the marts' own, one row each: nothing is summed, so nothing is recomputed here.
Intervals do not add across months either, so with no month chosen a chart shows the latest;
a partial month (not every day holds data) has hollow points, as on the DRR chart."""

from __future__ import annotations

import altair as alt

from scripts.dashboard.charts import WIDTH, where

UPLIFT_TARGETS = ["active", "at_risk", "churned"]
TOP_PAIRS = 15
DECISIONS = [("cpl_leads", "CPL of leads, ₽"), ("cpl_won", "CPL of won, ₽"), ("drr_pct", "DRR, %")]
VERDICT_COLORS = alt.Scale(
    domain=["cheaper_than_average", "no_clear_difference", "dearer_than_average"],
    range=["#2ca02c", "#7a8394", "#d62728"],
)
LC_DECISIONS = [
    ("lc_minus_linear_leads", "LC − linear, leads"),
    ("lc_minus_linear_revenue", "LC − linear, revenue ₽"),
]
LC_VERDICT_COLORS = alt.Scale(
    domain=["last_click_understates", "no_clear_difference", "last_click_overstates"],
    range=["#4e79a7", "#7a8394", "#e15759"],
)
# The month's completeness (is_complete, days: days_with_data of mart_decision_confidence).
STATUS = (
    "datum.is_complete == null ? 'unknown' : datum.is_complete ? 'complete'"
    " : 'partial (' + datum.days + ' days)'"
)
PARTIAL = "datum.is_complete == 0"


def labelled(decisions: list[tuple[str, str]]) -> str:
    """A Vega expression: the label of datum.decision."""
    return (
        " : ".join(f"datum.decision == '{key}' ? '{label}'" for key, label in decisions)
        + " : datum.decision"
    )


def shown_month(latest_month: str) -> str:
    return f"(f_period == 'All' ? '{latest_month}' : f_period)"


def uplift() -> alt.FacetChart:
    """Per campaign x segment at send (the most treated contacts of the cut first): the
    uplift of the share in each target segment over the control, with its interval."""
    point = (
        alt.Chart()
        .mark_point(filled=True, size=50)
        .encode(
            x=alt.X("uplift:Q", title="uplift (treated − control)", axis=alt.Axis(format="+%")),
            y=alt.Y("pair:N", title=None, sort=alt.EncodingSortField("pair_rank")),
            color=alt.Color(
                "conclusive:N",
                title=None,
                scale=alt.Scale(
                    domain=["conclusive", "not conclusive"], range=["#d62728", "#9aa7b8"]
                ),
            ),
            tooltip=[
                "campaign_id:N",
                alt.Tooltip("segment:N", title="segment at send"),
                alt.Tooltip("to_segment:N", title="segment after"),
                alt.Tooltip("treated_contacts:Q", format=","),
                alt.Tooltip("treated_rate:Q", format=".2%"),
                alt.Tooltip("control_rate:Q", format=".2%"),
                alt.Tooltip("uplift:Q", format="+.3%"),
                alt.Tooltip("uplift_ci_low:Q", title="95% CI low", format="+.3%"),
                alt.Tooltip("uplift_ci_high:Q", title="95% CI high", format="+.3%"),
            ],
        )
    )
    whisker = (
        alt.Chart()
        .mark_errorbar(ticks=True, color="#3a4252")
        .encode(
            x=alt.X("uplift_ci_low:Q", title="uplift (treated − control)"),
            x2="uplift_ci_high:Q",
            y=alt.Y("pair:N", sort=alt.EncodingSortField("pair_rank")),
        )
    )
    zero = alt.Chart().mark_rule(color="#1f2430", strokeDash=[3, 3]).encode(x=alt.datum(0))
    layered = alt.layer(zero, whisker, point).properties(width=(WIDTH - 330) // 3)
    faceted = layered.facet(
        column=alt.Column("to_segment:N", title="share moved to", sort=UPLIFT_TARGETS),
        data=alt.Data(name="uplift"),
        spacing=12,
    )
    cut = faceted.transform_filter(where("period", "brand", "email_type", "segment"))
    return (
        cut.transform_filter(alt.FieldOneOfPredicate(field="to_segment", oneOf=UPLIFT_TARGETS))
        .transform_joinaggregate(
            pair_contacts="max(treated_contacts)",
            groupby=["campaign_id", "segment"],
        )
        .transform_window(
            pair_rank="dense_rank()",
            sort=[
                alt.SortField("pair_contacts", order="descending"),
                alt.SortField("campaign_id"),
                alt.SortField("segment"),
            ],
        )
        .transform_filter(f"datum.pair_rank <= {TOP_PAIRS}")
        .transform_calculate(
            pair="datum.campaign_id + ' · ' + datum.segment",
            conclusive="datum.is_conclusive ? 'conclusive' : 'not conclusive'",
        )
    )


def decision_confidence(latest_month: str) -> alt.FacetChart:
    """CPL of leads and of won deals and DRR per channel for one month and model, with the
    bootstrap interval; an open-ended interval (no upper bound) is drawn dashed to the edge."""
    point = (
        alt.Chart()
        .mark_point(filled=False, size=55, strokeWidth=2)
        .encode(
            x=alt.X("estimate:Q", title=None, scale=alt.Scale(zero=True)),
            y=alt.Y("channel:N", title=None),
            color=alt.Color("verdict:N", title="verdict", scale=VERDICT_COLORS),
            fill=alt.condition(
                PARTIAL,
                alt.value("white"),
                alt.Color("verdict:N", title="verdict", scale=VERDICT_COLORS),
            ),
            tooltip=[
                "channel:N",
                "decision_label:N",
                "period:N",
                "status:N",
                alt.Tooltip("estimate:Q", format=",.1f"),
                alt.Tooltip("ci_low:Q", title="95% CI low", format=",.1f"),
                alt.Tooltip("ci_high_text:N", title="95% CI high"),
                alt.Tooltip("n:Q", title="leads behind it"),
                "verdict:N",
            ],
        )
    )
    whisker = (
        alt.Chart()
        .mark_rule(color="#3a4252")
        .encode(
            x="ci_low:Q",
            x2="ci_high_shown:Q",
            y="channel:N",
            strokeDash=alt.condition("datum.ci_high == null", alt.value([3, 3]), alt.value([1, 0])),
        )
    )
    layered = alt.layer(whisker, point).properties(width=(WIDTH - 330) // 3)
    faceted = layered.facet(
        column=alt.Column("decision_label:N", title=None, sort=[label for _, label in DECISIONS]),
        data=alt.Data(name="confidence"),
        spacing=16,
    ).resolve_scale(x="independent")
    cut = faceted.transform_filter(
        f"datum.month == {shown_month(latest_month)} && " + where("channel", "model")
    )
    return cut.transform_joinaggregate(
        edge="max(ci_low)",
        top="max(ci_high)",
        groupby=["decision"],
    ).transform_calculate(
        decision_label=labelled(DECISIONS),
        status=STATUS,
        ci_high_shown="datum.ci_high != null ? datum.ci_high"
        " : max(datum.edge, datum.top, datum.estimate) * 1.1",
        ci_high_text="datum.ci_high != null ? format(datum.ci_high, ',.1f') : 'no upper bound'",
        period="datum.month",
    )


def lc_minus_linear(latest_month: str) -> alt.FacetChart:
    """Leads and revenue credited to each channel under last click minus under linear, for
    one month, with the bootstrap interval; the colour is the mart's verdict."""
    point = (
        alt.Chart()
        .mark_point(filled=False, size=55, strokeWidth=2)
        .encode(
            x=alt.X("estimate:Q", title=None),
            y=alt.Y("channel:N", title=None),
            color=alt.Color("verdict:N", title="verdict", scale=LC_VERDICT_COLORS),
            fill=alt.condition(
                PARTIAL,
                alt.value("white"),
                alt.Color("verdict:N", title="verdict", scale=LC_VERDICT_COLORS),
            ),
            tooltip=[
                "channel:N",
                "decision_label:N",
                "period:N",
                "status:N",
                alt.Tooltip("estimate:Q", title="LC − linear", format="+,.2f"),
                alt.Tooltip("ci_low:Q", title="95% CI low", format="+,.2f"),
                alt.Tooltip("ci_high:Q", title="95% CI high", format="+,.2f"),
                alt.Tooltip("n:Q", title="leads behind it"),
                "verdict:N",
            ],
        )
    )
    whisker = (
        alt.Chart()
        .mark_errorbar(ticks=True, color="#3a4252")
        .encode(x=alt.X("ci_low:Q", title=None), x2="ci_high:Q", y="channel:N")
    )
    zero = alt.Chart().mark_rule(color="#1f2430", strokeDash=[3, 3]).encode(x=alt.datum(0))
    layered = alt.layer(zero, whisker, point).properties(width=(WIDTH - 330) // 2)
    faceted = layered.facet(
        column=alt.Column(
            "decision_label:N", title=None, sort=[label for _, label in LC_DECISIONS]
        ),
        data=alt.Data(name="confidence"),
        spacing=24,
    ).resolve_scale(x="independent")
    decisions = " || ".join(f"datum.decision == '{key}'" for key, _ in LC_DECISIONS)
    cut = faceted.transform_filter(
        f"({decisions}) && datum.month == {shown_month(latest_month)} && " + where("channel")
    )
    return cut.transform_calculate(
        decision_label=labelled(LC_DECISIONS), status=STATUS, period="datum.month"
    )
