"""The dashboard page: one self-contained HTML file (Vega, Vega-Lite and vega-embed inlined
from vl-convert-python's bundle, the aggregates as one JSON block, a few lines of script
that draw the charts and pass the filters' values to every chart's params)."""

from __future__ import annotations

import html
import importlib.metadata
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

from scripts.dashboard import charts, charts_confidence, charts_email, charts_money, data_state
from scripts.dashboard.queries import REFERENCE_MODEL, Extract

# The Vega-Lite version of altair's schema, which the inlined bundle must match.
VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# vl-convert bundles the same script for the same versions: 2 s a page, so it is kept here.
BUNDLE_CACHE = Path(__file__).resolve().parents[2] / "target" / "cache"
TITLE = "Marketing warehouse — dashboard"


@dataclass
class Section:
    """A chart of the page: its id, title, the marts it reads, its spec, the data sets the
    spec names, the filters it follows and how to read it."""

    chart_id: str
    title: str
    source: str
    chart: alt.TopLevelMixin
    data: tuple[str, ...]
    filters: tuple[str, ...]
    note: str


EMAIL_CUT = ("period", "brand", "specialty", "email_type", "segment")
TREND_CUT = EMAIL_CUT[1:]


def sections(extract: Extract) -> list[Section]:
    """The core charts, each followed by the confidence charts that qualify it."""
    extra = confidence_sections(extract)
    return [
        placed
        for section in core_sections(extract.flow_days)
        for placed in [section, *extra.get(section.chart_id, [])]
    ]


def latest_month(extract: Extract, decisions: tuple[str, ...]) -> str:
    months = {str(row[0]) for row in extract.datasets["confidence"].rows if row[1] in decisions}
    return max(months, default="")


def confidence_sections(extract: Extract) -> dict[str, list[Section]]:
    """The confidence marts' intervals where the serving copy has those marts, by the id of
    the chart they follow."""
    found: dict[str, list[Section]] = {}
    if "uplift" in extract.datasets:
        found["segment-flow"] = [
            Section(
                "uplift",
                "Segment-flow uplift against a control",
                "mart_segment_flow_uplift",
                charts_confidence.uplift(),
                ("uplift",),
                ("period", "brand", "email_type", "segment"),
                "Per campaign × segment at send (the 15 with the most treated contacts in the "
                "cut): the share of treated contacts in each segment after the send minus the "
                "control's, with the mart's 95% Newcombe interval. Red: the interval excludes "
                "0 (conclusive). The month is the launch month. <b>Observational, not "
                "randomized:</b> the control is matched by stratum (segment, specialty, brand "
                "interest, consent), and an effect can still come from how contacts were "
                "chosen for the campaign; a conclusive interval is evidence, not proof.",
            )
        ]
    if "confidence" in extract.datasets:
        lc_month = latest_month(extract, tuple(key for key, _ in charts_confidence.LC_DECISIONS))
        found["attribution"] = [
            Section(
                "lc-minus-linear",
                "Last click − linear with bootstrap intervals",
                "mart_decision_confidence",
                charts_confidence.lc_minus_linear(lc_month),
                ("confidence",),
                ("period", "channel"),
                "Leads and revenue credited to each channel under last click minus under "
                "linear, with the mart's 95% bootstrap interval (by person). Right of 0: last "
                "click credits the channel more, it closes conversions; left: it assists them. "
                "Red or blue: the interval excludes 0. A channel appears where some lead's "
                "credit differs between the two models. Intervals do not add across months: "
                f"with no month chosen it shows the latest, {html.escape(lc_month)}; a hollow "
                "point is a partial month (hover for its days). The model filter does not apply.",
            )
        ]
        month = latest_month(extract, tuple(key for key, _ in charts_confidence.DECISIONS))
        found["attribution"].append(
            Section(
                "decision-confidence",
                "CPL and DRR with bootstrap intervals",
                "mart_decision_confidence",
                charts_confidence.decision_confidence(month),
                ("confidence",),
                ("period", "channel", "model"),
                "Estimate per paid channel with the mart's 95% bootstrap interval (by person); "
                "a dashed whisker has no upper bound. The colour is the mart's verdict against "
                "the paid channels' average. Intervals do not add across months: with no month "
                f"chosen it shows the latest, {html.escape(month)}. A hollow point is a partial "
                "month (not every one of its days holds data; hover for how many).",
            )
        )
    return found


def core_sections(flow_days: int | None) -> list[Section]:
    return [
        Section(
            "email-funnel",
            "Email funnel by email type × segment at send",
            "mart_email_funnel",
            charts_email.email_funnel(),
            ("email",),
            EMAIL_CUT,
            "Bar = rate over delivered emails (sum of numerators over sum of "
            "denominators of the cut), whisker = its 95% Wilson interval, computed from "
            "the summed counts. A wide whisker means few sends: a difference inside it "
            "is noise. Each column has its own scale.",
        ),
        Section(
            "funnel-over-time",
            "Funnel over time",
            "mart_email_funnel",
            charts_email.funnel_over_time(),
            ("email", "months"),
            TREND_CUT,
            "Top: sends per month. Bottom: open rate, CTR and registration rate per "
            "month, the band is the 95% Wilson interval. The month filter does not apply "
            "here: the chart is the trend. A partial month (not every day holds data) has a "
            "pale bar and hollow points.",
        ),
        Section(
            "segment-flow",
            "Segment flow after sends",
            "mart_segment_flow × dim_campaigns",
            charts_email.segment_flow(flow_days),
            ("flow",),
            ("period", "brand", "email_type", "segment"),
            f"Each row is a segment at send; it is split by the contact's segment "
            f"{flow_days} days after the send (a contact counts once per campaign). "
            "<em>not_yet_known</em>: the horizon is after the newest contacts export. "
            "The month is the campaign's launch month; the specialty filter does not "
            "apply (the mart has no specialty).",
        ),
        Section(
            "registrations",
            "Webinar registrations from email",
            "mart_email_funnel",
            charts_email.registrations(),
            ("email", "months"),
            TREND_CUT,
            "Registrations per month by email type; the label is the month's total and "
            "its registration rate (registrations / delivered); a partial month is pale. "
            "The month filter does not apply: the chart is the trend.",
        ),
        Section(
            "cpl",
            "CPL at every funnel level by channel",
            "mart_channel_performance",
            charts_money.cpl_by_level(),
            ("channel",),
            ("period", "channel", "model"),
            "CPL of a level = spend / that level's count under the chosen attribution "
            "model; green is cheap, red dear (log scale). Channels without spend are "
            "left out. Brand, specialty, email type and segment do not apply here.",
        ),
        Section(
            "drr",
            "DRR by month, quarter and half-year",
            "mart_drr_by_period",
            charts_money.drr_by_period(),
            ("drr",),
            ("channel", "model"),
            "DRR = spend / revenue × 100 (lower is better). A hollow point is a partial "
            "period (not every one of its days holds data: <code>is_complete</code>); "
            "the dashed line is the linear trend over the complete "
            "periods. The month filter does not apply: the chart is the trend. "
            "<b>All channels</b> includes the channels without spend (organic search, "
            "referral, direct, and <code>(none)</code>, leads without touches), in the "
            "numerator and the denominator alike: all spend over all revenue. It is therefore "
            "lower than the DRR of every paid channel: revenue that no spend bought still "
            "counts. A channel without spend has a DRR of 0.",
        ),
        Section(
            "attribution",
            "Last click vs linear by channel and campaign",
            "mart_attribution_comparison",
            charts_money.attribution_comparison(),
            ("attribution",),
            ("period", "channel"),
            "Leads credited under last click (dark) and linear (light). A channel whose "
            "linear bar is longer assists conversions that others close. Campaigns "
            "outside the top 10 of a month and channel are summed as "
            "<em>(other campaigns)</em>. The model filter does not apply.",
        ),
    ]


def spec_of(chart: alt.TopLevelMixin, defaults: dict[str, str]) -> dict[str, Any]:
    """The chart's Vega-Lite spec with the filters' params at its top level. Not validated
    here (1.3 s a page): tests/python/test_dashboard_specs.py validates every spec."""
    spec = chart.to_dict(validate=False)
    spec["params"] = [*spec.get("params", []), *charts.filter_params(defaults)]
    # A filter can add facets or rows: without resize the view keeps its first size and clips.
    spec.setdefault("autosize", {"type": "pad", "resize": True})
    spec.setdefault("config", {}).update(
        {"font": "system-ui, sans-serif", "view": {"stroke": None}}
    )
    return spec


def select(key: str, options: list[str], with_all: bool) -> str:
    label, param, _ = charts.FILTERS[key]
    choices = ([charts.ALL] if with_all else []) + options
    body = "".join(
        f'<option value="{html.escape(value)}">{html.escape(value)}</option>' for value in choices
    )
    return (
        f'<label>{html.escape(label)}<select id="filter-{key.replace("_", "-")}" '
        f'data-param="{param}">{body}</select></label>'
    )


def figure(section: Section) -> str:
    follows = ", ".join(charts.FILTERS[key][0].lower() for key in section.filters)
    return (
        f'<figure class="chart" id="{section.chart_id}"><figcaption>'
        f"<h2>{html.escape(section.title)}</h2>"
        f'<span class="source">{html.escape(section.source)}</span></figcaption>'
        f'<div class="vega"></div><p class="note">{section.note} '
        f'<span class="follows">Filters: {follows}.</span></p></figure>'
    )


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """vl-convert's bundle of Vega, Vega-Lite and vega-embed, from the cache file of these
    versions when there is one."""
    version = importlib.metadata.version("vl-convert-python")
    cached = BUNDLE_CACHE / f"vl-convert-{version}-vega-lite-{VEGA_LITE}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    # vl-convert's stub makes snippet required; at runtime it defaults to None (the default
    # snippet, which puts vegaEmbed, vegaLite and vega on window)
    bundle: str = vl_convert.javascript_bundle(vl_version=VEGA_LITE)  # type: ignore[call-arg]
    cached.parent.mkdir(parents=True, exist_ok=True)
    aside = cached.with_name(f".{cached.name}.{os.getpid()}")
    aside.write_text(bundle, encoding="utf-8")
    os.replace(aside, cached)  # two processes may write it at once: each renames a whole file
    return bundle


def inline_json(payload: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (`<\\/` is a valid JSON escape of `</`)."""
    return json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")


def inline_script(code: str) -> str:
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise ValueError("the script bundle contains '</script' or '<!--': it cannot be inlined")
    return code


def build_page(extract: Extract) -> str:
    defaults = {
        "model": REFERENCE_MODEL
        if REFERENCE_MODEL in extract.options["model"]
        else (extract.options["model"] or [""])[0]
    }
    page_sections = sections(extract)
    kpi_cut = ("period", "brand", "specialty", "email_type", "segment", "channel", "model")
    kpis = Section(
        "kpis",
        "Key figures",
        "mart_email_funnel, mart_channel_performance",
        charts.kpi_strip(),
        ("email", "channel"),
        kpi_cut,
        "",
    )
    payload = {
        "data": {name: data.encoded() for name, data in extract.datasets.items()},
        "charts": [
            {
                "id": section.chart_id,
                "data": list(section.data),
                "spec": spec_of(section.chart, defaults),
            }
            for section in [kpis, *page_sections]
        ],
    }
    filters = "".join(select(key, extract.options[key], key != "model") for key in charts.FILTERS)
    months = extract.options["period"]
    span = f"{months[0]} – {months[-1]}" if months else "no data"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title>
<style>{STYLE}{data_state.STYLE}</style></head>
<body><main>
<header><h1>{TITLE}</h1>
<p>Months {html.escape(span)} · serving copy version {html.escape(extract.version)}, published
{html.escape(extract.published_at)}. Every figure is a mart aggregate re-aggregated in the
browser for the chosen filters; hover a mark for its numbers.</p></header>
<nav class="filters" aria-label="Filters">{filters}</nav>
{data_state.banner(extract.state)}
<section class="kpis" id="kpis" aria-label="Key figures"><div class="vega"></div></section>
{"".join(figure(section) for section in page_sections)}
{data_state.findings_section(extract.state)}
<footer>Generated by <code>python -m scripts.dashboard</code> from serving.duckdb
(docs/dashboard.md). Vega {vl_convert.get_vega_version()}, Vega-Lite {VEGA_LITE}, inlined: the
page needs no network.</footer>
</main>
<script type="application/json" id="dashboard-data">{inline_json(payload)}</script>
<script type="module">{inline_script(javascript_bundle())}</script>
<script type="module">{SCRIPT}</script></body></html>
"""


# Draws every chart into its figure, then passes each select's value to the param of the
# same name in every view. <body data-ready> and data-updates tell the tests when it is done.
SCRIPT = """
const PAGE = JSON.parse(document.getElementById('dashboard-data').textContent);
const views = [];
function decode(table) {
  const dims = table.dims;
  return table.rows.map((row) => {
    const out = {};
    table.columns.forEach((column, i) => { out[column] = column in dims ? dims[column][row[i]] : row[i]; });
    return out;
  });
}
async function apply() {
  const selects = document.querySelectorAll('select[data-param]');
  await Promise.all(views.map((view) => {
    selects.forEach((select) => view.signal(select.dataset.param, select.value));
    return view.runAsync();
  }));
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
}
async function draw() {
  for (const chart of PAGE.charts) {
    chart.spec.datasets = Object.fromEntries(chart.data.map((name) => [name, decode(PAGE.data[name])]));
    const target = document.querySelector('#' + chart.id + ' .vega');
    const result = await vegaEmbed(target, chart.spec, {renderer: 'svg', actions: false});
    views.push(result.view);
  }
  document.querySelectorAll('select[data-param]').forEach((select) => {
    if (select.dataset.param === 'f_model') { select.value = PAGE.charts[0].spec.params.find((p) => p.name === 'f_model').value; }
    select.addEventListener('change', apply);
  });
  document.body.dataset.ready = 'true';
}
draw().catch((error) => { document.body.dataset.error = String(error); throw error; });
"""

STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2430;
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 40px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 0 0 14px; color: #5b6475; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; background: #fff;
           border: 1px solid #e3e6eb; border-radius: 8px; padding: 10px 14px;
           position: sticky; top: 0; z-index: 2; }
.filters label { display: flex; flex-direction: column; font-size: 11px; color: #5b6475;
                 text-transform: uppercase; letter-spacing: .03em; }
.filters select { margin-top: 3px; font-size: 13px; padding: 2px 4px; min-width: 110px; }
.kpis, figure.chart, .findings { background: #fff; border: 1px solid #e3e6eb;
                                 border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
figure.chart { margin-left: 0; margin-right: 0; }
figcaption, .caption { display: flex; align-items: baseline; justify-content: space-between; }
figcaption h2, .caption h2 { font-size: 16px; margin: 0 0 8px; }
.source { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: #7a8394; }
.note { font-size: 12.5px; color: #5b6475; margin: 8px 0 2px; line-height: 1.45; }
.follows { color: #7a8394; }
footer { font-size: 12px; color: #7a8394; margin-top: 24px; }
"""
