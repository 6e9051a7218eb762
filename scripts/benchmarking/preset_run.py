"""The whole benchmark of one preset: generate or reuse the landing zone, build from empty
with the last day held back, land that day and run again (the increment), time the scan
floor, then write <dir>/benchmark.json and the preset's section of the report. And the
re-rendering of that section from an earlier run's results."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.benchmarking.environment import commit, machine
from scripts.benchmarking.landing_zone import (
    count_rows,
    data_marker,
    ensure_data,
    generation_seconds,
    land_day,
    last_day,
    stage_landing,
)
from scripts.benchmarking.pipeline import run_measured_pipeline
from scripts.benchmarking.report import render_section, update_report
from scripts.benchmarking.run_records import (
    build_seconds_by_type,
    slowest_models,
    snapshot_max_export_date,
    unfinished_node,
)
from scripts.benchmarking.scan_floor import scan_floor


@dataclass
class Options:
    preset: str
    work: Path
    report: Path
    regenerate: bool = False
    timeout_minutes: float | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    command: str = ""
    render_only: bool = False


def run(opts: Options) -> dict[str, Any]:
    """The whole benchmark of one preset; returns the results (also in <work>/benchmark.json)."""
    work = opts.work.resolve()
    data, landing, db = work / "data", work / "landing", work / "warehouse.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    load_start = round(os.getloadavg()[0], 1)
    gen_seconds = ensure_data(data, opts.preset, opts.overrides, opts.regenerate, opts.progress)
    raw = data / "raw"
    rows = count_rows(raw)
    final_day = last_day(raw)
    timeout = None if opts.timeout_minutes is None else opts.timeout_minutes * 60

    # full build from empty, the last day held back
    for path in (db, db.with_name(db.name + ".wal"), work / "dbt_target", work / "duckdb_tmp"):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    stage_landing(raw, landing, final_day - dt.timedelta(days=1))
    print(
        f"[benchmark {opts.preset}] full build from empty ({final_day - dt.timedelta(days=1)} and before)",
        flush=True,
    )
    full = run_measured_pipeline(landing, db, work, work / "full.log", timeout)
    run_results = work / "dbt_target" / "run_results.json"
    result: dict[str, Any] = {
        "preset": opts.preset,
        "days": data_marker(opts.preset, opts.overrides)["days"],
        "contacts": data_marker(opts.preset, opts.overrides)["contacts"],
        "date": dt.date.today().isoformat(),
        "commit": commit(),
        "machine": machine(),
        "command": opts.command,
        "generation_seconds": gen_seconds if gen_seconds is not None else generation_seconds(data),
        "data_reused": gen_seconds is None,
        "rows": rows,
        "load_start": load_start,
        "total_rows": sum(c["rows"] for c in rows.values()),
        "total_files": sum(c["files"] for c in rows.values()),
        "total_bytes": sum(c["bytes"] for c in rows.values()),
        "last_day": final_day.isoformat(),
        "full": full,
        "slowest_models": slowest_models(run_results) if full["returncode"] == 0 else [],
        "slowest_models_all": slowest_models(run_results, None) if full["returncode"] == 0 else [],
        "slowest_tests": slowest_models(run_results, 3, "test") if full["returncode"] == 0 else [],
        "build_seconds_by_type": build_seconds_by_type(run_results)
        if full["returncode"] == 0
        else {},
    }
    if full["returncode"] == 0:
        shutil.copy2(run_results, work / "run_results_full.json")
        land_day(raw, landing, final_day)
        print(f"[benchmark {opts.preset}] increment: landing {final_day}", flush=True)
        inc = run_measured_pipeline(landing, db, work, work / "increment.log", timeout)
        if inc["returncode"] == 0:
            inc["snapshot_max_export_date"] = str(snapshot_max_export_date(db))
        result["increment"] = inc
    page = db.parent / "serving" / "dashboard.html"
    result["dashboard_bytes"] = page.stat().st_size if page.exists() else None
    print(f"[benchmark {opts.preset}] scan floor", flush=True)
    result["scan_floor_seconds"], result["scan_floor_rows"] = scan_floor(
        raw, threads=os.cpu_count() or 1
    )
    result["load_end"] = round(os.getloadavg()[0], 1)
    (work / "benchmark.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    update_report(opts.report, opts.preset, render_section(result))
    return result


def rerender(opts: Options) -> dict[str, Any]:
    """Rewrite the preset's report section from the saved results (and run_results) of an earlier run."""
    work = opts.work.resolve()
    result = json.loads((work / "benchmark.json").read_text())
    full_results = work / "run_results_full.json"
    if full_results.exists():
        result["slowest_models"] = slowest_models(full_results)
        result["slowest_tests"] = slowest_models(full_results, 3, "test")
        result["build_seconds_by_type"] = build_seconds_by_type(full_results)
    if result.get("generation_seconds") is None:
        result["generation_seconds"] = generation_seconds(work / "data")
    if result["full"].get("timed_out") and not result["full"].get("running_when_stopped"):
        result["full"]["running_when_stopped"] = unfinished_node(work / "dbt_logs" / "dbt.log")
    (work / "benchmark.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    update_report(opts.report, opts.preset, render_section(result))
    return result
