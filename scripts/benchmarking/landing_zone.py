"""The landing zone a benchmark builds from: the preset generated into <dir>/data (or
reused when <dir>/data/PRESET.json names the same preset and generator arguments), and a
landing zone of hard links to its files, staged up to a day and then one day more."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scripts.contract import TABLES
from scripts.generate_data import PRESETS, generate_preset

DAY_FILE = re.compile(r"^(?P<table>[a-z_]+)_(?P<day>\d{4}-\d{2}-\d{2})\.parquet$")


def data_marker(preset: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """What PRESET.json records: the preset and the generator arguments it was made with."""
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
