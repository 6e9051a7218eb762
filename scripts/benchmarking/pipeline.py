"""Runs scripts/run_pipeline.py on a landing zone as a measured subprocess, with the
environment of a benchmark (its own database, dbt target and logs, DuckDB temp directory)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from scripts.benchmarking import PROJECT_DIR
from scripts.benchmarking.measure import Measured, run_measured
from scripts.benchmarking.run_records import phases, unfinished_node


def pipeline_env(landing: Path, db: Path, work: Path) -> dict[str, str]:
    """The runner's environment: this landing zone and database, dbt's files under work."""
    return {
        **os.environ,
        "MW_RAW_DIR": str(landing),
        "MW_DUCKDB_PATH": str(db),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(work / "dbt_target"),
        "DBT_LOG_PATH": str(work / "dbt_logs"),
        "MW_DUCKDB_TEMP_DIR": os.environ.get("MW_DUCKDB_TEMP_DIR", str(work / "duckdb_tmp")),
        "PYTHONUNBUFFERED": "1",
        # Synthetic presets are measured for speed: a data-quality error on them (a
        # tiny preset's thin days) must not stop the run it times.
        "MW_DQ_ERROR_SEVERITY": "warn",
    }


def run_pipeline(landing: Path, db: Path, work: Path, log: Path, timeout: float | None) -> Measured:
    """One measured run of scripts/run_pipeline.py on the landing zone."""
    cmd = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "run_pipeline.py"),
        "--raw-dir",
        str(landing),
        "--db",
        str(db),
    ]
    return run_measured(cmd, pipeline_env(landing, db, work), log, timeout)


def run_measured_pipeline(
    landing: Path, db: Path, work: Path, log: Path, timeout: float | None
) -> dict[str, Any]:
    """One measured run, as the results record it: time, memory, exit, phases, log."""
    m = run_pipeline(landing, db, work, log, timeout)
    out = {
        "seconds": round(m.seconds, 2),
        "peak_rss_bytes": m.peak_rss_bytes,
        "returncode": m.returncode,
        "timed_out": m.timed_out,
        "phases": phases(work / "dbt_target" / "pipeline_run.json"),
        "log": str(log),
        "stopped_at": time.strftime("%H:%M:%S"),
    }
    if m.timed_out:
        out["running_when_stopped"] = unfinished_node(work / "dbt_logs" / "dbt.log")
    return out
