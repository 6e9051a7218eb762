"""Running dbt and the pipeline from tests: always in a subprocess, because dbt-duckdb keeps
the database file locked in the process that ran it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
# When, and by which run, each landing file was loaded (dq_landing_files, mart_data_freshness):
# a fact of the run, so two builds of the same files differ there and nowhere else.
LOAD_RECORD_COLUMNS = frozenset(
    {
        "first_loaded_at",
        "first_loaded_at_local",
        "loaded_invocation_id",
        "last_loaded_at",
        "last_loaded_at_local",
    }
)


def dbt_env(raw_dir: Path, db_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MW_RAW_DIR": str(raw_dir),
        "MW_DUCKDB_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
    }


def run_dbt(args: list[str], raw_dir: Path, db_path: Path) -> subprocess.CompletedProcess[str]:
    """Runs `dbt <args>` in the project; returns the finished process (check returncode)."""
    return subprocess.run(
        [DBT, *args],
        cwd=PROJECT_DIR,
        env=dbt_env(raw_dir, db_path),
        capture_output=True,
        text=True,
        check=False,
    )


def run_pipeline(raw_dir: Path, db_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Runs scripts/run_pipeline.py (per-day snapshots, then the build)."""
    return subprocess.run(
        [
            sys.executable,
            "scripts/run_pipeline.py",
            "--raw-dir",
            str(raw_dir),
            "--db",
            str(db_path),
            *extra,
        ],
        cwd=PROJECT_DIR,
        env=dbt_env(raw_dir, db_path),
        capture_output=True,
        text=True,
        check=False,
    )


def dbt_show(sql: str, db_path: Path) -> list[dict[str, Any]]:
    """The rows of an inline SQL query compiled by dbt (so project macros can be called)."""
    done = run_dbt(
        ["show", "--quiet", "--output", "json", "--limit", "10000", "--inline", sql],
        raw_dir=PROJECT_DIR / "seeds" / "raw",
        db_path=db_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout[done.stdout.index("{") :])["show"]


def unit_tests_in_yaml() -> set[str]:
    """The names of the dbt unit tests declared in the models' YAML."""
    names = set()
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        names |= {
            test["name"] for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])
        }
    return names


def passed_unit_tests(dbt_stdout: str) -> set[str]:
    """The unit tests a `dbt test` run printed as passed (`N of M PASS model::name ...`)."""
    return {
        line.split("::")[1].split()[0]
        for line in dbt_stdout.splitlines()
        if " PASS " in line and "::" in line
    }
