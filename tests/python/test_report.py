"""The overview report (scripts/report.py): self-contained, every chart drawn by a real
browser (headless Chromium, installed from Debian when missing), and tolerant of the
data-quality mart being there or not."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from browser import ensure_chromium, headless, screenshot
from conftest import DEMO_RAW, DEMO_TRUTH
from independent import funnel_per_campaign
from scripts import report

CHARTS = ["email-funnel", "segment-flow", "attribution", "cpl", "drr", "data-quality"]


@pytest.fixture(scope="session")
def chromium() -> str:
    return ensure_chromium()


@pytest.fixture(scope="session")
def serving_db(demo_warehouse: Path) -> Path:
    return demo_warehouse.parent / "serving" / "serving.duckdb"


class Figures(HTMLParser):
    """The attributes of <body> and of every chart <figure> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.body: dict[str, str] = {}
        self.figures: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "body":
            self.body = attributes
        elif tag == "figure" and "chart" in attributes.get("class", "").split():
            self.figures[attributes["id"]] = attributes


def rendered(chromium: str, page: Path) -> Figures:
    """The page as the browser left it after running its script, with no network at all."""
    done = headless(chromium, "--dump-dom", "--virtual-time-budget=5000",
                    "--host-resolver-rules=MAP * ~NOTFOUND", page.resolve().as_uri())
    assert done.returncode == 0, done.stderr[-3000:]
    figures = Figures()
    figures.feed(done.stdout)
    return figures


def test_the_build_writes_the_report_beside_the_serving_copy(demo_warehouse: Path) -> None:
    page = demo_warehouse.parent / "serving" / "report.html"
    content = page.read_text()
    # Self-contained: no script, style sheet, image or font from anywhere else.
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|<img\b|@import|url\(", content)
    assert re.findall(r"https?://[^\s\"'<>]+", content) == ["http://www.w3.org/2000/svg"] * \
        content.count('xmlns="http://www.w3.org/2000/svg"')


def test_every_chart_is_drawn_by_the_browser(chromium: str, demo_warehouse: Path,
                                             serving_db: Path) -> None:
    figures = rendered(chromium, demo_warehouse.parent / "serving" / "report.html")

    assert list(figures.figures) == CHARTS
    assert figures.body["data-charts"] == figures.body["data-charts-complete"] == str(len(CHARTS))
    for chart, attributes in figures.figures.items():
        assert int(attributes["data-rendered"]) == int(attributes["data-expected-marks"]) > 0, chart

    # The number of marks follows the data, counted here from the marts and the raw files.
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        pairs = connection.execute("select count(distinct (email_type, segment_at_send))"
                                   " from fct_email_sends").fetchone()[0]
        flows, left, right = connection.execute("""
            select count(*), count(distinct segment_at_send), count(distinct segment_after)
            from (select segment_at_send, segment_after from mart_segment_flow
                  group by all having sum(sends) > 0)""").fetchone()
        quality_rows = connection.execute(
            "select count(distinct check_name) from mart_data_quality").fetchone()[0]
    assert int(figures.figures["email-funnel"]["data-rendered"]) == pairs * 5  # sends + 4 rates
    assert int(figures.figures["segment-flow"]["data-rendered"]) == flows + left + right
    assert int(figures.figures["data-quality"]["data-rendered"]) == quality_rows == 15


def test_the_report_shows_the_raw_number_of_sends(demo_warehouse: Path) -> None:
    sends = int(funnel_per_campaign(DEMO_RAW, DEMO_TRUTH)["sent"].sum())
    page = (demo_warehouse.parent / "serving" / "report.html").read_text()
    assert f'<div class="kpi-label">Sends</div><div class="kpi-value">{sends:,}</div>' in page


def with_data_quality_mart(serving_db: Path, folder: Path, create_sql: str) -> Path:
    copy = folder / "serving.duckdb"
    shutil.copyfile(serving_db, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute(create_sql)
    return copy


DATA_QUALITY = """
create or replace table mart_data_quality as
select day, check_name, numerator, denominator, numerator / denominator as value,
       0.05 as threshold,
       case when numerator / denominator > 0.05 then 'fail' else 'pass' end as status
from (values
    (date '2026-04-01', 'rejected_share', 1, 100),
    (date '2026-04-02', 'rejected_share', 9, 100),
    (date '2026-04-01', 'unmatched_events', 2, 100),
    (date '2026-04-02', 'unmatched_events', 3, 100),
    (date '2026-04-02', 'late_events', 0, 100)
) as checks (day, check_name, numerator, denominator)
"""


def test_the_data_quality_mart_is_drawn_when_it_exists(chromium: str, serving_db: Path,
                                                       tmp_path: Path) -> None:
    database = with_data_quality_mart(serving_db, tmp_path, DATA_QUALITY)
    page = report.render_report(database, tmp_path / "report.html")

    figures = rendered(chromium, page)
    quality = figures.figures["data-quality"]
    assert int(quality["data-rendered"]) == int(quality["data-expected-marks"]) == 3  # checks
    html = page.read_text()
    assert "mart_data_quality" in html and "3 checks, 1 failing on their latest day" in html
    assert "dq_row_accounting" not in html.split('id="data-quality"')[1]


def test_an_unexpected_data_quality_mart_falls_back_to_row_accounting(
        serving_db: Path, tmp_path: Path) -> None:
    database = with_data_quality_mart(
        serving_db, tmp_path, "create or replace table mart_data_quality as select 1 as check_id")
    html = report.render_report(database, tmp_path / "report.html").read_text()
    section = html.split('id="data-quality"')[1]
    assert "dq_row_accounting" in section and "mart_data_quality lacks" in section


def test_screenshot(chromium: str, demo_warehouse: Path, tmp_path: Path) -> None:
    """The page as a person sees it (docs/report.png is made the same way)."""
    from PIL import Image

    png = screenshot(chromium, demo_warehouse.parent / "serving" / "report.html",
                     tmp_path / "report.png")
    with Image.open(png) as image:
        width, height = image.size
        colours = image.convert("RGB").resize((64, 256)).getcolors(64 * 256)
    assert width == 1150 and height > 2000  # six charts, trimmed below the footer
    assert len(colours) > 50  # drawn, not blank
