"""segment_at_send against the generator's ground truth, for every send of the bundled data.

A send's contact is identifiable from the exports when the ESP gave its contact_id, or when
exactly one live contact had the event's email at that moment (marts.md). For those the
warehouse must give the TRUE segment and segment codes; for the others (two live duplicate
cards share the email) the defined answer is `unknown`. Identifiability is worked out here
from the raw files and the true contact history, independently of the models."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import DEMO_RAW, DEMO_TRUTH
from independent import contact_versions, normalize_email


@pytest.fixture(scope="module")
def expected_sends() -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    # one row per event: a re-export may carry the email in another case
    sent = con.execute(f"""
        select event_id, min(contact_id) as esp_contact_id, min(email) as raw_email
        from read_parquet('{DEMO_RAW}/esp/events/*.parquet', union_by_name = true)
        where event_type = 'sent'
        group by event_id
    """).df()
    truth = con.execute(f"""
        select event_id, campaign_id, contact_id, cast(sent_at as timestamp) as sent_at, activity_segment,
            list_sort(segment_codes) as segment_codes
        from '{DEMO_TRUTH}/sends.parquet'
    """).df()
    versions = contact_versions(DEMO_RAW, DEMO_TRUTH)
    sends = truth.merge(sent, on="event_id", how="left", validate="one_to_one")
    sends["email"] = sends["raw_email"].map(normalize_email)

    live = versions[~versions["is_deleted"] & versions["email"].notna()]
    holders = sends[sends["esp_contact_id"].isna()].merge(
        live, on="email", suffixes=("", "_holder")
    )
    holders = holders[
        (holders["valid_from"] <= holders["sent_at"])
        & (holders["valid_to"].isna() | (holders["sent_at"] < holders["valid_to"]))
    ]
    holder_count = holders.groupby("event_id")["contact_id_holder"].nunique()
    single_holder = holder_count[holder_count == 1].index

    sends["identifiable"] = sends["esp_contact_id"].notna() | sends["event_id"].isin(single_holder)
    sends["expected_segment"] = sends["activity_segment"].where(sends["identifiable"], "unknown")
    sends["expected_codes"] = [
        list(codes) if ok else []
        for codes, ok in zip(sends["segment_codes"], sends["identifiable"])
    ]
    return sends


def test_esp_contact_ids_are_the_true_contacts(expected_sends: pd.DataFrame) -> None:
    given = expected_sends[expected_sends["esp_contact_id"].notna()]
    assert (given["esp_contact_id"] == given["contact_id"]).all()


def test_segment_at_send_equals_ground_truth_for_every_send(
    expected_sends: pd.DataFrame, demo_db: duckdb.DuckDBPyConnection
) -> None:
    actual = demo_db.execute("""
        select events.event_id, sends.segment_at_send, list_sort(sends.segment_codes_at_send)
            as segment_codes_at_send
        from intermediate.int_email_events_matched as events
        inner join main.fct_email_sends as sends on events.send_id = sends.send_id
        where events.event_type = 'sent'
    """).df()
    compared = expected_sends.merge(actual, on="event_id", how="left", validate="one_to_one")

    assert compared["segment_at_send"].notna().all(), "every true send is in fct_email_sends"
    wrong_segment = compared[compared["segment_at_send"] != compared["expected_segment"]]
    assert wrong_segment.empty, wrong_segment.head(10).to_string()
    wrong_codes = compared[
        [
            list(a) != list(b)
            for a, b in zip(compared["segment_codes_at_send"], compared["expected_codes"])
        ]
    ]
    assert wrong_codes.empty, wrong_codes.head(10).to_string()
    # the grain is campaign × contact, or × email when no contact matched: two unmatched
    # sends of one campaign to an email two cards share are one send
    send_keys = compared.assign(
        key=compared["contact_id"].where(compared["identifiable"], "email:" + compared["email"])
    )
    n_sends = len(send_keys.drop_duplicates(["campaign_id", "key"]))
    assert demo_db.execute("select count(*) from main.fct_email_sends").fetchone()[0] == n_sends

    identifiable = compared["identifiable"].mean()
    print(
        f"sends: {len(compared)}, identifiable: {identifiable:.4%}, "
        f"unknown by definition: {(~compared['identifiable']).sum()}"
    )
    assert identifiable > 0.99


def test_hard_cases_are_present_and_right(
    expected_sends: pd.DataFrame, demo_db: duckdb.DuckDBPyConnection
) -> None:
    """Sends in the same minute as the contact's segment change, and sends before the first
    export, are in the data (so the test above covers them)."""
    changes = (
        duckdb.connect()
        .execute(f"""
        select contact_id, cast(valid_from as timestamp) as changed_at
        from '{DEMO_TRUTH}/contact_history.parquet'
    """)
        .df()
    )
    same_minute = expected_sends.merge(changes, on="contact_id")
    same_minute = same_minute[
        (same_minute["sent_at"] - same_minute["changed_at"]).abs() < pd.Timedelta(minutes=1)
    ]
    exactly_at_change = same_minute[same_minute["sent_at"] == same_minute["changed_at"]]
    first_export_end = pd.Timestamp(
        demo_db.execute(
            "select min(export_date) from intermediate.int_contact_versions"
        ).fetchone()[0]
    ) + pd.Timedelta(hours=21)
    before_first_export = expected_sends[expected_sends["sent_at"] < first_export_end]

    assert len(same_minute) >= 10
    assert len(exactly_at_change) >= 1
    assert len(before_first_export) >= 100
    print(
        f"same-minute sends: {len(same_minute)} ({len(exactly_at_change)} at the exact "
        f"change), sends before the first export: {len(before_first_export)}"
    )
