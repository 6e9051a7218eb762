"""The benchmark (scripts/benchmark.py) end to end on the tiny preset, and its report file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scripts import benchmark  # noqa: E402
from scripts.contract import TABLES  # noqa: E402
from scripts.generator.presets import PRESETS  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One benchmark run of the tiny preset into a temporary directory."""
    root = tmp_path_factory.mktemp("bench")
    opts = benchmark.Options(
        preset="tiny",
        work=root / "work",
        report=root / "benchmarks.md",
        command="python scripts/benchmark.py --preset tiny",
    )
    return root, benchmark.run(opts)


def rows_by_reading(raw: Path) -> dict[str, int]:
    """Rows per raw table, reading every file in full with pyarrow."""
    return {
        t.folder: sum(pq.read_table(p).num_rows for p in (raw / t.folder).glob("*.parquet"))
        for t in TABLES
    }


def test_both_runs_succeed(tiny: tuple[Path, dict[str, Any]]) -> None:
    root, result = tiny
    assert result["full"]["returncode"] == 0, result["full"]["log"]
    assert result["increment"]["returncode"] == 0, result["increment"]["log"]
    assert result["full"]["peak_rss_bytes"] > 50 * 2**20  # dbt + DuckDB were seen in memory
    page = root / "work" / "serving" / "dashboard.html"
    assert result["dashboard_bytes"] == page.stat().st_size < 5 * 10**6


def test_report_has_the_row_counts_of_every_raw_table(tiny: tuple[Path, dict[str, Any]]) -> None:
    root, result = tiny
    counted = rows_by_reading(root / "work" / "data" / "raw")
    assert set(counted) == {t.folder for t in TABLES} and sum(counted.values()) > 0, counted
    assert {folder: c["rows"] for folder, c in result["rows"].items()} == counted
    assert result["scan_floor_rows"] == counted
    report = (root / "benchmarks.md").read_text()
    for folder, n in counted.items():
        assert f"| `{folder}` | {n:,} |" in report
    assert report.count("<!-- preset:tiny:start -->") == 1
    assert f"{sum(counted.values()):,} rows" in report


def test_the_full_build_stops_a_day_short_and_the_increment_lands_it(
    tiny: tuple[Path, dict[str, Any]],
) -> None:
    root, result = tiny
    days = PRESETS["tiny"].days
    contacts = sorted((root / "work" / "data" / "raw" / "crm" / "contacts").glob("*.parquet"))
    last = dt.date.fromisoformat(contacts[-1].stem.split("_")[-1])
    assert len(contacts) == days
    assert result["full"]["phases"]["snapshot_days"] == days - 1
    # the runner redoes the last snapshotted day (a no-op), then the new one
    assert result["increment"]["phases"]["snapshot_days"] == 2
    assert result["increment"]["snapshot_max_export_date"] == last.isoformat()
    with duckdb.connect(str(root / "work" / "warehouse.duckdb"), read_only=True) as con:
        got = con.execute(
            "select max(export_date), count(distinct export_date) from snapshots.snp_crm__contacts"
        ).fetchone()
    assert got == (last, days)
    landed = {
        p.relative_to(root / "work" / "landing")
        for p in (root / "work" / "landing").rglob("*.parquet")
    }
    raw = {
        p.relative_to(root / "work" / "data" / "raw")
        for p in (root / "work" / "data" / "raw").rglob("*.parquet")
    }
    assert landed == raw


def test_slowest_models_come_from_the_final_build(tiny: tuple[Path, dict[str, Any]]) -> None:
    _, result = tiny
    slowest = result["slowest_models"]
    assert len(slowest) == 10
    assert [s["seconds"] for s in slowest] == sorted((s["seconds"] for s in slowest), reverse=True)
    assert "fct_email_sends" in {s["model"] for s in result["slowest_models_all"]}


def test_a_second_run_reuses_the_landing_zone(tiny: tuple[Path, dict[str, Any]]) -> None:
    root, _ = tiny
    marker = root / "work" / "data" / "PRESET.json"
    before = marker.stat().st_mtime_ns
    assert (
        benchmark.ensure_data(root / "work" / "data", "tiny", {}, regenerate=False, progress=False)
        is None
    )
    assert marker.stat().st_mtime_ns == before


def test_report_sections_are_replaced_one_preset_at_a_time(tmp_path: Path) -> None:
    report = tmp_path / "b.md"
    benchmark.update_report(report, "m", "## m\n\nfirst m")
    benchmark.update_report(report, "demo", "## demo\n\nfirst demo")
    benchmark.update_report(report, "m", "## m\n\nsecond m")
    text = report.read_text()
    assert "second m" in text and "first m" not in text and "first demo" in text
    assert text.index("## demo") < text.index("## m")  # presets in their declared order
    assert text.startswith("# Benchmarks")


def test_tree_rss_counts_children(tmp_path: Path) -> None:
    """A child that holds ~200 MB shows in the measured peak of its parent's tree."""
    code = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(200 * 2**20); b[::4096] = b\"x\" * len(b[::4096]); time.sleep(1.5)'])"
    )
    measured = benchmark.run_measured(
        [sys.executable, "-c", code], env={}, log_path=tmp_path / "log.txt"
    )
    assert measured.returncode == 0
    assert measured.peak_rss_bytes > 200 * 2**20
