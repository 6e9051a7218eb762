"""The report of the benchmark: one markdown section per preset in docs/benchmarks.md,
rendered from a run's results and swapped in between its markers, the other presets' kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from scripts.benchmarking import PROJECT_DIR
from scripts.generate_data import PRESETS

REPORT = PROJECT_DIR / "docs" / "benchmarks.md"
REPORT_HEADER = """# Benchmarks

Measured by `scripts/benchmark.py`, one section per landing-zone preset (sizes in
`scripts/generator/presets.py`). Each run generates the preset (or reuses it), holds back the
last day of every daily table, runs `scripts/run_pipeline.py` from an empty database (the
full build: the day-by-day snapshot replay, then `dbt build` with every test), lands the
held-back day and runs it again (the daily increment). Peak memory is the largest resident
set of the runner's whole process tree (dbt and DuckDB run inside it), polled every 0.2 s.

The **scan floor** is one DuckDB query that reads every raw file once (row count and a sum
over one column of each table). No build can beat it; full build / scan floor says how many
times over the build pays for reading its input.

DuckDB runs with the settings of `profiles.yml`: threads 2, memory_limit 6GB (5.5 GiB),
temp_directory under the benchmark directory, max_temp_directory_size 40GB (overridable with
`MW_DUCKDB_THREADS`, `MW_DUCKDB_MEMORY_LIMIT`, `MW_DUCKDB_TEMP_DIR`, `MW_DUCKDB_MAX_TEMP_SIZE`).
"""


def gib(b: int) -> str:
    return f"{b / 2**30:.2f} GiB"


def _secs(s: float | None) -> str:
    if s is None:
        return "–"
    return f"{s:,.0f} s" if s >= 100 else f"{s:.1f} s"


def render_section(r: dict[str, Any]) -> str:
    """The markdown section of one preset."""
    preset, m = r["preset"], r["machine"]
    lines = [
        f"## `{preset}`: {r['days']} days, {r['contacts']:,} contacts",
        "",
        f"Measured {r['date']} at commit `{r.get('commit', 'unknown')}` on {m['cores']} cores, {m['memory_gib']} GiB ({m['cpu']}); Python {m['python']}, "
        f"DuckDB {m['duckdb']}, dbt-core {m['dbt_core']}, dbt-duckdb {m['dbt_duckdb']}. Load average "
        f"(1 min) at the start {r.get('load_start', '?')}, at the end {r.get('load_end', '?')}: other "
        "processes shared the cores when it is above 2. Reproduce:",
        "",
        "```bash",
        r["command"],
        "```",
        "",
    ]
    gen = r.get("generation_seconds")
    lines += [
        f"Landing zone: {r['total_rows']:,} rows in {r['total_files']:,} files, "
        f"{r['total_bytes'] / 2**20:,.0f} MiB"
        + (
            f" (generated in {_secs(gen)}{', earlier' if r.get('data_reused') else ''})."
            if gen is not None
            else " (reused)."
        ),
        "",
    ]
    lines += ["| raw table | rows | files | MiB |", "|---|---:|---:|---:|"]
    for folder, c in r["rows"].items():
        lines.append(f"| `{folder}` | {c['rows']:,} | {c['files']:,} | {c['bytes'] / 2**20:,.1f} |")
    lines.append("")
    full, inc = r["full"], r.get("increment")
    lines += ["| run | wall time | peak memory | notes |", "|---|---:|---:|---|"]
    fp = full.get("phases", {})
    if fp.get("one_pass"):
        note = (
            f"parse, checks and the contact history of {fp.get('snapshot_days', 0)} export days in one "
            f"pass {_secs(fp.get('snapshot_seconds'))}, final `dbt build` {_secs(fp.get('final_build_seconds'))}"
        )
    else:
        note = (
            f"parse, checks and {fp.get('snapshot_days', 0)} daily snapshots {_secs(fp.get('snapshot_seconds'))} "
            f"(median {_secs(fp.get('snapshot_day_seconds', {}).get('median'))} a day, "
            f"slowest {_secs(fp.get('snapshot_day_seconds', {}).get('max'))}), "
            f"final `dbt build` {_secs(fp.get('final_build_seconds'))}"
        )
    status = (
        ""
        if full["returncode"] == 0
        else (
            " **stopped (timeout)**"
            if full.get("timed_out")
            else f" **failed (exit {full['returncode']})**"
        )
    )
    if full["returncode"] != 0 and not fp.get("snapshot_days"):
        note = "did not reach the first daily snapshot"
    if full.get("timed_out") and full.get("running_when_stopped"):
        node = full["running_when_stopped"]
        note = (
            f"stopped at {full.get('stopped_at')} while `{node['node']}` ran (started {node['started']}); "
            + note
        )
    lines.append(
        f"| full build from empty{status} | {_secs(full['seconds'])} | {gib(full['peak_rss_bytes'])} "
        f"| {note} |"
    )
    if inc:
        ip = inc.get("phases", {})
        status = "" if inc["returncode"] == 0 else f" **failed (exit {inc['returncode']})**"
        lines.append(
            f"| one more day (increment){status} | {_secs(inc['seconds'])} | "
            f"{gib(inc['peak_rss_bytes'])} | {ip.get('snapshot_days', 0)} snapshot(s), final `dbt build` "
            f"{_secs(ip.get('final_build_seconds'))}; snapshot max export_date "
            f"{inc.get('snapshot_max_export_date')} |"
        )
    lines += [
        f"| scan floor (read every raw file once) | {_secs(r['scan_floor_seconds'])} | | "
        f"full build = {r['full']['seconds'] / r['scan_floor_seconds']:,.0f}x the scan floor |",
        "",
    ]
    if r.get("dashboard_bytes"):
        lines += [
            f"Dashboard page (serving/dashboard.html, embedded aggregates and inlined scripts): "
            f"{r['dashboard_bytes'] / 2**20:.2f} MiB (limit 5 MB).",
            "",
        ]
    if r.get("build_seconds_by_type"):
        kinds = ", ".join(f"{k} {_secs(v)}" for k, v in r["build_seconds_by_type"].items())
        lines += [
            f"Final `dbt build` of the full run, summed execution time per node type: {kinds}.",
            "",
        ]
    if r.get("slowest_models"):
        lines += [
            "Ten slowest models of the full run's final `dbt build`:",
            "",
            "| model | seconds |",
            "|---|---:|",
        ]
        lines += [f"| `{s['model']}` | {s['seconds']:.1f} |" for s in r["slowest_models"]]
        lines.append("")
    if r.get("slowest_tests"):
        lines += [
            "Slowest data tests: "
            + ", ".join(f"`{s['model']}` {s['seconds']:.1f} s" for s in r["slowest_tests"])
            + ".",
            "",
        ]
    if r.get("notes"):
        lines += [r["notes"], ""]
    return "\n".join(lines)


def update_report(report: Path, preset: str, section: str) -> None:
    """Replace (or append) the preset's section, keeping the others; sections in PRESETS order."""
    text = report.read_text() if report.exists() else REPORT_HEADER
    start, end = f"<!-- preset:{preset}:start -->", f"<!-- preset:{preset}:end -->"
    block = f"{start}\n{section.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        # insert before the first section of a later preset, to keep PRESETS order
        order = list(PRESETS)
        later = [
            p for p in order[order.index(preset) + 1 :] if f"<!-- preset:{p}:start -->" in text
        ]
        if later:
            at = text.index(f"<!-- preset:{later[0]}:start -->")
            text = text[:at] + block + "\n\n" + text[at:]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)
