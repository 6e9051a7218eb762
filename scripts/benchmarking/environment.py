"""What a benchmark was measured on: the commit and the machine (cores, memory, CPU, and
the versions of Python, DuckDB, dbt-core and dbt-duckdb)."""

from __future__ import annotations

import os
import platform
import subprocess
from typing import Any

from scripts.benchmarking import PROJECT_DIR


def commit() -> str:
    """The commit measured: HEAD's short hash, with `+changes` when the work tree differs."""
    head = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        or "unknown"
    )
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return head + ("+changes" if changed.strip() else "")


def machine() -> dict[str, Any]:
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu
            )
    except OSError:
        pass
    from importlib.metadata import version

    import duckdb

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt_core": version("dbt-core"),
        "dbt_duckdb": version("dbt-duckdb"),
    }
