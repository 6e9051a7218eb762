"""Bad input the first bad-input suite did not try (issue "Trust II"): a file name without an
export day, event times that cannot be true, a column in another physical type, and codes
of the list columns outside the reference seeds. One landing zone holds every row case, so
staging is built once for all of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from dbt_helpers import run_dbt, run_pipeline
from landing_zone import ONE_ROW, write_minimal_landing_zone, write_table
from test_bad_input import assert_nothing_lost, query, rejected, with_type

from scripts.contract import TABLES_BY_FOLDER

NEXT_DAY = "2026-01-06"
FILE = "{folder}/{name}_2026-01-06.parquet"


def row(folder: str, **changes: Any) -> dict[str, Any]:
    return dict(ONE_ROW[folder], **changes)


def next_day_file(folder: str) -> str:
    return FILE.format(folder=folder, name=folder.split("/")[1])


def test_file_name_without_an_export_day_stops_the_run_naming_it(
    tmp_path: Path, scratch_db: Path
) -> None:
    raw = write_minimal_landing_zone(tmp_path / "raw")
    write_table(
        raw, TABLES_BY_FOLDER["esp/events"], [row("esp/events", event_id="ev2")], day="latest"
    )

    done = run_pipeline(raw, scratch_db)

    assert done.returncode == 1
    assert (
        "file 'esp/events/events_latest.parquet' has no export day in its name"
        " (the contract names files events_YYYY-MM-DD.parquet"
    ) in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The minimal landing zone (day 2026-01-05) plus one file per table of 2026-01-06 with
    the cases below; staging and the row accounting built once."""
    root = tmp_path_factory.mktemp("bad_more")
    raw = write_minimal_landing_zone(root / "raw")
    events = [
        row(
            "esp/events", event_id="ev_2099", event_type="opened", event_at=dt.datetime(2099, 1, 1)
        ),
        row(
            "esp/events", event_id="ev_1970", event_type="opened", event_at=dt.datetime(1970, 1, 1)
        ),
        # the send of cmp1 to c1 is at 2026-01-05 09:30 (ev1)
        row(
            "esp/events",
            event_id="ev_early",
            event_type="opened",
            event_at=dt.datetime(2026, 1, 5, 9, 29),
        ),
        row(
            "esp/events",
            event_id="ev_ok",
            event_type="opened",
            event_at=dt.datetime(2026, 1, 7, 23, 59),
        ),  # within the day of clock skew
        row(
            "esp/events",
            event_id="ev_late",
            event_type="opened",
            event_at=dt.datetime(2026, 1, 8, 0, 0),
        ),
    ]
    write_table(raw, TABLES_BY_FOLDER["esp/events"], events, day=NEXT_DAY)
    write_table(
        raw,
        TABLES_BY_FOLDER["calltracking/ad_costs"],
        [row("calltracking/ad_costs", date=dt.date(2099, 2, 15))],
        day=NEXT_DAY,
    )
    write_table(
        raw,
        TABLES_BY_FOLDER["crm/leads"],
        [row("crm/leads", lead_id="ld_1999", created_at=dt.datetime(1999, 12, 31, tzinfo=dt.UTC))],
        day=NEXT_DAY,
    )
    # call_started_at written as a timestamp (Moscow wall-clock time) instead of text, and
    # duration_sec as text in the file of the 7th
    write_table(
        raw,
        TABLES_BY_FOLDER["calltracking/calls"],
        [
            row(
                "calltracking/calls",
                call_id="call_ts",
                call_started_at=dt.datetime(2026, 1, 6, 12, 40),
            )
        ],
        day=NEXT_DAY,
        schema=with_type("calltracking/calls", "call_started_at", pa.timestamp("us")),
    )
    write_table(
        raw,
        TABLES_BY_FOLDER["calltracking/calls"],
        [
            row(
                "calltracking/calls",
                call_id="call_text_duration",
                duration_sec="95 s",
                call_started_at="07.01.2026 10:00:00",
            )
        ],
        day="2026-01-07",
        schema=with_type("calltracking/calls", "duration_sec", pa.string()),
    )
    write_table(
        raw,
        TABLES_BY_FOLDER["crm/contacts"],
        [
            row(
                "crm/contacts",
                brands_of_interest=["cardiovita", "no_such_brand"],
                segment_codes=["int_cardiovita", "reg_moscow", "seg_unknown"],
            )
        ],
        day=NEXT_DAY,
    )
    db = root / "warehouse.duckdb"
    done = run_dbt(
        [
            "build",
            "--select",
            "staging",
            "dq_row_accounting",
            "dq_rejected_rows",
            "dq_contacts_export_counts",
            "dq_checks_reference_codes",
            "brands",
            "specialties",
            "segment_catalogue",
            "--exclude",
            "resource_type:test",
        ],
        raw,
        db,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return raw, db


def test_implausible_event_times_are_quarantined_with_their_reason(
    staged: tuple[Path, Path],
) -> None:
    raw, db = staged
    events = next_day_file("esp/events")
    after = "after the end of its file's export day plus one day"
    assert rejected(db, "esp/events") == sorted(
        [
            (events, "ev_1970", "implausible event_at: before 2000-01-01"),
            (events, "ev_2099", f"implausible event_at: {after}"),
            (events, "ev_early", "implausible event_at: before its send"),
            (events, "ev_late", f"implausible event_at: {after}"),
        ]
    )
    assert rejected(db, "calltracking/ad_costs") == [
        (
            next_day_file("calltracking/ad_costs"),
            "2099-02-15|yandex|cpc|brand_search",
            f"implausible cost_date: {after}",
        )
    ]
    assert rejected(db, "crm/leads") == [
        (next_day_file("crm/leads"), "ld_1999", "implausible created_at: before 2000-01-01")
    ]
    assert query(db, "select event_id from staging.stg_esp__events order by 1") == [
        ("ev1",),
        ("ev_ok",),
    ]
    assert_nothing_lost(raw, db)


def test_a_column_in_another_physical_type_is_read_by_value_or_named(
    staged: tuple[Path, Path],
) -> None:
    """The timestamp 12:40 Moscow time is 09:40 UTC, as the text '06.01.2026 12:40:00'."""
    _, db = staged
    assert query(
        db, "select call_id, call_started_at from staging.stg_calltracking__calls order by 1"
    ) == [("call1", dt.datetime(2026, 1, 5, 9, 40)), ("call_ts", dt.datetime(2026, 1, 6, 9, 40))]
    assert rejected(db, "calltracking/calls") == [
        (
            "calltracking/calls/calls_2026-01-07.parquet",
            "call_text_duration",
            "unparseable duration_sec (found string)",
        )
    ]


def test_codes_of_list_columns_outside_the_seeds_are_counted(staged: tuple[Path, Path]) -> None:
    _, db = staged
    assert query(
        db,
        "select day, check_scope, numerator, denominator"
        " from intermediate.dq_checks_reference_codes"
        " where check_name = 'unknown_reference_codes'"
        " and check_scope in ('crm/contacts.segment_codes',"
        " 'crm/contacts.brands_of_interest') order by all",
    ) == [
        (dt.date(2026, 1, 5), "crm/contacts.brands_of_interest", 0, 1),
        (dt.date(2026, 1, 5), "crm/contacts.segment_codes", 0, 2),
        (dt.date(2026, 1, 6), "crm/contacts.brands_of_interest", 1, 2),
        (dt.date(2026, 1, 6), "crm/contacts.segment_codes", 1, 3),
    ]
