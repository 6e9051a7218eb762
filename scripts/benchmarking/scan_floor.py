"""The scan floor: one DuckDB query that reads every raw file once (count and sum of a
column of each table), the least any build must spend reading its input."""

from __future__ import annotations

import time
from pathlib import Path

from scripts.contract import TABLES


def scan_floor_sql(raw: Path) -> str:
    """One query reading every raw table once: count(*) and the summed length of its first key column."""
    parts = []
    for t in TABLES:
        if not any((raw / t.folder).glob("*.parquet")):
            parts.append(f"select '{t.folder}' as folder, 0 as n, 0 as s")
            continue
        col = t.primary_key[0]
        expr = f"sum(length(cast({col} as varchar)))"
        parts.append(
            f"select '{t.folder}' as folder, count(*) as n, {expr} as s "
            f"from read_parquet('{raw / t.folder}/*.parquet')"
        )
    return "\nunion all\n".join(parts)


def scan_floor(raw: Path, threads: int, repeats: int = 3) -> tuple[float, dict[str, int]]:
    """Best wall time of `repeats` runs of the scan-floor query (warm file cache), and its row counts."""
    import duckdb

    sql = scan_floor_sql(raw)
    best, counts = float("inf"), {}
    for _ in range(repeats):
        con = duckdb.connect()
        con.execute(f"set threads = {threads}")
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - started)
        counts = {r[0]: int(r[1]) for r in rows}
        con.close()
    return best, counts
