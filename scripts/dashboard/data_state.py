"""The state of the data, at the top of the page: when it was last loaded, the newest landed
day of each feed (mart_data_freshness), the status counts of the latest day's checks, and the
open errors and warnings and the acknowledged findings of every day (mart_data_quality),
whose counts link to a table of those findings further down the page."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb

# Findings listed per group (open errors, open warnings, acknowledged), newest first; the
# rest are counted, so the page's size stays bounded however long the history.
FINDINGS_SHOWN = 100
FINDING_GROUPS = [
    ("dq-open-errors", "open errors", "Open errors"),
    ("dq-open-warnings", "open warnings", "Open warnings"),
    ("dq-acknowledged", "acknowledged", "Acknowledged"),
]

STYLE = """
.dq { margin: 12px 0; padding: 9px 14px; border-radius: 8px; font-size: 13px;
      border: 1px solid #e3e6eb; background: #fff; }
.dq-ok { border-left: 5px solid #2ca02c; }
.dq-warn { border-left: 5px solid #e6a117; }
.dq-bad { border-left: 5px solid #d62728; }
.dq p { margin: 0 0 4px; }
.dq ul { margin: 6px 0 0; padding-left: 18px; }
.dq .scope { color: #7a8394; }
.dq a, .findings a { color: inherit; }
#data-quality, .findings, .findings tbody, .findings tr { scroll-margin-top: 96px; }
.dq-table { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
.findings .dq-table { width: 100%; }
.dq-table .day { white-space: nowrap; }
.dq-table th, .dq-table td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top;
                             border-bottom: 1px solid #eef0f3; }
.dq-table th { color: #5b6475; font-weight: 600; }
.dq-table tr.group th { padding-top: 10px; color: #1f2430; }
.dq-table .file { font: 11px ui-monospace, "DejaVu Sans Mono", monospace; color: #5b6475;
                  word-break: break-all; }
"""

LATEST_CHECKS_SQL = """
    select check_name, check_scope, value, threshold, status, day
    from mart_data_quality
    qualify day = max(day) over ()
    order by case status when 'error' then 0 when 'warn' then 1 when 'no_data' then 2 else 3 end,
             check_name, check_scope"""

# Results that were not `pass` over the last 30 days of checks, by status.
HISTORY_SQL = """
    select status, count(*) as results, count(distinct check_name) as checks
    from mart_data_quality
    where status <> 'pass' and day > (select max(day) from mart_data_quality) - 30
    group by status
    order by status"""

FINDING_COLUMNS = {"is_acknowledged", "source_file", "value_ci_low", "blocks_publish"}

FEEDS_SQL = """
    select table_name, cadence, allowed_lag_days, files, newest_file_day, lag_days,
           freshness_status, last_loaded_at, landing_zone_day, open_errors, open_warnings,
           acknowledged_findings
    from mart_data_freshness
    order by table_name"""

# The groups as mart_data_freshness counts them, over every scope (not only the feeds').
FINDINGS_SQL = f"""
    with grouped as (
        select *,
               case when is_acknowledged then 'acknowledged'
                    when status = 'error' then 'open errors'
                    when status = 'warn' then 'open warnings' end as finding_group
        from mart_data_quality
    ),

    ranked as (
        select *,
               count(*) over (partition by finding_group) as group_size,
               row_number() over (
                   partition by finding_group order by day desc, check_name, check_scope
               ) as group_rank
        from grouped
        where finding_group is not null
    )

    select finding_group, group_size, day, check_name, check_scope, source_file, numerator,
           denominator, value, value_ci_low, value_ci_high, direction, threshold,
           error_threshold, status, acknowledged_by, acknowledgement_reason, blocks_publish
    from ranked
    where group_rank <= {FINDINGS_SHOWN}
    order by finding_group, group_rank"""


@dataclass
class DataState:
    """What the banner and the findings table show."""

    latest_checks: list[dict[str, Any]]
    history: list[tuple[str, int, int]]
    feeds: list[dict[str, Any]]
    # None: the serving copy's mart_data_quality predates the acknowledgement columns.
    findings: list[dict[str, Any]] | None

    @property
    def latest_day(self) -> str | None:
        return str(self.latest_checks[0]["day"]) if self.latest_checks else None

    def group_size(self, group: str) -> int:
        return next(
            (
                int(row["group_size"])
                for row in self.findings or []
                if row["finding_group"] == group
            ),
            0,
        )


def records(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def columns_of(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        str(row[0])
        for row in connection.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'main' and table_name = ?",
            [table],
        ).fetchall()
    }


def read_state(connection: duckdb.DuckDBPyConnection) -> DataState:
    """The data state of an open serving copy; an older copy without mart_data_freshness
    or the acknowledgement columns of mart_data_quality shows what it has."""
    history = [
        (str(status), int(results), int(checks))
        for status, results, checks in connection.execute(HISTORY_SQL).fetchall()
    ]
    return DataState(
        records(connection, LATEST_CHECKS_SQL),
        history,
        records(connection, FEEDS_SQL) if columns_of(connection, "mart_data_freshness") else [],
        records(connection, FINDINGS_SQL)
        if FINDING_COLUMNS <= columns_of(connection, "mart_data_quality")
        else None,
    )


def text(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def utc(moment: Any) -> str:
    # mart_data_freshness keeps load times as naive UTC timestamps
    if isinstance(moment, dt.datetime):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return text(moment) or "—"


def landed_summary(feeds: list[dict[str, Any]]) -> str:
    """The newest landed day of the feeds in one line: the day most share, then the others."""
    days = Counter(str(feed["newest_file_day"]) for feed in feeds)
    common, count = days.most_common(1)[0]
    behind = [feed for feed in feeds if str(feed["newest_file_day"]) != common]
    others = "; ".join(
        f"{text(feed['table_name'])} {text(feed['newest_file_day'])}"
        + (f" ({feed['lag_days']} days behind)" if feed["lag_days"] else "")
        for feed in behind
    )
    share = f"all {count} feeds" if not behind else f"{count} of {len(feeds)} feeds"
    return f"{text(common)} in {share}" + (f"; {others}" if others else "")


def feed_of(scope: Any) -> str:
    """The landing-zone table of a check scope (`crm/leads.email` -> `crm/leads`)."""
    return str(scope or "").split(".", 1)[0]


def row_id(anchor: str, index: int) -> str:
    return f"{anchor}-{index + 1}"


def feed_link(state: DataState, feed: str, anchor: str, group: str, count: Any) -> str:
    """A feed's count, linked to its newest finding of the group (else to the group)."""
    if not count or state.findings is None:
        return text(count)
    rows = [row for row in state.findings if row["finding_group"] == group]
    index = next((i for i, row in enumerate(rows) if feed_of(row["check_scope"]) == feed), None)
    target = anchor if index is None else row_id(anchor, index)
    return f'<a href="#{target}">{text(count)}</a>'


def feeds_table(state: DataState) -> str:
    head = "".join(
        f"<th>{label}</th>"
        for label in (
            "feed",
            "latest landed day",
            "lag (allowed), days",
            "freshness",
            "last loaded",
            "files",
            "open errors",
            "open warnings",
            "acknowledged",
        )
    )
    columns = ["open_errors", "open_warnings", "acknowledged_findings"]
    body = "".join(
        f'<tr data-feed="{text(feed["table_name"])}"><td>{text(feed["table_name"])}</td>'
        f'<td class="day">{text(feed["newest_file_day"])}</td>'
        f"<td>{text(feed['lag_days'])} ({text(feed['allowed_lag_days'])})</td>"
        f"<td>{text(feed['freshness_status'])}</td><td>{utc(feed['last_loaded_at'])}</td>"
        f"<td>{text(feed['files'])}</td>"
        + "".join(
            f"<td>{feed_link(state, feed['table_name'], anchor, group, feed[column])}</td>"
            for (anchor, group, _), column in zip(FINDING_GROUPS, columns)
        )
        + "</tr>"
        for feed in state.feeds
    )
    return (
        f'<table class="dq-table" id="dq-feeds"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def banner(state: DataState) -> str:
    if not state.latest_checks:
        return '<section class="dq dq-none">No data-quality checks in this serving copy.</section>'
    counts = Counter(str(row["status"]) for row in state.latest_checks)
    level = "bad" if counts.get("error") else "warn" if counts.get("warn") else "ok"
    summary = " · ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    findings = (
        "Findings of every day: "
        + " · ".join(
            f'<a href="#{anchor}" data-group="{group}">{state.group_size(group)} {group}</a>'
            for anchor, group, _ in FINDING_GROUPS
        )
        + ". "
        if state.findings is not None
        else ""
    )
    history = ", ".join(
        f"{results} {html.escape(status)} results of {checks} checks"
        for status, results, checks in state.history
    )
    loaded = ""
    feeds = ""
    if state.feeds:
        last = max(
            (feed["last_loaded_at"] for feed in state.feeds if feed["last_loaded_at"]),
            default=None,
        )
        loaded = (
            f'<p><b>Data last loaded <span id="dq-loaded">{utc(last)}</span>.</b> '
            f"Latest landed day: {landed_summary(state.feeds)}.</p>"
        )
        feeds = (
            f"<details><summary>Each feed: latest landed day, lag, last load, open findings"
            f"</summary>{feeds_table(state)}</details>"
        )
    flagged = [row for row in state.latest_checks if row["status"] != "pass"]
    items = "".join(
        f"<li><b>{text(row['status'])}</b> {text(row['check_name'])}"
        f' <span class="scope">{text(row["check_scope"])}</span>'
        + (
            f" — {row['value']:.4g} (threshold {row['threshold']:.4g})"
            if row["value"] is not None and row["threshold"] is not None
            else ""
        )
        + "</li>"
        for row in flagged[:12]
    )
    more = f"<li>… and {len(flagged) - 12} more</li>" if len(flagged) > 12 else ""
    details = (
        f"<details><summary>Not passing on that day: {len(flagged)}</summary>"
        f"<ul>{items}{more}</ul></details>"
        if flagged
        else ""
    )
    return (
        f'<section class="dq dq-{level}" id="data-quality" data-status="{level}">'
        f"{loaded}<p><b>Data quality on {text(state.latest_day)}:</b> {summary}. "
        f"{findings}"
        f"Last 30 days: {history or 'every result passed'}. "
        f'<span class="source">mart_data_freshness, mart_data_quality</span></p>'
        f"{feeds}{details}</section>"
    )


def number(value: Any) -> str:
    if value is None:
        return "—"
    # counts and roubles in full (442,800), shares and ratios to 4 significant digits
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def figures(row: dict[str, Any]) -> str:
    """numerator / denominator = value (interval), and the thresholds it is judged against."""
    shown = f"{number(row['numerator'])} / {number(row['denominator'])} = {number(row['value'])}"
    if row["value_ci_low"] is not None and row["value_ci_high"] is not None:
        shown += f" (CI {number(row['value_ci_low'])}–{number(row['value_ci_high'])})"
    side = "<" if row["direction"] == "min" else ">"
    limits = [
        f"{name} {side} {number(row[column])}"
        for name, column in (("warn", "threshold"), ("error", "error_threshold"))
        if row[column] is not None
    ]
    return html.escape(shown + ("; " + ", ".join(limits) if limits else ""))


def acknowledgement(row: dict[str, Any]) -> str:
    if row["finding_group"] != "acknowledged":
        return "blocks publishing" if row["blocks_publish"] else "—"
    return f"by {text(row['acknowledged_by'])}: {text(row['acknowledgement_reason'])}"


def findings_section(state: DataState) -> str:
    """The findings the banner counts, a table body per group, each the anchor of its count."""
    if state.findings is None:
        return ""
    head = "".join(
        f"<th>{label}</th>"
        for label in (
            "check",
            "table (scope)",
            "day",
            "file",
            "figures",
            "status",
            "acknowledgement",
        )
    )
    bodies = []
    for anchor, group, title in FINDING_GROUPS:
        rows = [row for row in state.findings if row["finding_group"] == group]
        size = state.group_size(group)
        shown = f", the newest {len(rows)} shown" if size > len(rows) else ""
        cells = "".join(
            f'<tr id="{row_id(anchor, index)}"><td>{text(row["check_name"])}</td>'
            f"<td>{text(row['check_scope'])}</td>"
            f'<td class="day">{text(row["day"])}</td>'
            f'<td class="file">{text(row["source_file"]) or "—"}</td><td>{figures(row)}</td>'
            f"<td>{text(row['status'])}</td><td>{acknowledgement(row)}</td></tr>"
            for index, row in enumerate(rows)
        )
        bodies.append(
            f'<tbody id="{anchor}" data-group="{group}"><tr class="group">'
            f'<th colspan="7">{title}: {size}{shown}</th></tr>{cells}</tbody>'
        )
    return (
        '<section class="findings" id="dq-findings"><div class="caption">'
        '<h2>Data-quality findings</h2><span class="source">mart_data_quality</span></div>'
        '<p class="note">The warnings and errors of every day\'s checks that nobody '
        "acknowledged, then the findings accepted in the seed <code>dq_acknowledged</code>. "
        "A share breaches a threshold only when its whole 95% Wilson interval lies beyond "
        f'it. <a href="#data-quality">Back to the banner</a>.</p>'
        f'<table class="dq-table"><thead><tr>{head}</tr></thead>{"".join(bodies)}</table>'
        "</section>"
    )
