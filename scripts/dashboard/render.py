"""Writes the dashboard of a serving DuckDB file, and the screenshot of a page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from scripts.dashboard.page import build_page
from scripts.dashboard.queries import extract

if TYPE_CHECKING:
    from scripts.publish_serving import Publication

PAGE_NAME = "dashboard.html"


def render(serving_db: Path, out: Path) -> Path:
    """Writes the dashboard of `serving_db` to `out` (aside, then renamed) and returns it."""
    connection = duckdb.connect(str(serving_db), read_only=True)
    try:
        connection.execute("set timezone = 'UTC'")
        page = build_page(extract(connection))
    finally:
        connection.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    aside = out.with_name(f".{out.name}.partial")
    aside.write_text(page, encoding="utf-8")
    os.replace(aside, out)
    return out


def render_after_publish(publication: Publication) -> Path:
    """What the pipeline runner calls after publishing: the page beside the serving copy."""
    out = render(publication.database, publication.serving_dir / PAGE_NAME)
    print(f"dashboard: {out} ({out.stat().st_size / 1024:.0f} KB)", flush=True)
    return out
