"""The dbt manifest the Dagster definitions are made from, parsed when missing or stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
# Apart from target/ of `make build`, so that loading the definitions never races a build.
TARGET_PATH = PROJECT_DIR / "target" / "orchestration"
MANIFEST = TARGET_PATH / "manifest.json"
SOURCES = ("models", "macros", "snapshots", "seeds", "tests/dbt")


def dbt_executable() -> str:
    """The dbt of this Python's virtualenv, else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def newest_source_mtime() -> float:
    files = [PROJECT_DIR / "dbt_project.yml", PROJECT_DIR / "profiles.yml"]
    for folder in SOURCES:
        files += [
            path
            for path in (PROJECT_DIR / folder).rglob("*")
            if path.is_file() and path.suffix in {".sql", ".yml", ".csv", ".md"}
        ]
    return max(path.stat().st_mtime for path in files)


def ensure_manifest() -> Path:
    """target/orchestration/manifest.json, from `dbt parse` when it is missing or older than
    any model, macro, snapshot, seed or test."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= newest_source_mtime():
        return MANIFEST
    env = {**os.environ, "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(PROJECT_DIR))}
    done = subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--target-path", str(TARGET_PATH)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not MANIFEST.exists():
        raise RuntimeError(f"dbt parse failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return MANIFEST
