"""Running dbt and the pipeline from tests: always in a subprocess, because dbt-duckdb keeps
the database file locked in the process that ran it."""

from __future__ import annotations

import datetime
import decimal
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_RAW = PROJECT_DIR / "seeds" / "raw"
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


@contextmanager
def stable_paths(raw_dir: Path, db_path: Path) -> Iterator[tuple[Path, Path]]:
    """The landing zone (but the bundled one) and the warehouse's folder under one fixed path
    per pytest worker (symlinks to the test's own): both paths are in dbt's partial-parse
    state check, so every new path parsed the whole project again (about 10 s instead of
    4). The warehouse file keeps its name (DuckDB names its catalog after the file it
    resolves), and its WAL and serving copy land beside it."""
    stable = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target")).parent / "stable"
    stable.mkdir(parents=True, exist_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_folder, raw_path = stable / "warehouse", raw_dir
    links = [(db_folder, db_path.parent)]
    # Views read the landing zone by the path they were built with, and the tests read the
    # bundled one's views long after other builds: it keeps its own path.
    if raw_dir.resolve() != DEMO_RAW.resolve():
        raw_path = stable / "raw"
        links.append((raw_path, raw_dir))
    for link, target in links:
        link.unlink(missing_ok=True)
        link.symlink_to(target.resolve(), target_is_directory=True)
    yield raw_path, db_folder / db_path.name


def run_dbt(args: list[str], raw_dir: Path, db_path: Path) -> subprocess.CompletedProcess[str]:
    """Runs `dbt <args>` in the project; returns the finished process (check returncode)."""
    with stable_paths(raw_dir, db_path) as (raw_link, db_link):
        return subprocess.run(
            [DBT, *args],
            cwd=PROJECT_DIR,
            env=dbt_env(raw_link, db_link),
            capture_output=True,
            text=True,
            check=False,
        )


def pipeline_command(raw_dir: Path, db_path: Path, *extra: str) -> list[str]:
    """The runner's command line (run from PROJECT_DIR)."""
    return [
        sys.executable,
        "scripts/run_pipeline.py",
        "--raw-dir",
        str(raw_dir),
        "--db",
        str(db_path),
        *extra,
    ]


def run_pipeline(raw_dir: Path, db_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Runs scripts/run_pipeline.py (per-day snapshots, then the build)."""
    with stable_paths(raw_dir, db_path) as (raw_link, db_link):
        return subprocess.run(
            pipeline_command(raw_link, db_link, *extra),
            cwd=PROJECT_DIR,
            env=dbt_env(raw_link, db_link),
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


QUERY_MARKER = "-- query: "


def json_value(value: Any) -> Any:
    """A value as `dbt show --output json` prints it: times and days as ISO text, decimals
    as floats."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def dbt_show_many(queries: dict[str, str], db_path: Path) -> dict[str, list[dict[str, Any]]]:
    """The rows of several inline queries that read no relation, by name: dbt compiles them
    in one call (each `dbt show` pays a dbt start and a parse) and DuckDB runs them, in the
    UTC session of the project's profile."""
    text = "\n".join(f"{QUERY_MARKER}{name}\n{sql}" for name, sql in queries.items())
    done = run_dbt(
        ["compile", "--quiet", "--output", "json", "--inline", text],
        raw_dir=DEMO_RAW,
        db_path=db_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    compiled = json.loads(done.stdout[done.stdout.index("{") :])["compiled"]
    rows = {}
    with duckdb.connect() as con:
        con.execute("set timezone = 'UTC'")
        for block in compiled.split(QUERY_MARKER)[1:]:
            name, sql = block.split("\n", 1)
            cursor = con.execute(sql)
            columns = [column[0] for column in cursor.description]
            rows[name] = [
                dict(zip(columns, map(json_value, row), strict=True)) for row in cursor.fetchall()
            ]
    assert rows.keys() == queries.keys()
    return rows


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
