"""The bad-input suite: broken landing zones and what becomes of them.

Every case either stops the run with a message that names the file, the column and the
reason, or builds and accounts for every raw row: raw (counted from the files with pyarrow)
= staged (the staging views) + duplicates + rejected (dq_rejected_rows, with a reason).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbt_helpers import run_dbt, run_pipeline
from landing_zone import DAY, ONE_ROW, write_minimal_landing_zone, write_table

from scripts.contract import TABLES, TABLES_BY_FOLDER

NEXT_DAY = "2026-01-06"
STAGING_ONLY = ["run", "--select", "staging", "dq_row_accounting", "dq_rejected_rows"]


def table(folder: str):
    return TABLES_BY_FOLDER[folder]


def row(folder: str, **changes: Any) -> dict[str, Any]:
    return dict(ONE_ROW[folder], **changes)


def with_type(folder: str, column: str, arrow_type: pa.DataType) -> pa.Schema:
    schema = table(folder).schema
    return schema.set(schema.get_field_index(column), pa.field(column, arrow_type))


def build_staging(raw: Path, db: Path) -> None:
    done = run_dbt(STAGING_ONLY, raw, db)
    assert done.returncode == 0, done.stdout[-3000:]


def build_everything(raw: Path, db: Path, failing_check: str | None = None) -> None:
    """The whole build; a data-quality error fails it (after every model is built), and
    then the failing dbt test must be the expected one."""
    done = run_pipeline(raw, db)
    if failing_check is None:
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-3000:]
    else:
        assert done.returncode != 0
        assert f"in test {failing_check} (" in done.stdout, done.stdout[-5000:]
        assert "configured to fail if != 0" in done.stdout


def query(db: Path, sql: str, *params: Any) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def rejected(db: Path, folder: str) -> list[tuple[str, str, str]]:
    return query(
        db,
        "select source_file, primary_key, reason from main.dq_rejected_rows"
        " where source_table = ? order by all",
        folder,
    )


def assert_nothing_lost(raw: Path, db: Path) -> None:
    """raw = staged + duplicates + rejected for every file, each count from its own place."""
    for contract_table in TABLES:
        model = f"staging.stg_{contract_table.system}__{contract_table.name}"
        staged = dict(query(db, f"select _source_file, count(*) from {model} group by 1"))
        rejected_rows = dict(
            query(
                db,
                "select source_file, count(*) from main.dq_rejected_rows"
                " where source_table = ? group by 1",
                contract_table.folder,
            )
        )
        duplicates = dict(
            query(
                db,
                "select source_file, duplicate_rows from main.dq_row_accounting"
                " where source_table = ?",
                contract_table.folder,
            )
        )
        for path in sorted((raw / contract_table.folder).glob("*.parquet")):
            file = str(path.relative_to(raw))
            raw_rows = pq.ParquetFile(path).metadata.num_rows
            accounted = staged.get(file, 0) + duplicates.get(file, 0) + rejected_rows.get(file, 0)
            assert raw_rows == accounted, (
                file,
                raw_rows,
                staged.get(file),
                duplicates.get(file),
                rejected_rows.get(file),
            )


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    return write_minimal_landing_zone(tmp_path / "raw")


@pytest.fixture()
def db(scratch_db: Path) -> Path:
    return scratch_db


# --- cases that stop the run, naming file, column and reason -------------------------------


def test_missing_column_stops_the_run_naming_file_and_column(raw: Path, db: Path) -> None:
    events = table("esp/events")
    schema = events.schema.remove(events.schema.get_field_index("event_type"))
    write_table(raw, events, [row("esp/events", event_id="ev2")], day=NEXT_DAY, schema=schema)

    done = run_dbt(STAGING_ONLY, raw, db)

    assert done.returncode != 0
    assert (
        "file 'esp/events/events_2026-01-06.parquet' is missing column 'event_type'"
        " (required by the contract for esp/events)"
    ) in done.stdout


def test_file_that_is_not_parquet_stops_the_run_naming_it(raw: Path, db: Path) -> None:
    (raw / "crm/leads/leads_2026-01-06.parquet").write_text("lead_id\nld2\n")

    done = run_dbt(STAGING_ONLY, raw, db)

    assert done.returncode != 0
    assert "crm/leads/leads_2026-01-06.parquet" in done.stdout
    assert "No magic bytes found" in done.stdout


def test_stray_file_that_is_no_parquet_file_stops_the_run_naming_it(raw: Path, db: Path) -> None:
    (raw / "crm/leads/leads_2026-01-06.csv").write_text("lead_id\nld2\n")

    done = run_dbt(STAGING_ONLY, raw, db)

    assert done.returncode != 0
    assert "file 'crm/leads/leads_2026-01-06.csv' is not a parquet file" in done.stdout


def test_empty_zero_byte_file_stops_the_run_naming_it(raw: Path, db: Path) -> None:
    (raw / "crm/leads/leads_2026-01-06.parquet").write_bytes(b"")

    done = run_dbt(STAGING_ONLY, raw, db)

    assert done.returncode != 0
    assert "crm/leads/leads_2026-01-06.parquet" in done.stdout
    assert "too small to be a Parquet file" in done.stdout


# --- cases that build, and quarantine or keep every row -------------------------------------


def test_extra_unknown_column_is_ignored(raw: Path, db: Path) -> None:
    schema = table("esp/events").schema.append(pa.field("ab_variant", pa.string()))
    write_table(
        raw,
        table("esp/events"),
        [row("esp/events", event_id="ev2", ab_variant="B")],
        day=NEXT_DAY,
        schema=schema,
    )

    build_staging(raw, db)

    assert query(db, "select event_id from staging.stg_esp__events order by 1") == [
        ("ev1",),
        ("ev2",),
    ]
    assert rejected(db, "esp/events") == []
    assert_nothing_lost(raw, db)


def test_empty_parquet_file_with_its_columns_adds_nothing(raw: Path, db: Path) -> None:
    write_table(raw, table("crm/leads"), [], day=NEXT_DAY)

    build_staging(raw, db)

    assert query(db, "select lead_id from staging.stg_crm__leads") == [("ld1",)]
    assert_nothing_lost(raw, db)


def test_wrong_column_type_quarantines_the_values_that_do_not_parse(raw: Path, db: Path) -> None:
    """duration_sec written as text: '120' parses, '2 min' does not; event_at written as text."""
    calls = table("calltracking/calls")
    write_table(
        raw,
        calls,
        [
            row("calltracking/calls", call_id="call2", duration_sec="120"),
            row("calltracking/calls", call_id="call3", duration_sec="2 min"),
        ],
        day=NEXT_DAY,
        schema=with_type("calltracking/calls", "duration_sec", pa.string()),
    )
    events = table("esp/events")
    write_table(
        raw,
        events,
        [
            row("esp/events", event_id="ev2", event_at="2026-01-06 10:00:00"),
            row("esp/events", event_id="ev3", event_at="06/01/2026 10:00"),
        ],
        day=NEXT_DAY,
        schema=with_type("esp/events", "event_at", pa.string()),
    )

    build_staging(raw, db)

    assert query(
        db, "select call_id, duration_sec from staging.stg_calltracking__calls order by 1"
    ) == [("call1", 95), ("call2", 120)]
    assert rejected(db, "calltracking/calls") == [
        (
            "calltracking/calls/calls_2026-01-06.parquet",
            "call3",
            "unparseable duration_sec (found string)",
        )
    ]
    assert query(db, "select event_id, event_at from staging.stg_esp__events order by 1") == [
        ("ev1", dt.datetime(2026, 1, 5, 9, 30)),
        ("ev2", dt.datetime(2026, 1, 6, 10, 0)),
    ]
    assert rejected(db, "esp/events") == [
        ("esp/events/events_2026-01-06.parquet", "ev3", "unparseable event_at (found string)")
    ]
    assert_nothing_lost(raw, db)


def test_duplicate_keys_inside_one_file_keep_one_row_and_reject_the_rest(
    raw: Path, db: Path
) -> None:
    write_table(
        raw,
        table("crm/leads"),
        [
            row("crm/leads", lead_id="ld2", brand_code="neurolex"),
            row("crm/leads", lead_id="ld2", brand_code="cardiovita"),
        ],
        day=NEXT_DAY,
    )

    build_staging(raw, db)

    assert query(db, "select lead_id from staging.stg_crm__leads order by 1") == [
        ("ld1",),
        ("ld2",),
    ]
    assert rejected(db, "crm/leads") == [
        ("crm/leads/leads_2026-01-06.parquet", "ld2", "duplicate key within file")
    ]
    assert_nothing_lost(raw, db)


def test_record_re_exported_with_a_change_takes_the_newest_file(raw: Path, db: Path) -> None:
    write_table(
        raw,
        table("crm/deals"),
        [row("crm/deals", status="won", closed_at=dt.datetime(2026, 1, 6, 12, tzinfo=dt.UTC))],
        day=NEXT_DAY,
    )

    build_staging(raw, db)

    assert query(db, "select deal_id, status, _source_file from staging.stg_crm__deals") == [
        ("d1", "won", "crm/deals/deals_2026-01-06.parquet")
    ]
    assert query(
        db,
        "select source_file, duplicate_rows from main.dq_row_accounting"
        " where source_table = 'crm/deals' order by 1",
    ) == [("crm/deals/deals_2026-01-05.parquet", 1), ("crm/deals/deals_2026-01-06.parquet", 0)]
    assert_nothing_lost(raw, db)


def test_unknown_enum_value_is_rejected_with_the_value(raw: Path, db: Path) -> None:
    write_table(
        raw,
        table("esp/events"),
        [row("esp/events", event_id="ev2", event_type="Forwarded")],
        day=NEXT_DAY,
    )
    write_table(
        raw, table("crm/deal_stages"), [row("crm/deal_stages", stage="negotiation")], day=NEXT_DAY
    )

    build_staging(raw, db)

    assert rejected(db, "esp/events") == [
        ("esp/events/events_2026-01-06.parquet", "ev2", "unknown event_type: forwarded")
    ]
    assert rejected(db, "crm/deal_stages") == [
        (
            "crm/deal_stages/deal_stages_2026-01-06.parquet",
            "d1|negotiation",
            "unknown stage: negotiation",
        )
    ]
    assert_nothing_lost(raw, db)


def test_unparseable_timestamp_text_is_rejected(raw: Path, db: Path) -> None:
    """calls.call_started_at is local text by contract; text that is no such time."""
    write_table(
        raw,
        table("calltracking/calls"),
        [row("calltracking/calls", call_id="call2", call_started_at="yesterday 12:40")],
        day=NEXT_DAY,
    )

    build_staging(raw, db)

    assert rejected(db, "calltracking/calls") == [
        (
            "calltracking/calls/calls_2026-01-06.parquet",
            "call2",
            "unparseable call_started_at (found string)",
        )
    ]
    assert_nothing_lost(raw, db)


def test_negative_spend_is_rejected(raw: Path, db: Path) -> None:
    write_table(
        raw,
        table("calltracking/ad_costs"),
        [row("calltracking/ad_costs", date=dt.date(2026, 1, 6), cost_rub=-250.0)],
        day=NEXT_DAY,
    )

    build_staging(raw, db)

    assert rejected(db, "calltracking/ad_costs") == [
        (
            "calltracking/ad_costs/ad_costs_2026-01-06.parquet",
            "2026-01-06|yandex|cpc|brand_search",
            "negative cost_rub",
        )
    ]
    assert_nothing_lost(raw, db)


# --- cases that need the whole build: the row is kept, and data quality counts it ----------


def dq(db: Path, check: str, scope: str) -> list[tuple]:
    return query(
        db,
        "select day, numerator, denominator, status from main.mart_data_quality"
        " where check_name = ? and check_scope = ? order by day",
        check,
        scope,
    )


def test_unparseable_phone_and_email_are_kept_flagged_and_counted(raw: Path, db: Path) -> None:
    write_table(
        raw,
        table("crm/leads"),
        [
            row(
                "crm/leads",
                lead_id="ld2",
                phone="call me",
                email="doc at example.ru",
                contact_id=None,
                calltracking_call_id=None,
            )
        ],
        day=NEXT_DAY,
    )

    build_everything(raw, db, failing_check="dq_checks_no_error")

    assert query(
        db,
        "select lead_id, phone, is_phone_invalid, email, is_email_invalid"
        " from staging.stg_crm__leads where lead_id = 'ld2'",
    ) == [("ld2", None, True, None, True)]
    assert query(db, "select lead_id from main.fct_conversions order by 1") == [("ld1",), ("ld2",)]
    assert dq(db, "invalid_identifiers", "crm/leads.phone") == [
        (dt.date(2026, 1, 5), 0, 1, "pass"),
        (dt.date(2026, 1, 6), 1, 1, "error"),
    ]
    assert dq(db, "invalid_identifiers", "crm/leads.email") == [  # ld1 has no email
        (dt.date(2026, 1, 5), 0, 0, "no_data"),
        (dt.date(2026, 1, 6), 1, 1, "error"),
    ]
    assert_nothing_lost(raw, db)


def test_events_for_an_unknown_campaign_are_kept_and_counted(raw: Path, db: Path) -> None:
    write_table(
        raw,
        table("esp/events"),
        [row("esp/events", event_id="ev2", campaign_id="cmp404")],
        day=NEXT_DAY,
    )

    build_everything(raw, db, failing_check="dq_checks_no_error")

    assert query(db, "select campaign_id, email_type from main.fct_email_sends order by 1") == [
        ("cmp1", "digest"),
        ("cmp404", None),
    ]
    # Both events happened on the 5th (event day, not file day): 1 of 2, interval [0.09, 0.91].
    assert dq(db, "events_for_unknown_campaign", "esp/events") == [
        (dt.date(2026, 1, 5), 1, 2, "error")
    ]
    assert_nothing_lost(raw, db)


def test_contacts_export_missing_a_day_keeps_business_time_and_warns(raw: Path, db: Path) -> None:
    """Exports of 5 and 7 January, none of the 6th (every other table re-exports its row on
    the 7th): the change made on the 6th keeps its own time."""
    changed_at = dt.datetime(2026, 1, 6, 15, tzinfo=dt.UTC)
    for contract_table in TABLES:
        write_table(raw, contract_table, [ONE_ROW[contract_table.folder]], day="2026-01-07")
    write_table(
        raw,
        table("crm/contacts"),
        [row("crm/contacts", activity_segment="at_risk", updated_at=changed_at)],
        day="2026-01-07",
    )

    build_everything(raw, db)

    assert query(
        db,
        "select activity_segment, dbt_valid_from, dbt_valid_to"
        " from snapshots.snp_crm__contacts order by dbt_valid_from",
    ) == [
        ("active", dt.datetime(2026, 1, 2, 9), changed_at.replace(tzinfo=None)),
        ("at_risk", changed_at.replace(tzinfo=None), None),
    ]
    # Freshness is judged once, for the run: the export of the 7th is the newest day.
    assert dq(db, "freshness_lag_days", "crm/contacts") == [(dt.date(2026, 1, 7), 0, None, "pass")]
    assert_nothing_lost(raw, db)


def test_contacts_export_day_arriving_twice(raw: Path, db: Path) -> None:
    """The export of the 5th lands again after the 6th was snapshotted. The file changed
    after it was loaded, so the gate stops the build naming it and asks for a rebuild from
    empty, while the snapshot keeps its history; delivered with a change, the build also
    warns that the history no longer equals a replay of the exports
    (assert_contacts_snapshot_matches_replay)."""
    write_table(raw, table("crm/contacts"), [ONE_ROW["crm/contacts"]], day=NEXT_DAY)
    build_everything(raw, db)
    history = query(db, "select * from snapshots.snp_crm__contacts order by all")
    changed_file = (
        "landing_file_changed: table crm/contacts, day 2026-01-05, file "
        "crm/contacts/contacts_2026-01-05.parquet"
    )

    write_table(raw, table("crm/contacts"), [ONE_ROW["crm/contacts"]], day=DAY)
    done = run_pipeline(raw, db)
    assert done.returncode == 1, done.stdout[-3000:]
    assert changed_file in done.stderr
    assert "rebuild from empty" in done.stderr
    assert "assert_contacts_snapshot_matches_replay" not in done.stdout.split("Completed")[-1]
    assert query(db, "select * from snapshots.snp_crm__contacts order by all") == history

    changed_at = dt.datetime(2026, 1, 4, 12, tzinfo=dt.UTC)
    write_table(
        raw,
        table("crm/contacts"),
        [row("crm/contacts", activity_segment="at_risk", updated_at=changed_at)],
        day=DAY,
    )
    done = run_pipeline(raw, db)
    assert done.returncode == 1, done.stdout[-3000:]
    assert changed_file in done.stderr
    assert "in test assert_contacts_snapshot_matches_replay" in done.stdout
    assert_nothing_lost(raw, db)
