"""Base tables load by file: a run reads only the files it has not loaded, and judges again
only the stored rows that the new files' keys (and, for ESP events, their sends) touch. The
outcome of every row is worked out by hand, and the day-by-day load equals one load of the
same files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from dbt_helpers import run_dbt
from landing_zone import ONE_ROW, write_minimal_landing_zone, write_table
from test_bad_input import query

from scripts.contract import TABLES_BY_FOLDER

EVENTS = TABLES_BY_FOLDER["esp/events"]
LEADS = TABLES_BY_FOLDER["crm/leads"]
BASE_MODELS = ["base_esp__events", "base_crm__leads"]
BEFORE_SEND = "implausible event_at: before its send"
WITHIN_FILE = "duplicate key within file"


def event(event_id: str, event_type: str, hour: int, minute: int = 0, **more: Any) -> dict:
    return {
        **ONE_ROW["esp/events"],
        "event_id": event_id,
        "event_type": event_type,
        "event_at": dt.datetime(2026, 1, 5, hour, minute),
        **more,
    }


# Day 1 is the minimal landing zone's day; its row ev1 is a send of the same pair at 09:30,
# so the open at 09:00 is "before its send". Day 2 brings an earlier send of that pair (the
# open becomes valid) and re-exports ev_dup. Day 3 re-exports ev_click for another
# recipient, before that recipient's send: an invalid copy, which does not replace the
# valid one. It also re-exports lead ld1.
DAYS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "2026-01-05": {
        "esp/events": [
            event("ev_sent1", "sent", 11),
            event("ev_open1", "opened", 9),
            event("ev_dup", "opened", 12),
            event("ev_dup", "opened", 12, 5),
            event("ev_click", "clicked", 12, 30),
        ],
    },
    "2026-01-06": {
        "esp/events": [event("ev_sent0", "sent", 8), event("ev_dup", "opened", 12, 10)],
    },
    "2026-01-07": {
        "esp/events": [
            event("ev_sent2", "sent", 13, contact_id="c2"),
            event("ev_click", "clicked", 12, 30, contact_id="c2"),
        ],
        "crm/leads": [{**ONE_ROW["crm/leads"], "contact_id": "c2"}],
    },
}

# (file day, event_id, file row): (reject reason, is duplicate)
EXPECTED_EVENTS = {
    ("2026-01-05", "ev1", 0): (None, False),
    ("2026-01-05", "ev_sent1", 1): (None, False),
    ("2026-01-05", "ev_open1", 2): (None, False),  # rejected until day 2
    ("2026-01-05", "ev_dup", 3): (WITHIN_FILE, False),
    ("2026-01-05", "ev_dup", 4): (None, True),
    ("2026-01-05", "ev_click", 5): (None, False),
    ("2026-01-06", "ev_sent0", 0): (None, False),
    ("2026-01-06", "ev_dup", 1): (None, False),
    ("2026-01-07", "ev_sent2", 0): (None, False),
    ("2026-01-07", "ev_click", 1): (BEFORE_SEND, False),
}
EXPECTED_LEADS = {
    ("2026-01-05", "ld1", 0): (None, True),
    ("2026-01-07", "ld1", 0): (None, False),
}


def land(raw: Path, day: str) -> None:
    """Writes one day's files; day 1 keeps the minimal landing zone's row first."""
    for folder, rows in DAYS[day].items():
        table = TABLES_BY_FOLDER[folder]
        first = [ONE_ROW[folder]] if day == "2026-01-05" else []
        write_table(raw, table, first + rows, day=day)


def build(raw: Path, db: Path) -> None:
    done = run_dbt(["run", "--select", *BASE_MODELS], raw, db)
    assert done.returncode == 0, done.stdout[-3000:]


def outcomes(db: Path, model: str, key: str) -> dict[tuple[str, str, int], tuple[Any, bool]]:
    rows = query(
        db,
        f"select cast(_file_date as varchar), {key}, _file_row, _reject_reason, _is_duplicate"
        f" from staging.{model}",
    )
    return {(day, key_value, row): (reason, dup) for day, key_value, row, reason, dup in rows}


@pytest.fixture(scope="module")
def loads(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same three days loaded in one run, and day by day: before the third day's run the
    first day's events file is overwritten, which a run that reads only new files never
    sees."""
    root = tmp_path_factory.mktemp("load_by_file")
    at_once, daily = root / "at_once", root / "daily"
    write_minimal_landing_zone(at_once)
    write_minimal_landing_zone(daily)
    for day in DAYS:
        land(at_once, day)
    build(at_once, root / "at_once" / "warehouse.duckdb")

    land(daily, "2026-01-05")
    build(daily, root / "daily" / "warehouse.duckdb")
    land(daily, "2026-01-06")
    build(daily, root / "daily" / "warehouse.duckdb")
    first_day = daily / EVENTS.folder / EVENTS.file_name("2026-01-05")
    shutil.copy(daily / EVENTS.folder / EVENTS.file_name("2026-01-06"), first_day)
    land(daily, "2026-01-07")
    build(daily, root / "daily" / "warehouse.duckdb")
    return root / "at_once" / "warehouse.duckdb", root / "daily" / "warehouse.duckdb"


@pytest.mark.parametrize(
    ("model", "key", "expected"),
    [
        ("base_esp__events", "event_id", EXPECTED_EVENTS),
        ("base_crm__leads", "lead_id", EXPECTED_LEADS),
    ],
)
def test_each_row_gets_its_outcome_day_by_day_and_at_once(
    loads: tuple[Path, Path], model: str, key: str, expected: dict
) -> None:
    at_once, daily = loads
    assert outcomes(at_once, model, key) == expected
    assert outcomes(daily, model, key) == expected


def test_day_by_day_rows_equal_the_rows_of_one_load(loads: tuple[Path, Path]) -> None:
    at_once, daily = loads
    for model in BASE_MODELS:
        sql = f"select * from staging.{model} order by _source_file, _file_row"
        assert query(daily, sql) == query(at_once, sql)
