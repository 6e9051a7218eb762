"""What a pipeline run left behind, read after it: the runner's phases (pipeline_run.json),
the dbt node still running when it was stopped (dbt.log), dbt's node timings
(run_results.json) and the newest day of the contacts snapshot."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any


def phases(run_record: Path) -> dict[str, Any]:
    """Where the runner's time went, from the steps it records (scripts/run_pipeline.py,
    pipeline_run.json): the contact history (parse, checks, snapshot inputs and the snapshots,
    day by day or in one pass), then the final build with its tests, and publishing."""
    steps = json.loads(run_record.read_text())["steps"] if run_record.exists() else []
    snapshots = [step for step in steps if step["phase"] in ("snapshot_day", "snapshot_bulk_load")]
    final = [step for step in steps if step["phase"] in ("test_history", "build", "publish")]
    history = [step for step in steps if step not in final]
    out: dict[str, Any] = {
        "snapshot_days": sum(int(step.get("days", 0)) for step in snapshots),
        "one_pass": any(step["phase"] == "snapshot_bulk_load" for step in snapshots),
        "snapshot_seconds": round(sum(step["seconds"] for step in history), 2),
        "final_build_seconds": round(sum(step["seconds"] for step in final), 2),
        "seconds_by_phase": {
            phase: round(sum(s["seconds"] for s in steps if s["phase"] == phase), 2)
            for phase in dict.fromkeys(step["phase"] for step in steps)
        },
    }
    daily = [step["seconds"] for step in snapshots if step["phase"] == "snapshot_day"]
    if daily:
        out["snapshot_day_seconds"] = {
            "first": daily[0],
            "last": daily[-1],
            "median": sorted(daily)[len(daily) // 2],
            "max": max(daily),
        }
    return out


DBT_LOG_LINE = re.compile(
    r"^\x1b\[0m(\d\d:\d\d:\d\d)\.\d+ \[info \] \[[^\]]*\]: \d+ of \d+ "
    r"(START|OK created) .*? (?:model|snapshot|seed) ([\w.]+) "
)


def unfinished_node(dbt_log: Path) -> dict[str, str] | None:
    """The dbt node that was started last and never finished (for a run that was stopped)."""
    if not dbt_log.exists():
        return None
    open_nodes: dict[str, str] = {}
    for line in dbt_log.read_text(errors="replace").splitlines():
        m = DBT_LOG_LINE.match(line)
        if m:
            if m[2] == "START":
                open_nodes[m[3]] = m[1]
            else:
                open_nodes.pop(m[3], None)
    if not open_nodes:
        return None
    node, started = list(open_nodes.items())[-1]
    return {"node": node, "started": started}


def slowest_models(
    run_results: Path, n: int | None = 10, kind: str = "model"
) -> list[dict[str, Any]]:
    """The n (None: all) slowest nodes of a kind (model, test, snapshot) of the final `dbt build`
    (run_results.json of the runner's last dbt invocation)."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text())["results"]
    # unique_id: <kind>.<package>.<name>, and a hash after it for a generic test
    models = [
        {
            "model": r["unique_id"].split(".")[2],
            "seconds": round(float(r["execution_time"]), 2),
            "status": r["status"],
        }
        for r in results
        if r["unique_id"].startswith(f"{kind}.")
    ]
    return sorted(models, key=lambda r: -r["seconds"])[:n]


def build_seconds_by_type(run_results: Path) -> dict[str, float]:
    """Summed execution time of the final build per resource type (model, test, snapshot, seed)."""
    if not run_results.exists():
        return {}
    out: dict[str, float] = {}
    for r in json.loads(run_results.read_text())["results"]:
        kind = r["unique_id"].split(".")[0]
        out[kind] = out.get(kind, 0.0) + float(r["execution_time"])
    return {k: round(v, 1) for k, v in sorted(out.items())}


def snapshot_max_export_date(db: Path) -> dt.date | None:
    """The newest export day in the contacts snapshot of the warehouse."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select max(export_date) from snapshots.snp_crm__contacts").fetchone()
        assert row is not None  # an aggregate: always one row
        return row[0]
