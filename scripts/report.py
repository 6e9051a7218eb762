"""Renders the overview report: one self-contained HTML page drawn from the serving copy.

The page needs no network and no library: every chart is inline SVG drawn here, the CSS
and the few lines of JavaScript are inline too. Hovering a mark shows its exact numbers.
Rates are re-aggregated from their numerators and denominators (never averaged), with 95%
Wilson intervals. The script at the end of the page counts, per chart, the marks the
browser laid out with a real size and writes the count to the chart's `data-rendered`
attribute; the tests compare it with `data-expected-marks`.

Usage: python scripts/report.py [--serving-db PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import math
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from scripts.publish_serving import Publication

PROJECT_DIR = Path(__file__).resolve().parents[1]
REPORT_NAME = "report.html"
WIDTH = 1040
Z95 = 1.959963984540054
REFERENCE_MODEL = "last_click"

SEGMENT_ORDER = ["new", "active", "at_risk", "churned", "deleted", "unknown", "not_yet_known"]
SEGMENT_COLORS = {
    "new": "#1f77b4", "active": "#2ca02c", "at_risk": "#e6a117", "churned": "#d62728",
    "deleted": "#555555", "unknown": "#9e9e9e", "not_yet_known": "#c7c7c7",
}
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac"]
FUNNEL_LEVELS = [("leads", "Leads"), ("qualified", "Qualified"), ("meetings", "Meetings"),
                 ("bookings", "Bookings"), ("payments", "Payments"), ("won", "Won")]
GRAIN_ORDER = [("month", "Month"), ("quarter", "Quarter"), ("half_year", "Half-year")]
STATUS_COLORS = {"pass": "#2ca02c", "ok": "#2ca02c", "warn": "#e6a117", "warning": "#e6a117",
                 "fail": "#d62728", "error": "#d62728"}


# ---------------------------------------------------------------- formatting and SVG bits

def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def fmt_int(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def fmt_num(value: float | None) -> str:
    """A count that attribution may have split into fractions."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def fmt_rub(value: float | None) -> str:
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{value / 1e6:,.2f} M₽"
    if magnitude >= 1e3:
        return f"{value / 1e3:,.1f} k₽"
    return f"{value:,.0f} ₽"


def fmt_axis_rub(value: float) -> str:
    """A round axis value: 500 ₽, 2 k₽, 10 M₽."""
    for divisor, unit in ((1e6, "M₽"), (1e3, "k₽"), (1.0, "₽")):
        if value >= divisor:
            return f"{value / divisor:g} {unit}"
    return f"{value:g} ₽"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None (never infinite) on a zero or missing denominator."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def wilson(successes: float, trials: float) -> tuple[float, float] | None:
    """95% Wilson interval of a proportion; None when it is not a proportion."""
    if trials <= 0 or successes < 0 or successes > trials:
        return None
    share = successes / trials
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z95 * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials)) \
        / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def text(x: float, y: float, label: str, anchor: str = "start", css: str = "",
         size: int | None = None) -> str:
    style = f' font-size="{size}"' if size else ""
    klass = f' class="{css}"' if css else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{style}>'
            f"{esc(label)}</text>")


def svg(height: float, body: Iterable[str], label: str) -> str:
    return (f'<svg viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%" role="img" '
            f'aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(body) + "</svg>")


def figure(chart_id: str, title: str, source: str, chart: str, marks: int,
           note: str = "") -> str:
    """A chart: its title, the marts it reads, the SVG and how to read it. `marks` is how
    many `.mark` elements the SVG holds; the page's script checks the browser drew them."""
    return (f'<figure class="chart" id="{chart_id}" data-expected-marks="{marks}">'
            f"<figcaption><h2>{esc(title)}</h2><span class=\"source\">{source}</span>"
            f"</figcaption>{chart}"
            + (f'<p class="note">{note}</p>' if note else "") + "</figure>")


def empty(message: str) -> str:
    return svg(40, [text(10, 25, message, css="muted")], message)


def heat_color(value: float, low: float, high: float) -> str:
    """Green (low) to amber to red (high) on a log scale between low and high."""
    if value <= 0:
        share = 0.0
    else:
        share = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    share = min(1.0, max(0.0, share))
    stops = [(0.0, (44, 160, 44)), (0.5, (237, 201, 72)), (1.0, (214, 39, 40))]
    for (left, left_rgb), (right, right_rgb) in zip(stops, stops[1:]):
        if share <= right:
            part = (share - left) / (right - left)
            rgb = [round(a + (b - a) * part) for a, b in zip(left_rgb, right_rgb)]
            return "#" + "".join(f"{channel:02x}" for channel in rgb)
    return "#d62728"


# ---------------------------------------------------------------- data access

@dataclass
class Serving:
    connection: duckdb.DuckDBPyConnection

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql, list(parameters))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def has(self, relation: str) -> bool:
        return bool(self.connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'main' and table_name = ?", [relation]).fetchone()[0])

    def columns(self, relation: str) -> set[str]:
        return {name for (name,) in self.connection.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'main' and table_name = ?", [relation]).fetchall()}


# ---------------------------------------------------------------- the sections

def kpis(serving: Serving) -> tuple[str, str]:
    email = serving.rows("""
        select sum(sent) as sent, sum(delivered) as delivered, sum(unique_opens) as opens,
               sum(unique_clicks) as clicks, sum(registrations) as registrations,
               min(sent_date) as first_day, max(sent_date) as last_day
        from mart_email_funnel""")[0]
    paid = serving.rows("""
        select sum(spend_rub) as spend, sum(leads) as leads, sum(won) as won,
               sum(revenue_rub) as revenue
        from mart_channel_performance where model = ?""", [REFERENCE_MODEL])[0]
    tiles = [
        ("Sends", fmt_int(email["sent"]),
         f"{fmt_pct(ratio(email['delivered'], email['sent']))} delivered"),
        ("Open rate", fmt_pct(ratio(email["opens"], email["delivered"])),
         "unique opens / delivered"),
        ("CTR", fmt_pct(ratio(email["clicks"], email["delivered"])), "unique clicks / delivered"),
        ("Registrations", fmt_int(email["registrations"]), "webinar, from email"),
        ("Leads", fmt_num(paid["leads"]), f"{fmt_num(paid['won'])} won"),
        ("Revenue", fmt_rub(paid["revenue"]), "won deals"),
        ("Spend", fmt_rub(paid["spend"]), "paid + email"),
        ("DRR", fmt_pct(ratio(paid["spend"], paid["revenue"])), "spend / revenue"),
    ]
    body = "".join(f'<div class="kpi"><div class="kpi-label">{esc(label)}</div>'
                   f'<div class="kpi-value">{esc(value)}</div>'
                   f'<div class="kpi-sub">{esc(sub)}</div></div>' for label, value, sub in tiles)
    period = f"{email['first_day']} – {email['last_day']}" if email["first_day"] else "no sends"
    return f'<section class="kpis" aria-label="Key figures">{body}</section>', period


def email_funnel(serving: Serving) -> str:
    rows = serving.rows("""
        select email_type, segment_at_send, sum(sent) as sent, sum(delivered) as delivered,
               sum(unique_opens) as opens, sum(unique_clicks) as clicks,
               sum(registrations) as registrations, sum(unsubscribes) as unsubscribes
        from mart_email_funnel group by all""")
    if not rows:
        return figure("email-funnel", "Email funnel by email type × segment at send",
                      "mart_email_funnel", empty("No sends yet."), 0)
    metrics = [("opens", "delivered", "Open rate"), ("clicks", "delivered", "CTR"),
               ("registrations", "delivered", "Registration rate"),
               ("unsubscribes", "delivered", "Unsubscribe rate")]
    segment_rank = {name: rank for rank, name in enumerate(SEGMENT_ORDER)}
    rows.sort(key=lambda row: (row["email_type"], segment_rank.get(row["segment_at_send"], 99),
                               row["segment_at_send"]))
    for row in rows:
        for numerator, denominator, _ in metrics:
            row[f"{numerator}_rate"] = ratio(row[numerator], row[denominator])
            row[f"{numerator}_ci"] = wilson(row[numerator], row[denominator])
    # Each metric column has its own scale, wide enough for every row's interval.
    scales = {}
    for numerator, _, _ in metrics:
        highs = [row[f"{numerator}_ci"][1] if row[f"{numerator}_ci"]
                 else row[f"{numerator}_rate"] or 0 for row in rows]
        scales[numerator] = max(highs + [1e-9])
    max_sent = max(row["sent"] for row in rows)
    sent_x, sent_w, col_x0, col_w, gap = 160, 110, 345, 160, 14
    row_h, head_h, top = 22, 26, 40
    out, marks, y = [], 0, top
    out.append(text(sent_x, 18, "Sends", css="colhead"))
    for index, (_, _, title) in enumerate(metrics):
        out.append(text(col_x0 + index * (col_w + gap), 18, title, css="colhead"))
    out.append(text(col_x0, 33, "bar = rate, whisker = 95% Wilson interval, "
                               "each column on its own scale", css="muted", size=11))
    current_type = None
    for row in rows:
        if row["email_type"] != current_type:
            current_type = row["email_type"]
            y += 6
            out.append(f'<line x1="0" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" class="rule"/>')
            out.append(text(0, y + 18, current_type.replace("_", " "), css="group"))
            y += head_h
        mid = y + row_h / 2
        segment = row["segment_at_send"]
        color = SEGMENT_COLORS.get(segment, "#888888")
        out.append(f'<circle cx="14" cy="{mid:.1f}" r="5" fill="{color}"/>')
        out.append(text(26, mid + 4, segment))
        width = sent_w * row["sent"] / max_sent
        out.append(
            f'<g class="mark"><title>{esc(current_type)} · {esc(segment)}: '
            f'{fmt_int(row["sent"])} sends, {fmt_int(row["delivered"])} delivered</title>'
            f'<rect x="{sent_x}" y="{mid - 6:.1f}" width="{width:.1f}" height="12" fill="#9aa7b8"/>'
            + text(sent_x + width + 4, mid + 4, fmt_int(row["sent"]), size=11) + "</g>")
        marks += 1
        for index, (numerator, denominator, title) in enumerate(metrics):
            x0 = col_x0 + index * (col_w + gap)
            plot_w = col_w - 50
            rate, interval = row[f"{numerator}_rate"], row[f"{numerator}_ci"]
            scale = plot_w / scales[numerator]
            bar = f'<rect x="{x0}" y="{mid - 6:.1f}" width="{(rate or 0) * scale:.1f}" ' \
                  f'height="12" fill="{color}" opacity="0.85"/>'
            whisker = ""
            if interval:
                low, high = x0 + interval[0] * scale, x0 + interval[1] * scale
                whisker = (f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{mid:.1f}" y2="{mid:.1f}" '
                           f'class="whisker"/><line x1="{low:.1f}" x2="{low:.1f}" '
                           f'y1="{mid - 4:.1f}" y2="{mid + 4:.1f}" class="whisker"/>'
                           f'<line x1="{high:.1f}" x2="{high:.1f}" y1="{mid - 4:.1f}" '
                           f'y2="{mid + 4:.1f}" class="whisker"/>')
            interval_text = (f"95% CI {fmt_pct(interval[0])} – {fmt_pct(interval[1])}"
                             if interval else "no interval (not a proportion)")
            out.append(
                f'<g class="mark"><title>{esc(current_type)} · {esc(segment)} — {esc(title)}: '
                f'{fmt_pct(rate, 2)} ({fmt_int(row[numerator])} / {fmt_int(row[denominator])}), '
                f'{interval_text}</title>{bar}{whisker}'
                + text(x0 + plot_w + 7, mid + 4, fmt_pct(rate), size=11) + "</g>")
            marks += 1
        y += row_h
    chart = svg(y + 8, out, "Email funnel by email type and segment at send")
    note = ("Rates are re-aggregated over all days, campaigns, brands and specialties: "
            "sum of numerators over sum of denominators. A wide whisker means few sends: "
            "a difference inside it is noise.")
    return figure("email-funnel", "Email funnel by email type × segment at send",
                  "mart_email_funnel", chart, marks, note)


def segment_flow(serving: Serving) -> str:
    rows = serving.rows("""
        select segment_at_send, segment_after, sum(sends) as sends, max(flow_days) as days
        from mart_segment_flow group by all having sum(sends) > 0""")
    title = "Segment flow: segment at send → segment after the send"
    if not rows:
        return figure("segment-flow", title, "mart_segment_flow", empty("No sends yet."), 0)
    days = max(row["days"] for row in rows)
    rank = {name: index for index, name in enumerate(SEGMENT_ORDER)}

    def ordered(names: Iterable[str]) -> list[str]:
        return sorted(set(names), key=lambda name: (rank.get(name, 99), name))

    left = ordered(row["segment_at_send"] for row in rows)
    right = ordered(row["segment_after"] for row in rows)
    left_total = defaultdict(float)
    right_total = defaultdict(float)
    for row in rows:
        left_total[row["segment_at_send"]] += row["sends"]
        right_total[row["segment_after"]] += row["sends"]
    total = sum(left_total.values())
    top, height, pad, min_h = 30, 420, 14, 2.0
    scale = (height - pad * (max(len(left), len(right)) - 1)) / total
    node_w, x_left, x_right = 16, 200, WIDTH - 200 - 16

    def layout(names: list[str], totals: dict[str, float]) -> dict[str, tuple[float, float]]:
        positions, y = {}, top
        for name in names:
            h = max(totals[name] * scale, min_h)
            positions[name] = (y, h)
            y += h + pad
        return positions

    left_pos, right_pos = layout(left, left_total), layout(right, right_total)
    out, marks = [], 0
    out.append(text(x_left + node_w / 2, 18, "segment at send", anchor="middle", css="colhead"))
    out.append(text(x_right + node_w / 2, 18, f"segment {days} days later", anchor="middle",
                    css="colhead"))
    left_offset = {name: left_pos[name][0] for name in left}
    right_offset = {name: right_pos[name][0] for name in right}
    # Bands leave each left node in the order of their targets and enter each right node in
    # the order of their sources, so bands cross as little as possible.
    by_left = sorted(rows, key=lambda row: (left.index(row["segment_at_send"]),
                                            right.index(row["segment_after"])))
    starts = {}
    for row in by_left:
        thickness = max(row["sends"] * scale, 1.0)
        starts[(row["segment_at_send"], row["segment_after"])] = left_offset[row["segment_at_send"]]
        left_offset[row["segment_at_send"]] += thickness
    by_right = sorted(rows, key=lambda row: (right.index(row["segment_after"]),
                                             left.index(row["segment_at_send"])))
    for row in by_right:
        source, target = row["segment_at_send"], row["segment_after"]
        thickness = max(row["sends"] * scale, 1.0)
        y0, y1 = starts[(source, target)], right_offset[target]
        right_offset[target] += thickness
        x0, x1 = x_left + node_w, x_right
        xm = (x0 + x1) / 2
        path = (f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
                f"L{x1:.1f},{y1 + thickness:.1f} C{xm:.1f},{y1 + thickness:.1f} "
                f"{xm:.1f},{y0 + thickness:.1f} {x0:.1f},{y0 + thickness:.1f} Z")
        share = row["sends"] / left_total[source]
        color = SEGMENT_COLORS.get(source, "#888888")
        out.append(f'<path class="mark flow" d="{path}" fill="{color}">'
                   f"<title>{esc(source)} → {esc(target)}: {fmt_int(row['sends'])} sends "
                   f"({fmt_pct(share)} of {esc(source)})</title></path>")
        marks += 1
    for names, positions, x, totals, side in ((left, left_pos, x_left, left_total, "left"),
                                              (right, right_pos, x_right, right_total, "right")):
        for name in names:
            y, h = positions[name]
            color = SEGMENT_COLORS.get(name, "#888888")
            out.append(f'<rect class="mark" x="{x}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
                       f'fill="{color}"><title>{esc(name)}: {fmt_int(totals[name])} sends '
                       f"({fmt_pct(totals[name] / total)})</title></rect>")
            marks += 1
            label = f"{name}  {fmt_int(totals[name])} ({fmt_pct(totals[name] / total, 0)})"
            if side == "left":
                out.append(text(x - 8, y + h / 2 + 4, label, anchor="end"))
            else:
                out.append(text(x + node_w + 8, y + h / 2 + 4, label))
    bottom = max(y + h for y, h in [*left_pos.values(), *right_pos.values()])
    chart = svg(bottom + 10, out, title)
    note = (f"Band width = sends (a contact counts once per campaign sent to it), summed over "
            f"all campaigns. <em>not_yet_known</em>: the {days}-day horizon is after the newest "
            "contacts export. Hover a band for its share of the segment.")
    return figure("segment-flow", title, "mart_segment_flow", chart, marks, note)


def attribution_comparison(serving: Serving) -> str:
    rows = serving.rows("""
        select channel, sum(leads_last_click) as leads_last, sum(leads_linear) as leads_linear,
               sum(revenue_last_click) as revenue_last, sum(revenue_linear) as revenue_linear
        from mart_attribution_comparison group by all
        order by sum(leads_last_click) desc, channel""")
    title = "Last click vs linear attribution by channel"
    if not rows:
        return figure("attribution", title, "mart_attribution_comparison",
                      empty("No leads yet."), 0)
    panels = [("Leads", "leads_last", "leads_linear", fmt_num),
              ("Revenue", "revenue_last", "revenue_linear", fmt_rub)]
    label_w, panel_w, gap, top, row_h = 130, 400, 40, 44, 30
    out, marks = [], 0
    legend_y = 14
    out.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="12" height="10" fill="#4e79a7"/>')
    out.append(text(label_w + 16, legend_y, "last click"))
    out.append(f'<rect x="{label_w + 100}" y="{legend_y - 9}" width="12" height="10" '
               f'fill="#a0cbe8"/>')
    out.append(text(label_w + 116, legend_y, "linear"))
    for index, (panel, last_key, linear_key, fmt) in enumerate(panels):
        x0 = label_w + index * (panel_w + gap)
        out.append(text(x0, 36, panel, css="colhead"))
        peak = max([row[last_key] or 0 for row in rows] + [row[linear_key] or 0 for row in rows]
                   + [1e-9])
        plot_w = panel_w - 110
        for number, row in enumerate(rows):
            y = top + number * row_h
            if index == 0:
                out.append(text(label_w - 8, y + 15, row["channel"], anchor="end"))
            for offset, key, color, model in ((0, last_key, "#4e79a7", "last click"),
                                              (11, linear_key, "#a0cbe8", "linear")):
                value = row[key] or 0
                width = plot_w * value / peak
                out.append(f'<g class="mark"><title>{esc(row["channel"])} — {panel.lower()} '
                           f'under {model}: {fmt(value)}</title>'
                           f'<rect x="{x0}" y="{y + offset:.1f}" width="{width:.1f}" height="10" '
                           f'fill="{color}"/>'
                           + text(x0 + width + 4, y + offset + 9, fmt(value), size=10) + "</g>")
                marks += 1
            difference = (row[linear_key] or 0) - (row[last_key] or 0)
            sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
            css = "up" if difference > 0 else ("down" if difference < 0 else "muted")
            out.append(text(x0 + panel_w - 4, y + 15, f"{sign}{fmt(abs(difference))}",
                            anchor="end", css=css, size=11))
    chart = svg(top + len(rows) * row_h + 6, out, title)
    note = ("Totals over all months and campaigns. The signed figure is linear − last click: "
            "positive where a channel assists more than it closes (it is in many paths but "
            "rarely last). <em>(none)</em>: leads without any touch in their window.")
    return figure("attribution", title, "mart_attribution_comparison", chart, marks, note)


def cpl_by_level(serving: Serving) -> str:
    level_sums = ", ".join(f"sum({level}) as {level}" for level, _ in FUNNEL_LEVELS)
    rows = serving.rows(f"""
        select channel, sum(spend_rub) as spend, {level_sums}
        from mart_channel_performance where model = ? group by all
        having sum(spend_rub) > 0 order by sum(spend_rub) desc, channel""", [REFERENCE_MODEL])
    title = "Cost per funnel level by channel"
    source = f"mart_channel_performance · model {REFERENCE_MODEL}"
    if not rows:
        return figure("cpl", title, source, empty("No spend yet."), 0)
    points = {row["channel"]: [ratio(row["spend"], row[level]) for level, _ in FUNNEL_LEVELS]
              for row in rows}
    values = [value for series in points.values() for value in series if value]
    if not values:
        return figure("cpl", title, source, empty("Spend, but no lead yet: no CPL."), 0)
    low, high = min(values), max(values)
    low_exp, high_exp = math.floor(math.log10(low)), math.ceil(math.log10(high))
    left, right, top, plot_h = 80, 250, 20, 360
    plot_w = WIDTH - left - right
    step = plot_w / (len(FUNNEL_LEVELS) - 1)

    def y_of(value: float) -> float:
        share = (math.log10(value) - low_exp) / (high_exp - low_exp)
        return top + plot_h * (1 - share)

    out, marks = [], 0
    for exponent in range(low_exp, high_exp + 1):
        for multiple in (1, 2, 5):
            value = multiple * 10 ** exponent
            if value > 10 ** high_exp:
                continue
            y = y_of(value)
            css = "grid" if multiple == 1 else "grid minor"
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'class="{css}"/>')
            out.append(text(left - 8, y + 4, fmt_axis_rub(value), anchor="end", css="muted",
                            size=11))
    for index, (_, label) in enumerate(FUNNEL_LEVELS):
        out.append(text(left + index * step, top + plot_h + 20, label, anchor="middle",
                        css="colhead"))
    labels = []
    for number, row in enumerate(rows):
        channel, series = row["channel"], points[row["channel"]]
        color = PALETTE[number % len(PALETTE)]
        coordinates = [(left + index * step, y_of(value), value, index)
                       for index, value in enumerate(series) if value]
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
                        for i, (x, y, _, _) in enumerate(coordinates))
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2.2"/>')
        for x, y, value, index in coordinates:
            level = FUNNEL_LEVELS[index][0]
            out.append(f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{color}">'
                       f"<title>{esc(channel)} — cost per {level}: {fmt_rub(value)} "
                       f"({fmt_rub(row['spend'])} / {fmt_num(row[level])})</title></circle>")
            marks += 1
        if coordinates:
            x, y, _, _ = coordinates[-1]
            labels.append([y, channel, color, fmt_rub(row["spend"])])
    # End labels, right of the plot, pushed apart so that none overlap.
    labels.sort()
    for index in range(1, len(labels)):
        labels[index][0] = max(labels[index][0], labels[index - 1][0] + 15)
    for y, channel, color, spend in labels:
        out.append(f'<rect x="{left + plot_w + 14}" y="{y - 9:.1f}" width="10" height="10" '
                   f'fill="{color}"/>')
        out.append(text(left + plot_w + 30, y, f"{channel}  (spend {spend})"))
    bottom = max(top + plot_h + 30, max((label[0] for label in labels), default=0) + 10)
    chart = svg(bottom, out, title)
    note = (f"Spend over the number of leads reaching each level, all months together, "
            f"levels credited by the {REFERENCE_MODEL.replace('_', ' ')} model (the other "
            "models are in the mart). Log scale. A missing point: nothing reached that level. "
            "Channels without spend (direct, organic, referral) have no CPL.")
    return figure("cpl", title, source, chart, marks, note)


def drr_by_period(serving: Serving) -> str:
    rows = serving.rows("""
        select period_grain, period, channel, sum(spend_rub) as spend,
               sum(revenue_rub) as revenue
        from mart_drr_by_period where model = ? group by all""", [REFERENCE_MODEL])
    title = "DRR (spend / revenue) by month, quarter and half-year"
    source = f"mart_drr_by_period · model {REFERENCE_MODEL}"
    if not rows:
        return figure("drr", title, source, empty("No spend or revenue yet."), 0)
    columns = [(grain, label, period)
               for grain, label in GRAIN_ORDER
               for period in sorted({row["period"] for row in rows
                                     if row["period_grain"] == grain})]
    spend_by_channel = defaultdict(float)
    cells: dict[tuple[str, str, dt.date], tuple[float, float]] = {}
    totals: dict[tuple[str, dt.date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        spend, revenue = row["spend"] or 0.0, row["revenue"] or 0.0
        cells[(row["channel"], row["period_grain"], row["period"])] = (spend, revenue)
        totals[(row["period_grain"], row["period"])][0] += spend
        totals[(row["period_grain"], row["period"])][1] += revenue
        if row["period_grain"] == "month":
            spend_by_channel[row["channel"]] += spend
    channels = sorted((name for name, spend in spend_by_channel.items() if spend > 0),
                      key=lambda name: -spend_by_channel[name])
    label_w, top, cell_h, group_gap = 150, 44, 30, 16
    cell_w = min(96, (WIDTH - label_w - group_gap * (len(GRAIN_ORDER) - 1)) / len(columns))
    out, marks = [], 0
    x_of = {}
    x = label_w
    for grain, label in GRAIN_ORDER:
        periods = [column for column in columns if column[0] == grain]
        if not periods:
            continue
        out.append(text(x, 16, label, css="colhead"))
        for column in periods:
            x_of[(column[0], column[2])] = x
            out.append(text(x + cell_w / 2, 36, period_label(grain, column[2]), anchor="middle",
                            css="muted", size=11))
            x += cell_w
        x += group_gap
    lines = [("All channels", None)] + [(name, name) for name in channels]
    for number, (label, channel) in enumerate(lines):
        y = top + number * cell_h
        out.append(text(label_w - 10, y + cell_h / 2 + 4, label, anchor="end",
                        css="strong" if channel is None else ""))
        for grain, _, period in columns:
            spend, revenue = (totals[(grain, period)] if channel is None
                              else cells.get((channel, grain, period), (0.0, 0.0)))
            drr = ratio(spend, revenue)
            x0 = x_of[(grain, period)]
            fill = "#eeeeee" if drr is None else heat_color(drr, 0.05, 3.0)
            shown = "no revenue" if drr is None else fmt_pct(drr, 0 if drr >= 1 else 1)
            # Spend without revenue has no DRR (never infinite), but it is not "nothing".
            in_cell = shown if drr is not None else ("no rev." if spend > 0 else "—")
            out.append(f'<g class="mark"><title>{esc(label)}, {period_label(grain, period)}: '
                       f'DRR {shown} — spend {fmt_rub(spend)}, revenue {fmt_rub(revenue)}</title>'
                       f'<rect x="{x0 + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" '
                       f'height="{cell_h - 2}" rx="3" fill="{fill}"/>'
                       + text(x0 + cell_w / 2, y + cell_h / 2 + 4,
                              in_cell, anchor="middle",
                              css="cell" if drr is not None else "muted", size=11) + "</g>")
            marks += 1
        if channel is None:
            out.append(f'<line x1="{label_w}" x2="{x - group_gap}" y1="{y + cell_h + 1}" '
                       f'y2="{y + cell_h + 1}" class="rule"/>')
    bottom = top + len(lines) * cell_h
    legend_y = bottom + 22
    for index, value in enumerate([0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0]):
        lx = label_w + index * 70
        out.append(f'<rect x="{lx}" y="{legend_y - 11}" width="18" height="14" rx="2" '
                   f'fill="{heat_color(value, 0.05, 3.0)}"/>')
        out.append(text(lx + 22, legend_y, ("≥" if value == 3.0 else "") + fmt_pct(value, 0),
                        size=11, css="muted"))
    chart = svg(legend_y + 10, out, title)
    note = ("DRR (ДРР) = spend / revenue × 100, each period's own ratio (never an average of "
            "its months). Revenue counts in the month the lead was created, credited by "
            f"{REFERENCE_MODEL.replace('_', ' ')}; grey: no revenue in that period, so no DRR "
            "(<em>no rev.</em>: spend without revenue). Channels with spend only.")
    return figure("drr", title, source, chart, marks, note)


def period_label(grain: str, period: dt.date) -> str:
    if grain == "month":
        return period.strftime("%b %Y")
    if grain == "quarter":
        return f"Q{(period.month - 1) // 3 + 1} {period.year}"
    return f"H{1 if period.month <= 6 else 2} {period.year}"


DATA_QUALITY_COLUMNS = {"day", "check_name", "numerator", "denominator", "value", "threshold",
                        "status"}


def data_quality(serving: Serving) -> str:
    """mart_data_quality when the build has it (day × check with a status); otherwise the
    row accounting and rejected rows every build has."""
    problem = ""
    if serving.has("mart_data_quality"):
        missing = DATA_QUALITY_COLUMNS - serving.columns("mart_data_quality")
        if not missing:
            try:
                return data_quality_checks(serving)
            except duckdb.Error as error:
                problem = f"mart_data_quality could not be read ({error}); "
        else:
            problem = f"mart_data_quality lacks {', '.join(sorted(missing))}; "
    return row_accounting(serving, problem)


def data_quality_checks(serving: Serving) -> str:
    # One row per check and day: where a check has several scopes (tables, columns), the
    # scope in the worst state speaks for it, and the tooltip names it.
    scope = ("check_scope" if "check_scope" in serving.columns("mart_data_quality")
             else "cast(null as varchar)")
    rows = serving.rows(f"""
        select day, check_name, numerator, denominator, value, threshold, status, scope
        from (
            select day, check_name, numerator, denominator, value, threshold,
                   lower(cast(status as varchar)) as status, {scope} as scope,
                   row_number() over (
                       partition by day, check_name
                       order by case lower(cast(status as varchar))
                           when 'error' then 0 when 'fail' then 0 when 'warn' then 1
                           when 'pass' then 2 else 3 end, {scope}
                   ) as severity_rank
            from mart_data_quality
        ) as checks
        where severity_rank = 1
        order by check_name, day""")
    title = "Data-quality checks"
    if not rows:
        return figure("data-quality", title, "mart_data_quality",
                      empty("No data-quality results yet."), 0)
    days = sorted({row["day"] for row in rows})[-30:]
    by_check: dict[str, dict[Any, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        by_check[row["check_name"]][row["day"]] = row
    label_w, top, row_h, square = 250, 40, 26, 14
    strip_x, detail_x = label_w + 10, label_w + 10 + len(days) * (square + 2) + 20
    out, marks = [], 0
    out.append(text(strip_x, 18, f"status per day (last {len(days)})", css="colhead"))
    out.append(text(detail_x, 18, "latest: value / threshold", css="colhead"))
    for number, (check, results) in enumerate(sorted(by_check.items())):
        y = top + number * row_h
        out.append(text(label_w - 8, y + 11, check, anchor="end"))
        for index, day in enumerate(days):
            result = results.get(day)
            if result is None:
                continue
            color = STATUS_COLORS.get(result["status"], "#9e9e9e")
            out.append(f'<rect x="{strip_x + index * (square + 2)}" y="{y}" width="{square}" '
                       f'height="{square}" rx="2" fill="{color}"><title>{esc(check)}'
                       f'{" · " + esc(result["scope"]) if result["scope"] else ""} {day}: '
                       f'{esc(result["status"])} — {format_value(result["value"])} '
                       f'({format_value(result["numerator"])} / '
                       f'{format_value(result["denominator"])}), threshold '
                       f'{format_value(result["threshold"])}</title></rect>')
        latest = results[max(results)]
        color = STATUS_COLORS.get(latest["status"], "#9e9e9e")
        out.append(f'<g class="mark"><title>{esc(check)}, {max(results)}</title>'
                   f'<rect x="{detail_x}" y="{y}" width="52" height="16" rx="3" fill="{color}"/>'
                   + text(detail_x + 26, y + 12, latest["status"], anchor="middle", css="badge",
                          size=11)
                   + text(detail_x + 62, y + 12, f"{format_value(latest['value'])} / "
                                                 f"{format_value(latest['threshold'])}", size=12)
                   + "</g>")
        marks += 1
    chart = svg(top + len(by_check) * row_h + 6, out, title)
    failing = sum(1 for results in by_check.values()
                  if results[max(results)]["status"] in ("fail", "error"))
    note = (f"{len(by_check)} checks, {failing} failing on their latest day. Hover a square "
            "for the day's numerator, denominator and threshold.")
    return figure("data-quality", title, "mart_data_quality", chart, marks, note)


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return esc(value)


def row_accounting(serving: Serving, problem: str = "") -> str:
    title = "Data quality: where every raw row went"
    source = "dq_row_accounting · dq_rejected_rows"
    if not serving.has("dq_row_accounting"):
        return figure("data-quality", title, source,
                      empty("Neither mart_data_quality nor dq_row_accounting is published."), 0)
    rows = serving.rows("""
        select source_table, count(*) as files, sum(raw_rows) as raw, sum(staged_rows) as staged,
               sum(duplicate_rows) as duplicates, sum(rejected_rows) as rejected
        from dq_row_accounting group by all order by source_table""")
    reasons = serving.rows("""
        select source_table, reason, count(*) as rows from dq_rejected_rows
        group by all order by rows desc, source_table, reason""") \
        if serving.has("dq_rejected_rows") else []
    top, row_h = 40, 24
    columns = [("files", "files", 250), ("raw", "raw rows", 340), ("staged", "staged", 440),
               ("duplicates", "duplicates", 540), ("rejected", "rejected", 640)]
    out, marks = [], 0
    for _, label, x in columns:
        out.append(text(x, 18, label, anchor="end", css="colhead"))
    out.append(text(670, 18, "not staged, share of raw:", css="colhead"))
    out.append('<rect x="862" y="8" width="10" height="10" fill="#9aa7b8"/>')
    out.append(text(876, 18, "duplicates", size=12))
    out.append('<rect x="950" y="8" width="10" height="10" fill="#e15759"/>')
    out.append(text(964, 18, "rejected", size=12))
    peak = max([(row["duplicates"] + row["rejected"]) / row["raw"] for row in rows if row["raw"]]
               + [1e-9])
    for number, row in enumerate(rows):
        y = top + number * row_h
        balanced = row["raw"] == row["staged"] + row["duplicates"] + row["rejected"]
        out.append(text(0, y + 12, ("✓ " if balanced else "✗ ") + row["source_table"],
                        css="" if balanced else "down"))
        for key, _, x in columns:
            out.append(text(x, y + 12, fmt_int(row[key]), anchor="end", size=12))
        duplicate_w = 220 * (ratio(row["duplicates"], row["raw"]) or 0.0) / peak
        rejected_w = 220 * (ratio(row["rejected"], row["raw"]) or 0.0) / peak
        # A rejected row is never invisible: at least one pixel wide.
        rejected_w = max(rejected_w, 1.5) if row["rejected"] else 0.0
        share = ratio(row["duplicates"] + row["rejected"], row["raw"]) or 0.0
        end = 670 + duplicate_w + rejected_w
        out.append(f'<g class="mark"><title>{esc(row["source_table"])}: '
                   f'{fmt_int(row["duplicates"])} duplicates, {fmt_int(row["rejected"])} rejected '
                   f'of {fmt_int(row["raw"])} raw rows</title>'
                   f'<rect x="670" y="{y + 2}" width="{duplicate_w:.1f}" height="12" '
                   f'fill="#9aa7b8"/><rect x="{670 + duplicate_w:.1f}" y="{y + 2}" '
                   f'width="{rejected_w:.1f}" height="12" fill="#e15759"/>'
                   + text(end + 4, y + 12, "<0.01%" if 0 < share < 1e-4 else fmt_pct(share, 2),
                          size=11) + "</g>")
        marks += 1
    y = top + len(rows) * row_h + 14
    if reasons:
        out.append(text(0, y + 6, "Rejected rows by reason", css="colhead"))
        for reason in reasons[:12]:
            y += 20
            out.append(text(0, y + 6, f"{fmt_int(reason['rows'])} × {reason['source_table']}: "
                                      f"{reason['reason']}", size=12))
        if len(reasons) > 12:
            y += 20
            out.append(text(0, y + 6, f"… {len(reasons) - 12} more reasons in dq_rejected_rows",
                            css="muted", size=12))
    chart = svg(y + 16, out, title)
    note = (f"{problem}A ✓ means raw = staged + duplicates + rejected for every file of the "
            "table. Duplicates are older copies of re-exported records; rejected rows are in "
            "dq_rejected_rows with their file, row and reason.")
    return figure("data-quality", title, source, chart, marks, note)


# ---------------------------------------------------------------- the page

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       margin: 0; background: #f6f7f9; color: #1f2430; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 40px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: #5b6475; font-size: 13px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0 8px; }
.kpi { background: #fff; border-radius: 8px; padding: 12px 14px;
       box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.kpi-label { font-size: 12px; color: #5b6475; text-transform: uppercase; letter-spacing: .04em; }
.kpi-value { font-size: 24px; font-weight: 600; margin: 2px 0; }
.kpi-sub { font-size: 12px; color: #7a8394; }
figure.chart { background: #fff; border-radius: 8px; margin: 18px 0; padding: 16px 18px 10px;
               box-shadow: 0 1px 2px rgba(0,0,0,.08); }
figcaption { display: flex; justify-content: space-between; align-items: baseline; gap: 12px; }
figcaption h2 { font-size: 17px; margin: 0 0 10px; }
.source { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: #7a8394; }
.note { font-size: 12.5px; color: #5b6475; margin: 6px 0 4px; line-height: 1.45; }
svg { display: block; font-size: 13px; }
svg text { fill: #1f2430; }
svg .colhead { font-weight: 600; font-size: 12px; fill: #3a4252; }
svg .group { font-weight: 600; text-transform: capitalize; }
svg .strong { font-weight: 600; }
svg .muted { fill: #7a8394; }
svg .up { fill: #2e7d32; font-weight: 600; }
svg .down { fill: #c62828; font-weight: 600; }
svg .cell { fill: #1f2430; font-weight: 600; }
svg .badge { fill: #fff; font-weight: 600; }
svg .rule { stroke: #d5d9e0; }
svg .grid { stroke: #e3e6eb; }
svg .grid.minor { stroke: #f0f2f5; }
svg .whisker { stroke: #1f2430; stroke-width: 1.2; }
svg .flow { opacity: .42; }
svg .flow:hover { opacity: .75; }
svg .mark:hover { filter: brightness(.92); }
footer { font-size: 12px; color: #7a8394; margin-top: 24px; }
"""

# Counts, per chart, the marks the browser laid out with a real, finite size.
SCRIPT = """
(function () {
  var charts = document.querySelectorAll('figure.chart');
  var complete = 0;
  charts.forEach(function (chart) {
    var drawn = 0;
    chart.querySelectorAll('svg .mark').forEach(function (mark) {
      var box = mark.getBBox(), rect = mark.getBoundingClientRect();
      if (isFinite(box.x) && isFinite(box.y) && box.width + box.height > 0 &&
          rect.width + rect.height > 0) { drawn += 1; }
    });
    chart.setAttribute('data-rendered', String(drawn));
    if (drawn === Number(chart.getAttribute('data-expected-marks'))) { complete += 1; }
  });
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-charts-complete', String(complete));
})();
"""


def publication_info(serving: Serving) -> tuple[str, str]:
    try:
        row = serving.connection.execute(
            "select any_value(version), any_value(published_at) from meta.serving_manifest"
        ).fetchone()
    except duckdb.Error:
        return "unknown", "unknown"
    published = row[1]
    if isinstance(published, dt.datetime):
        published = published.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return str(row[0]), str(published)


def build_page(serving: Serving) -> str:
    version, published_at = publication_info(serving)
    kpi_html, period = kpis(serving)
    sections = [email_funnel(serving), segment_flow(serving), attribution_comparison(serving),
                cpl_by_level(serving), drr_by_period(serving), data_quality(serving)]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marketing warehouse — overview</title>
<style>{STYLE}</style></head>
<body><main>
<header><h1>Marketing warehouse — overview</h1>
<p>Sends {esc(period)} · serving copy version {esc(version)}, published {esc(published_at)}.
Every figure comes from the published marts; hover a mark for its numbers.</p></header>
{kpi_html}
{"".join(sections)}
<footer>Generated by scripts/report.py from serving.duckdb. Connect a BI tool to the same
serving copy for drill-downs (see the README, "Connect your BI tool").</footer>
</main><script>{SCRIPT}</script></body></html>
"""


def render_report(serving_db: Path, out: Path) -> Path:
    """Writes the report of a serving DuckDB file to `out` (atomically: aside, then
    renamed) and returns its path."""
    connection = duckdb.connect(str(serving_db), read_only=True)
    try:
        connection.execute("set timezone = 'UTC'")
        page = build_page(Serving(connection))
    finally:
        connection.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    aside = out.with_name(f".{out.name}.partial")
    aside.write_text(page, encoding="utf-8")
    os.replace(aside, out)
    return out


def render_after_publish(publication: Publication) -> Path:
    """What the pipeline runner calls after publishing: the report beside the serving copy."""
    out = render_report(publication.database, publication.serving_dir / REPORT_NAME)
    print(f"report: {out} ({out.stat().st_size / 1024:.0f} KB)", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    default_db = Path(os.environ.get("MW_DUCKDB_PATH",
                                     PROJECT_DIR / "target" / "warehouse.duckdb"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serving-db", type=Path,
                        default=default_db.resolve().parent / "serving" / "serving.duckdb")
    parser.add_argument("--out", type=Path, default=None,
                        help="default: report.html beside the serving DuckDB file")
    args = parser.parse_args(argv)
    out = render_report(args.serving_db, args.out or args.serving_db.parent / REPORT_NAME)
    print(f"report: {out} ({out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
