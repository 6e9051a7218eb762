"""Benchmarks the pipeline on a generated landing zone and records the numbers in docs/benchmarks.md.

For a preset (scripts/generator/presets.py) it:

1. generates the landing zone into <dir>/data, or reuses it when <dir>/data/PRESET.json names
   the same preset and generator arguments;
2. builds a landing zone <dir>/landing of hard links to every file but the last day's, and
   runs scripts/run_pipeline.py on it from an empty database (a subprocess: wall time, and the
   peak resident memory of its whole process tree, polled with psutil);
3. links the last day's files in and runs the pipeline again: the daily increment;
4. times the scan floor: one DuckDB query that reads every raw file once (count and sum of a
   column of each table), the least any build must spend reading its input;
5. writes <dir>/benchmark.json and replaces this preset's section of the report.

Usage: python scripts/benchmark.py --preset demo|m|l|tiny [--dir DIR] [--report PATH]
                                   [--regenerate] [--timeout-minutes N]

The work is done by the package scripts/benchmarking/ (one module per step); this module is
its command line and re-exports its functions under their old names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts.benchmarking.environment import commit, machine  # noqa: E402
from scripts.benchmarking.landing_zone import (  # noqa: E402
    DAY_FILE,
    count_rows,
    data_marker,
    ensure_data,
    file_day,
    generation_seconds,
    land_day,
    last_day,
    raw_files,
    stage_landing,
)
from scripts.benchmarking.measure import Measured, run_measured, tree_rss  # noqa: E402
from scripts.benchmarking.pipeline import (  # noqa: E402
    pipeline_env,
    run_measured_pipeline,
    run_pipeline,
)
from scripts.benchmarking.preset_run import Options, rerender, run  # noqa: E402
from scripts.benchmarking.report import (  # noqa: E402
    REPORT,
    REPORT_HEADER,
    gib,
    render_section,
    update_report,
)
from scripts.benchmarking.run_records import (  # noqa: E402
    DBT_LOG_LINE,
    build_seconds_by_type,
    phases,
    slowest_models,
    snapshot_max_export_date,
    unfinished_node,
)
from scripts.benchmarking.scan_floor import scan_floor, scan_floor_sql  # noqa: E402
from scripts.generate_data import PRESETS  # noqa: E402

__all__ = [
    "DAY_FILE",
    "DBT_LOG_LINE",
    "REPORT",
    "REPORT_HEADER",
    "Measured",
    "Options",
    "build_seconds_by_type",
    "commit",
    "count_rows",
    "data_marker",
    "ensure_data",
    "file_day",
    "generation_seconds",
    "land_day",
    "last_day",
    "machine",
    "main",
    "parse_args",
    "phases",
    "pipeline_env",
    "raw_files",
    "render_section",
    "rerender",
    "run",
    "run_measured",
    "run_measured_pipeline",
    "run_pipeline",
    "scan_floor",
    "scan_floor_sql",
    "slowest_models",
    "snapshot_max_export_date",
    "stage_landing",
    "tree_rss",
    "unfinished_node",
    "update_report",
]


def parse_args(argv: list[str] | None) -> Options:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", choices=sorted(PRESETS), required=True)
    p.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="working directory (default target/benchmark/<preset>)",
    )
    p.add_argument("--report", type=Path, default=REPORT, help="markdown report to update")
    p.add_argument(
        "--regenerate", action="store_true", help="generate the landing zone even if present"
    )
    p.add_argument(
        "--timeout-minutes", type=float, default=None, help="stop a pipeline run after this long"
    )
    p.add_argument("--days", type=int, default=None, help="override the preset's days")
    p.add_argument("--contacts", type=int, default=None, help="override the preset's contacts")
    p.add_argument(
        "--render-only",
        action="store_true",
        help="only rewrite the report section from <dir>/benchmark.json of an earlier run",
    )
    a = p.parse_args(argv)
    overrides = {k: v for k, v in (("days", a.days), ("contacts", a.contacts)) if v is not None}
    command = "python scripts/benchmark.py " + " ".join(argv if argv is not None else sys.argv[1:])
    return Options(
        a.preset,
        a.dir or PROJECT_DIR / "target" / "benchmark" / a.preset,
        a.report,
        a.regenerate,
        a.timeout_minutes,
        overrides,
        progress=sys.stderr.isatty(),
        command=command.strip(),
        render_only=a.render_only,
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    result = rerender(opts) if opts.render_only else run(opts)
    full, inc = result["full"], result.get("increment", {})
    print(
        f"full build {full['seconds']:.1f} s, peak {gib(full['peak_rss_bytes'])}; "
        f"increment {inc.get('seconds', float('nan')):.1f} s, peak {gib(inc.get('peak_rss_bytes', 0))}; "
        f"scan floor {result['scan_floor_seconds']:.2f} s -> {opts.report}"
    )
    return 0 if full["returncode"] == 0 and inc.get("returncode") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
