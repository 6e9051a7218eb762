"""The serving directory's versions: one publication at a time (a lock), sortable version
names, fsync before a swap, and removing the partial files of a failed publication and the
versions no reader needs any more."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.serving_copy.layout import (
    DATABASE_VERSION_PREFIX,
    LOCK_NAME,
    PARQUET_VERSION_PREFIX,
    PARTIAL,
)

# Versions kept besides the current one, for readers that resolved the link before a swap.
KEEP_PREVIOUS_VERSIONS = 1


def fsync_path(path: Path) -> None:
    """Flushes a file or a directory entry to disk, so a crash cannot publish a torn file."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def publish_lock(serving_dir: Path) -> Iterator[None]:
    """One publication at a time per serving directory."""
    with open(serving_dir / LOCK_NAME, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_version() -> str:
    """Sortable and unique: UTC time to the microsecond."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def remove_partials(serving_dir: Path) -> None:
    """Leftovers of a publication that crashed (they were never visible to readers)."""
    for leftover in serving_dir.glob(f"*{PARTIAL}"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def remove_old_versions(serving_dir: Path, current: str) -> None:
    """The parquet directories of versions before the previous one."""
    versions = sorted(
        path.name
        for path in serving_dir.glob(PARQUET_VERSION_PREFIX + "*")
        if path.is_dir() and not path.name.endswith(PARTIAL)
    )
    keep = {current, *[name for name in versions if name < current][-KEEP_PREVIOUS_VERSIONS:]}
    for name in versions:
        if name not in keep:
            shutil.rmtree(serving_dir / name)


def remove_old_database_versions(serving_dir: Path, current: str) -> None:
    """The DuckDB files of versions before the previous one (a reader that has one open
    keeps reading it: Linux keeps a removed file alive while it is open)."""
    versions = sorted(
        path.name
        for path in serving_dir.glob(DATABASE_VERSION_PREFIX + "*.duckdb")
        if not path.is_symlink()
    )
    keep = {current, *[name for name in versions if name < current][-KEEP_PREVIOUS_VERSIONS:]}
    for name in versions:
        if name not in keep:
            (serving_dir / name).unlink()
