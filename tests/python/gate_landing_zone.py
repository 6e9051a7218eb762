"""Daily landing zones for the data-quality gate tests: every table with one record of its own
per day (ids and times of that day, all linked as in the contract), sparse feeds that skip
days, and calls files with chosen numbers of rows and of rows that cannot be staged."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from landing_zone import ONE_ROW, write_table

from scripts.contract import TABLES, TABLES_BY_FOLDER

FIRST_DAY = dt.date(2026, 1, 1)
PROJECT_PARTS = (
    "dbt_project.yml",
    "selectors.yml",
    "profiles.yml",
    "models",
    "macros",
    "snapshots",
    "scripts",
    "tests/dbt",
)


def day_of(number: int) -> dt.date:
    """Day 1 is FIRST_DAY."""
    return FIRST_DAY + dt.timedelta(days=number - 1)


def _at(day: dt.date, hour: int, tz: bool) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=dt.UTC if tz else None)


def rows_of_day(folder: str, number: int) -> list[dict[str, Any]]:
    """The one record of a table on day `number` (day 1 holds the campaign and the send)."""
    day, n = day_of(number), str(number)
    base = dict(ONE_ROW[folder])
    changes: dict[str, dict[str, Any]] = {
        "esp/campaigns": dict(launched_at=_at(FIRST_DAY, 8, False)),
        "esp/events": dict(
            event_id=f"ev{n}",
            event_type="sent" if number == 1 else "opened",
            event_at=_at(day, 9, False),
        ),
        "crm/contacts": dict(updated_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC)),
        "crm/activities": dict(activity_id=f"a{n}", occurred_at=_at(day, 10, True)),
        "crm/site_logins": dict(login_id=f"l{n}", logged_in_at=_at(day, 10, True)),
        "crm/leads": dict(
            lead_id=f"ld{n}", created_at=_at(day, 11, True), calltracking_call_id=f"call{n}"
        ),
        "crm/deals": dict(deal_id=f"d{n}", lead_id=f"ld{n}", created_at=_at(day, 12, True)),
        "crm/deal_stages": dict(deal_id=f"d{n}", entered_at=_at(day, 12, True)),
        "calltracking/sessions": dict(session_id=f"s{n}", started_at=_at(day, 9, False)),
        "calltracking/calls": dict(
            call_id=f"call{n}", session_id=f"s{n}", call_started_at=f"{day:%d.%m.%Y} 13:40:00"
        ),
        "calltracking/requests": dict(
            request_id=f"r{n}", session_id=f"s{n}", created_at=_at(day, 10, False)
        ),
        "calltracking/ad_costs": dict(date=day),
    }
    return [dict(base, **changes[folder])]


def calls_of_day(number: int, rows: int, bad: int) -> list[dict[str, Any]]:
    """`rows` calls on day `number`, the last `bad` of them with a time that cannot be read."""
    good = rows_of_day("calltracking/calls", number)[0]
    return [
        dict(
            good,
            call_id=f"call{number}" + ("" if index == 0 else f"_{index}"),
            call_started_at=("not a time" if index >= rows - bad else good["call_started_at"]),
        )
        for index in range(rows)
    ]


def land_day(
    raw: Path, number: int, skip: tuple[str, ...] = (), calls: tuple[int, int] | None = None
) -> None:
    """Writes day `number`'s file of every table but those in `skip` (campaigns only on day
    1); `calls` = (rows, rows that cannot be staged) replaces the day's one call."""
    for table in TABLES:
        if table.folder in skip or (table.folder == "esp/campaigns" and number != 1):
            continue
        rows = (
            calls_of_day(number, *calls)
            if calls and table.folder == "calltracking/calls"
            else rows_of_day(table.folder, number)
        )
        write_table(raw, table, rows, day=day_of(number).isoformat())


def remove_day(raw: Path, folder: str, number: int) -> None:
    table = TABLES_BY_FOLDER[folder]
    (raw / table.folder / table.file_name(day_of(number).isoformat())).unlink()


def copy_project(source: Path, target: Path) -> Path:
    """The dbt project without its data and build output, so a test can change its seeds."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / part)
    shutil.copytree(
        source / "seeds", target / "seeds", ignore=shutil.ignore_patterns("raw", "ground_truth")
    )
    return target
