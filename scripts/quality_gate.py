"""The data-quality gate as the runner tells it: what is new since the last publication, and,
when the gate fails, every finding that blocks publishing and how to accept it.

Exit code of the runner: 0 means the serving copy was published from this run; 1 means
nothing was published, and the previous serving copy stays in place and readable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

ACKNOWLEDGED_SEED = "seeds/dq_acknowledged.csv"
ACKNOWLEDGED_HEADER = "check_name,check_scope,day,source_file,reason,acknowledged_by"
BLOCKING_SQL = """
    select check_name, check_scope, day, source_file, numerator, denominator, value,
        value_ci_low, value_ci_high, direction, threshold, error_threshold
    from main.mart_data_quality
    where blocks_publish
    order by check_name, check_scope, day
"""


def published_through(serving_database: Path) -> dt.datetime | None:
    """When the newest file of the last publication was first loaded (dq_landing_files of
    the serving copy), or None before the first publication: files loaded after it are the
    ones this run judges."""
    if not serving_database.exists():
        return None
    with duckdb.connect(str(serving_database), read_only=True) as connection:
        has_files = connection.execute(
            "select count(*) from duckdb_tables() where schema_name = 'main'"
            " and table_name = 'dq_landing_files'"
        ).fetchone()
        assert has_files is not None  # an aggregate: always one row
        if not has_files[0]:
            return None
        newest = connection.execute(
            "select max(first_loaded_at) from main.dq_landing_files"
        ).fetchone()
        assert newest is not None  # an aggregate: always one row
        return newest[0]


def blocking_findings(warehouse: Path) -> list[dict[str, object]]:
    """The rows of mart_data_quality that block publishing; [] when the mart was not built."""
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            cursor = connection.execute(BLOCKING_SQL)
        except duckdb.Error:  # not built, or built before the gate existed
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def figures(finding: dict[str, object]) -> str:
    """The measured value against the error threshold, with counts and interval."""
    value, threshold = finding["value"], finding["error_threshold"]
    side = "below" if finding["direction"] == "min" else "above"
    if finding["denominator"] is None:
        return f"{finding['numerator']:g}, {side} the error threshold {threshold:g}"
    interval = ""
    if finding["value_ci_low"] is not None:
        interval = f", 95% interval {finding['value_ci_low']:.4f} to {finding['value_ci_high']:.4f}"
    return (
        f"{finding['numerator']:g} of {finding['denominator']:g} = {value:.4f}{interval}, "
        f"{side} the error threshold {threshold:g}"
    )


def failure_message(findings: list[dict[str, object]], serving_dir: Path) -> str:
    """The console message of a failed gate: each finding with its check, table, day, file
    and figures, what was (not) published, and how to acknowledge."""
    lines = [
        f"Data-quality gate: {len(findings)} error(s) in what is new in this run "
        "(mart_data_quality.blocks_publish). Nothing was published; the previous "
        f"serving copy in {serving_dir} is kept and stays readable."
    ]
    for finding in findings:
        file = f", file {finding['source_file']}" if finding["source_file"] else ""
        lines.append(
            f"  - {finding['check_name']}: table {finding['check_scope']}, "
            f"day {finding['day']}{file}: {figures(finding)}"
        )
    lines += [
        "Fix the data and run again, or accept a finding: add a row to "
        f"{ACKNOWLEDGED_SEED} ({ACKNOWLEDGED_HEADER}), e.g.:"
    ]
    for finding in findings[:3]:
        lines.append(
            f"  {finding['check_name']},{finding['check_scope']},{finding['day']},,"
            "<why it is accepted>,<who>"
        )
    if any(finding["check_name"] == "landing_file_changed" for finding in findings):
        lines.append(
            "A landing_file_changed error means a file changed or vanished after it "
            "was loaded: rebuild from empty (delete the warehouse file, e.g. "
            "target/warehouse.duckdb, and run again)."
        )
    return "\n".join(lines)
