"""Regenerates the dashboard from the serving copy, and with --screenshot also its PNG.

Usage: python -m scripts report [--serving-db PATH] [--out PATH] [--screenshot PNG]
(or python -m scripts.dashboard). The serving copy defaults to
target/serving/serving.duckdb of MW_DUCKDB_PATH's folder; the PNG is taken by headless Chromium."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))

from scripts.dashboard.render import PAGE_NAME, render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    default_db = Path(os.environ.get("MW_DUCKDB_PATH", PROJECT_DIR / "target" / "warehouse.duckdb"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--serving-db",
        type=Path,
        default=default_db.resolve().parent / "serving" / "serving.duckdb",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"default: {PAGE_NAME} beside the serving DuckDB file",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        help="also write a PNG of the page here (e.g. docs/dashboard.png)",
    )
    args = parser.parse_args(argv)
    out = render(args.serving_db, args.out or args.serving_db.parent / PAGE_NAME)
    print(f"dashboard: {out} ({out.stat().st_size / 1024:.0f} KB)")
    if args.screenshot:
        from scripts.dashboard.browser import ensure_chromium, screenshot

        print(f"screenshot: {screenshot(ensure_chromium(), out, args.screenshot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
