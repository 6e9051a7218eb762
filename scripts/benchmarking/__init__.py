"""The benchmark of scripts/benchmark.py, one module per job:

measure.py       runs a command and polls the peak memory of its process tree
landing_zone.py  generates or reuses a preset, and stages its files day by day
pipeline.py      runs scripts/run_pipeline.py on a landing zone under measurement
run_records.py   reads what a run left: its phases, dbt's node timings, the last snapshot
scan_floor.py    times one query that reads every raw file once
environment.py   names the commit and the machine measured
report.py        renders a preset's section of docs/benchmarks.md and swaps it in
preset_run.py    the whole benchmark of one preset, and the re-rendering of an earlier one
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
