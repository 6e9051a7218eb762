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
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts.contract import TABLES  # noqa: E402
from scripts.generate_data import PRESETS, generate_preset  # noqa: E402

REPORT = PROJECT_DIR / "docs" / "benchmarks.md"
DAY_FILE = re.compile(r"^(?P<table>[a-z_]+)_(?P<day>\d{4}-\d{2}-\d{2})\.parquet$")
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


# --------------------------------------------------------------------------- measuring


@dataclass
class Measured:
    """A finished subprocess: wall seconds, peak resident bytes of its tree, exit code, output."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    output: str
    timed_out: bool = False


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 once it is gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_measured(
    cmd: list[str],
    env: dict[str, str],
    log_path: Path,
    timeout: float | None = None,
    interval: float = 0.2,
) -> Measured:
    """Run cmd, tee its output to log_path, poll the tree's memory; kill the tree on timeout."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    started = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                done.wait(interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, 9)
            proc.wait()
        seconds = time.monotonic() - started
        done.set()
        poller.join()
    return Measured(seconds, peak, proc.returncode, log_path.read_text(errors="replace"), timed_out)


# --------------------------------------------------------------------------- the landing zone


def data_marker(preset: str, overrides: dict[str, Any]) -> dict[str, Any]:
    p = PRESETS[preset]
    return {
        "preset": preset,
        "days": overrides.get("days") or p.days,
        "contacts": overrides.get("contacts") or p.contacts,
        "volumes": asdict(p.volumes),
        "seed": 42,
    }


def ensure_data(
    data_dir: Path, preset: str, overrides: dict[str, Any], regenerate: bool, progress: bool
) -> float | None:
    """Generate the preset into data_dir unless a matching one is there; return the seconds spent (None: reused)."""
    marker_path = data_dir / "PRESET.json"
    marker = data_marker(preset, overrides)
    if not regenerate and marker_path.exists() and json.loads(marker_path.read_text()) == marker:
        return None
    if marker_path.exists():
        marker_path.unlink()
    started = time.monotonic()
    generate_preset(
        data_dir,
        preset,
        days=overrides.get("days"),
        contacts=overrides.get("contacts"),
        heavy_truth=False,
        progress=progress,
    )
    seconds = time.monotonic() - started
    marker_path.write_text(json.dumps(marker, indent=2) + "\n")
    (data_dir / "GENERATION.json").write_text(json.dumps({"seconds": round(seconds, 1)}) + "\n")
    return seconds


def generation_seconds(data_dir: Path) -> float | None:
    """How long the landing zone in data_dir took to generate (recorded when it was generated)."""
    path = data_dir / "GENERATION.json"
    return json.loads(path.read_text())["seconds"] if path.exists() else None


def raw_files(raw: Path) -> dict[str, list[Path]]:
    """Daily files per table folder, sorted by name (that is, by day)."""
    return {t.folder: sorted((raw / t.folder).glob("*.parquet")) for t in TABLES}


def file_day(path: Path) -> dt.date:
    m = DAY_FILE.match(path.name)
    if not m:
        raise ValueError(f"not a daily file: {path}")
    return dt.date.fromisoformat(m["day"])


def last_day(raw: Path) -> dt.date:
    """The newest export day of the landing zone (the contacts export's)."""
    return max(file_day(p) for p in (raw / "crm" / "contacts").glob("*.parquet"))


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def stage_landing(raw: Path, landing: Path, through: dt.date) -> int:
    """A fresh landing zone of hard links to the raw files of days <= through; returns the file count."""
    if landing.exists():
        shutil.rmtree(landing)
    n = 0
    for folder, files in raw_files(raw).items():
        (landing / folder).mkdir(parents=True, exist_ok=True)
        for path in files:
            if file_day(path) <= through:
                _link(path, landing / folder / path.name)
                n += 1
    return n


def land_day(raw: Path, landing: Path, day: dt.date) -> int:
    """Link one day's files into the landing zone; returns how many."""
    n = 0
    for folder, files in raw_files(raw).items():
        for path in files:
            if file_day(path) == day:
                _link(path, landing / folder / path.name)
                n += 1
    return n


def count_rows(raw: Path) -> dict[str, dict[str, int]]:
    """Rows, files and bytes per raw table, from the parquet footers."""
    import pyarrow.parquet as pq

    out = {}
    for folder, files in raw_files(raw).items():
        out[folder] = {
            "rows": sum(pq.read_metadata(p).num_rows for p in files),
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
        }
    return out


# --------------------------------------------------------------------------- scan floor


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


# --------------------------------------------------------------------------- the pipeline


def pipeline_env(landing: Path, db: Path, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MW_RAW_DIR": str(landing),
        "MW_DUCKDB_PATH": str(db),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(work / "dbt_target"),
        "DBT_LOG_PATH": str(work / "dbt_logs"),
        "MW_DUCKDB_TEMP_DIR": os.environ.get("MW_DUCKDB_TEMP_DIR", str(work / "duckdb_tmp")),
        "PYTHONUNBUFFERED": "1",
        # Synthetic presets are measured for speed: a data-quality error on them (a
        # tiny preset's thin days) must not stop the run it times.
        "MW_DQ_ERROR_SEVERITY": "warn",
    }


def run_pipeline(landing: Path, db: Path, work: Path, log: Path, timeout: float | None) -> Measured:
    cmd = [
        sys.executable,
        str(PROJECT_DIR / "scripts" / "run_pipeline.py"),
        "--raw-dir",
        str(landing),
        "--db",
        str(db),
    ]
    return run_measured(cmd, pipeline_env(landing, db, work), log, timeout)


def phases(run_record: Path) -> dict[str, Any]:
    """Where the runner's time went, from the steps it records (scripts/run_pipeline.py,
    pipeline_run.json): the contact history (parse, checks, snapshot inputs and the snapshots,
    day by day or in one pass), then the final build with its tests, and publishing."""
    steps = json.loads(run_record.read_text())["steps"] if run_record.exists() else []
    snapshots = [step for step in steps if step["phase"] in ("snapshot_day", "snapshot_bulk_load")]
    final = [step for step in steps if step["phase"] in ("test_history", "build", "publish")]
    history = [step for step in steps if step not in final]
    out: dict[str, Any] = {
        "snapshot_days": sum(int(step.get("days", 0)) for step in snapshots),
        "one_pass": any(step["phase"] == "snapshot_bulk_load" for step in snapshots),
        "snapshot_seconds": round(sum(step["seconds"] for step in history), 2),
        "final_build_seconds": round(sum(step["seconds"] for step in final), 2),
        "seconds_by_phase": {
            phase: round(sum(s["seconds"] for s in steps if s["phase"] == phase), 2)
            for phase in dict.fromkeys(step["phase"] for step in steps)
        },
    }
    daily = [step["seconds"] for step in snapshots if step["phase"] == "snapshot_day"]
    if daily:
        out["snapshot_day_seconds"] = {
            "first": daily[0],
            "last": daily[-1],
            "median": sorted(daily)[len(daily) // 2],
            "max": max(daily),
        }
    return out


DBT_LOG_LINE = re.compile(
    r"^\x1b\[0m(\d\d:\d\d:\d\d)\.\d+ \[info \] \[[^\]]*\]: \d+ of \d+ "
    r"(START|OK created) .*? (?:model|snapshot|seed) ([\w.]+) "
)


def unfinished_node(dbt_log: Path) -> dict[str, str] | None:
    """The dbt node that was started last and never finished (for a run that was stopped)."""
    if not dbt_log.exists():
        return None
    open_nodes: dict[str, str] = {}
    for line in dbt_log.read_text(errors="replace").splitlines():
        m = DBT_LOG_LINE.match(line)
        if m:
            if m[2] == "START":
                open_nodes[m[3]] = m[1]
            else:
                open_nodes.pop(m[3], None)
    if not open_nodes:
        return None
    node, started = list(open_nodes.items())[-1]
    return {"node": node, "started": started}


def slowest_models(
    run_results: Path, n: int | None = 10, kind: str = "model"
) -> list[dict[str, Any]]:
    """The n (None: all) slowest nodes of a kind (model, test, snapshot) of the final `dbt build`
    (run_results.json of the runner's last dbt invocation)."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text())["results"]
    # unique_id: <kind>.<package>.<name>, and a hash after it for a generic test
    models = [
        {
            "model": r["unique_id"].split(".")[2],
            "seconds": round(float(r["execution_time"]), 2),
            "status": r["status"],
        }
        for r in results
        if r["unique_id"].startswith(f"{kind}.")
    ]
    return sorted(models, key=lambda r: -r["seconds"])[:n]


def build_seconds_by_type(run_results: Path) -> dict[str, float]:
    """Summed execution time of the final build per resource type (model, test, snapshot, seed)."""
    if not run_results.exists():
        return {}
    out: dict[str, float] = {}
    for r in json.loads(run_results.read_text())["results"]:
        kind = r["unique_id"].split(".")[0]
        out[kind] = out.get(kind, 0.0) + float(r["execution_time"])
    return {k: round(v, 1) for k, v in sorted(out.items())}


def snapshot_max_export_date(db: Path) -> dt.date | None:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select max(export_date) from snapshots.snp_crm__contacts").fetchone()
        assert row is not None  # an aggregate: always one row
        return row[0]


# --------------------------------------------------------------------------- report


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


def _gib(b: int) -> str:
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
        f"| full build from empty{status} | {_secs(full['seconds'])} | {_gib(full['peak_rss_bytes'])} "
        f"| {note} |"
    )
    if inc:
        ip = inc.get("phases", {})
        status = "" if inc["returncode"] == 0 else f" **failed (exit {inc['returncode']})**"
        lines.append(
            f"| one more day (increment){status} | {_secs(inc['seconds'])} | "
            f"{_gib(inc['peak_rss_bytes'])} | {ip.get('snapshot_days', 0)} snapshot(s), final `dbt build` "
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


# --------------------------------------------------------------------------- main


@dataclass
class Options:
    preset: str
    work: Path
    report: Path
    regenerate: bool = False
    timeout_minutes: float | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    progress: bool = False
    command: str = ""
    render_only: bool = False


def run(opts: Options) -> dict[str, Any]:
    """The whole benchmark of one preset; returns the results (also in <work>/benchmark.json)."""
    work = opts.work.resolve()
    data, landing, db = work / "data", work / "landing", work / "warehouse.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    load_start = round(os.getloadavg()[0], 1)
    gen_seconds = ensure_data(data, opts.preset, opts.overrides, opts.regenerate, opts.progress)
    raw = data / "raw"
    rows = count_rows(raw)
    final_day = last_day(raw)
    timeout = None if opts.timeout_minutes is None else opts.timeout_minutes * 60

    # full build from empty, the last day held back
    for path in (db, db.with_name(db.name + ".wal"), work / "dbt_target", work / "duckdb_tmp"):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    stage_landing(raw, landing, final_day - dt.timedelta(days=1))
    print(
        f"[benchmark {opts.preset}] full build from empty ({final_day - dt.timedelta(days=1)} and before)",
        flush=True,
    )
    full = run_measured_pipeline(landing, db, work, work / "full.log", timeout)
    run_results = work / "dbt_target" / "run_results.json"
    result: dict[str, Any] = {
        "preset": opts.preset,
        "days": data_marker(opts.preset, opts.overrides)["days"],
        "contacts": data_marker(opts.preset, opts.overrides)["contacts"],
        "date": dt.date.today().isoformat(),
        "commit": commit(),
        "machine": machine(),
        "command": opts.command,
        "generation_seconds": gen_seconds if gen_seconds is not None else generation_seconds(data),
        "data_reused": gen_seconds is None,
        "rows": rows,
        "load_start": load_start,
        "total_rows": sum(c["rows"] for c in rows.values()),
        "total_files": sum(c["files"] for c in rows.values()),
        "total_bytes": sum(c["bytes"] for c in rows.values()),
        "last_day": final_day.isoformat(),
        "full": full,
        "slowest_models": slowest_models(run_results) if full["returncode"] == 0 else [],
        "slowest_models_all": slowest_models(run_results, None) if full["returncode"] == 0 else [],
        "slowest_tests": slowest_models(run_results, 3, "test") if full["returncode"] == 0 else [],
        "build_seconds_by_type": build_seconds_by_type(run_results)
        if full["returncode"] == 0
        else {},
    }
    if full["returncode"] == 0:
        shutil.copy2(run_results, work / "run_results_full.json")
        land_day(raw, landing, final_day)
        print(f"[benchmark {opts.preset}] increment: landing {final_day}", flush=True)
        inc = run_measured_pipeline(landing, db, work, work / "increment.log", timeout)
        if inc["returncode"] == 0:
            inc["snapshot_max_export_date"] = str(snapshot_max_export_date(db))
        result["increment"] = inc
    page = db.parent / "serving" / "dashboard.html"
    result["dashboard_bytes"] = page.stat().st_size if page.exists() else None
    print(f"[benchmark {opts.preset}] scan floor", flush=True)
    result["scan_floor_seconds"], result["scan_floor_rows"] = scan_floor(
        raw, threads=os.cpu_count() or 1
    )
    result["load_end"] = round(os.getloadavg()[0], 1)
    (work / "benchmark.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    update_report(opts.report, opts.preset, render_section(result))
    return result


def run_measured_pipeline(
    landing: Path, db: Path, work: Path, log: Path, timeout: float | None
) -> dict[str, Any]:
    m = run_pipeline(landing, db, work, log, timeout)
    out = {
        "seconds": round(m.seconds, 2),
        "peak_rss_bytes": m.peak_rss_bytes,
        "returncode": m.returncode,
        "timed_out": m.timed_out,
        "phases": phases(work / "dbt_target" / "pipeline_run.json"),
        "log": str(log),
        "stopped_at": time.strftime("%H:%M:%S"),
    }
    if m.timed_out:
        out["running_when_stopped"] = unfinished_node(work / "dbt_logs" / "dbt.log")
    return out


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


def rerender(opts: Options) -> dict[str, Any]:
    """Rewrite the preset's report section from the saved results (and run_results) of an earlier run."""
    work = opts.work.resolve()
    result = json.loads((work / "benchmark.json").read_text())
    full_results = work / "run_results_full.json"
    if full_results.exists():
        result["slowest_models"] = slowest_models(full_results)
        result["slowest_tests"] = slowest_models(full_results, 3, "test")
        result["build_seconds_by_type"] = build_seconds_by_type(full_results)
    if result.get("generation_seconds") is None:
        result["generation_seconds"] = generation_seconds(work / "data")
    if result["full"].get("timed_out") and not result["full"].get("running_when_stopped"):
        result["full"]["running_when_stopped"] = unfinished_node(work / "dbt_logs" / "dbt.log")
    (work / "benchmark.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    update_report(opts.report, opts.preset, render_section(result))
    return result


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    result = rerender(opts) if opts.render_only else run(opts)
    full, inc = result["full"], result.get("increment", {})
    print(
        f"full build {full['seconds']:.1f} s, peak {_gib(full['peak_rss_bytes'])}; "
        f"increment {inc.get('seconds', float('nan')):.1f} s, peak {_gib(inc.get('peak_rss_bytes', 0))}; "
        f"scan floor {result['scan_floor_seconds']:.2f} s -> {opts.report}"
    )
    return 0 if full["returncode"] == 0 and inc.get("returncode") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
