"""A BI-like reader of the serving copy, run as its own process by the tests while the
warehouse is rebuilt and republished.

Each read checks one invariant that a half-swapped or half-written serving copy breaks:
the marts read through ONE connection (or from ONE resolved parquet directory) have
exactly the row counts and checksums that the manifest read in that same snapshot lists,
and every listed mart is there. It also reports what it measured, so the test can check
that every read equals the old or the new publication as a whole.

Usage: python serving_reader.py SERVING_DIR LOG_FILE STOP_FILE [--hold]
  loops until STOP_FILE exists (or 10 minutes), appending one JSON line per read to
  LOG_FILE; with --hold it keeps one connection to serving.duckdb open the whole time
  (a client with a pooled connection) instead of reconnecting for every read.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import duckdb

CHECKSUM = "select count(*), coalesce(sum(hash(served)), 0) from {} as served"
MAX_SECONDS = 600


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def measure_duckdb(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Reads the manifest and every mart through one connection (one snapshot)."""
    listed = connection.execute(
        "select mart, row_count, cast(row_checksum as varchar), version"
        " from meta.serving_manifest order by mart"
    ).fetchall()
    measured, mismatches = {}, []
    for mart, rows, checksum, _ in listed:
        count, total = connection.execute(CHECKSUM.format(f"main.{quote(mart)}")).fetchone()
        measured[mart] = [int(count), str(total)]
        if measured[mart] != [int(rows), checksum]:
            mismatches.append(f"{mart}: read {measured[mart]}, manifest {[rows, checksum]}")
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
    unlisted = sorted(
        name
        for name in present
        if name.startswith(("dim_", "fct_", "mart_", "dq_", "metricflow_")) and name not in measured
    )
    if unlisted:
        mismatches.append(f"marts not in the manifest: {unlisted}")
    versions = {version for *_, version in listed}
    return {
        "kind": "duckdb",
        "version": ",".join(sorted(versions)),
        "measured": measured,
        "mismatches": mismatches,
    }


def read_duckdb(database: Path) -> dict[str, Any]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return measure_duckdb(connection)
    finally:
        connection.close()


def read_parquet(link: Path) -> dict[str, Any]:
    """Resolves the `parquet` link ONCE, then reads the manifest and every file of that
    version directory."""
    directory = Path(os.path.realpath(link))
    manifest = json.loads((directory / "manifest.json").read_text())
    connection = duckdb.connect()
    try:
        measured, mismatches = {}, []
        for mart, entry in sorted(manifest["marts"].items()):
            path = str(directory / entry["file"]).replace("'", "''")
            count, total = connection.execute(CHECKSUM.format(f"read_parquet('{path}')")).fetchone()
            measured[mart] = [int(count), str(total)]
            if measured[mart] != [entry["rows"], entry["checksum"]]:
                mismatches.append(
                    f"{mart}: read {measured[mart]}, manifest {[entry['rows'], entry['checksum']]}"
                )
        files = {path.name for path in directory.glob("*.parquet")}
        unlisted = sorted(files - {entry["file"] for entry in manifest["marts"].values()})
        if unlisted:
            mismatches.append(f"files not in the manifest: {unlisted}")
    finally:
        connection.close()
    return {
        "kind": "parquet",
        "version": manifest["version"],
        "directory": directory.name,
        "measured": measured,
        "mismatches": mismatches,
    }


def observe(kind: str, read: Any) -> dict[str, Any]:
    started = time.time()
    try:
        result = read()
    except Exception:
        result = {"kind": kind, "error": traceback.format_exc(limit=3)}
    result["kind"], result["at"] = kind, started
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    serving_dir, log_file, stop_file = (Path(arg) for arg in args[:3])
    hold = "--hold" in args
    deadline = time.time() + MAX_SECONDS
    held = duckdb.connect(str(serving_dir / "serving.duckdb"), read_only=True) if hold else None
    with open(log_file, "a") as log:
        while not stop_file.exists() and time.time() < deadline:
            if held is not None:
                observations = [observe("held", lambda: measure_duckdb(held))]
            else:
                observations = [
                    observe("duckdb", lambda: read_duckdb(serving_dir / "serving.duckdb")),
                    observe("parquet", lambda: read_parquet(serving_dir / "parquet")),
                ]
            for observation in observations:
                log.write(json.dumps(observation) + "\n")
            log.flush()
            time.sleep(0.05)
    if held is not None:
        held.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
