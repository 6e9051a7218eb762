"""Landing zones for tests: a minimal, valid one written from the contract (for tests that
break it on purpose or hand-build a table), and the demo one sliced by export day."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from scripts.contract import TABLES, Table

FILE_DAY = re.compile(r"_(\d{4}-\d{2}-\d{2})\.parquet$")
DAY = "2026-01-05"
_TS = dt.datetime(2026, 1, 5, 9, 30)
_TSTZ = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

ONE_ROW: dict[str, dict[str, Any]] = {
    "esp/campaigns": dict(
        campaign_id="cmp1",
        campaign_name="Digest 1",
        email_type="digest",
        brand_code=None,
        launched_at=_TS,
        utm_campaign="digest_1",
        subject="News",
        cost_rub=1000.0,
    ),
    "esp/events": dict(
        event_id="ev1",
        campaign_id="cmp1",
        contact_id="c1",
        email=" Doc@Example.RU ",
        event_type="sent",
        event_at=_TS,
        url=None,
        bounce_kind=None,
    ),
    "crm/contacts": dict(
        contact_id="c1",
        email="doc@example.ru",
        phone="8 (916) 123-45-67",
        first_name="Anna",
        last_name="Ivanova",
        specialty="therapist",
        workplace_type="clinic",
        city="Moscow",
        region="Moscow",
        registered_at=_TSTZ - dt.timedelta(days=400),
        registration_source="site",
        consent_email=True,
        consent_sms=False,
        consent_calls=True,
        consent_messengers=False,
        consent_personal_data=True,
        consent_third_party=False,
        email_status="valid",
        brands_of_interest=["cardiovita"],
        activity_segment="active",
        segment_codes=["int_cardiovita", "reg_moscow"],
        updated_at=_TSTZ - dt.timedelta(days=3),
        is_deleted=False,
    ),
    "crm/activities": dict(
        activity_id="a1",
        contact_id="c1",
        activity_type="webinar_registration",
        occurred_at=_TSTZ,
        brand_code="cardiovita",
        utm_source=None,
        utm_medium=None,
        utm_campaign=None,
    ),
    "crm/site_logins": dict(login_id="l1", contact_id="c1", client_id="ck1", logged_in_at=_TSTZ),
    "crm/leads": dict(
        lead_id="ld1",
        created_at=_TSTZ,
        contact_id="c1",
        phone="9161234567",
        email=None,
        lead_channel="call",
        calltracking_call_id="call1",
        calltracking_request_id=None,
        brand_code="cardiovita",
    ),
    "crm/deals": dict(
        deal_id="d1",
        lead_id="ld1",
        contact_id="c1",
        created_at=_TSTZ,
        status="open",
        amount_rub=100000.0,
        closed_at=None,
    ),
    "crm/deal_stages": dict(deal_id="d1", stage="qualified", entered_at=_TSTZ),
    "calltracking/sessions": dict(
        session_id="s1",
        client_id="ck1",
        started_at=_TS,
        utm_source="yandex",
        utm_medium="cpc",
        utm_campaign="brand_search",
        utm_content=None,
        utm_term=None,
        referrer=None,
        landing_url="https://pharma.example/",
        device="desktop",
    ),
    "calltracking/calls": dict(
        call_id="call1",
        session_id="s1",
        caller_phone="+7 (916) 123-45-67",
        call_started_at="05.01.2026 12:40:00",
        duration_sec=95,
        is_answered=True,
        is_unique=True,
        is_target=True,
        utm_source="yandex",
        utm_medium="cpc",
        utm_campaign="brand_search",
        tracking_number="+74950000001",
    ),
    "calltracking/requests": dict(
        request_id="r1",
        session_id="s1",
        client_id="ck1",
        request_type="form",
        phone="89161234567",
        email="doc@example.ru",
        name="Anna",
        created_at=_TS,
    ),
    "calltracking/ad_costs": dict(
        date=dt.date(2026, 1, 5),
        utm_source="yandex",
        utm_medium="cpc",
        utm_campaign="brand_search",
        impressions=1000,
        clicks=50,
        cost_rub=2500.0,
    ),
}


def write_table(
    root: Path,
    table: Table,
    rows: list[dict[str, Any]],
    day: str = DAY,
    schema: pa.Schema | None = None,
) -> Path:
    """Writes rows as `<root>/<system>/<table>/<table>_<day>.parquet` and returns the path."""
    folder = root / table.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / table.file_name(day)
    schema = schema or table.schema
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


def write_minimal_landing_zone(root: Path) -> Path:
    """One valid row in every table of the contract; returns the landing zone root."""
    for table in TABLES:
        write_table(root, table, [ONE_ROW[table.folder]])
    return root


def file_day(path: Path) -> dt.date:
    """The export day in a landing-zone file name."""
    return dt.date.fromisoformat(FILE_DAY.search(path.name).group(1))


def land_files_through(raw_dir: Path, last_day: dt.date, source: Path) -> None:
    """Links every file of the landing zone `source` exported on or before last_day into
    raw_dir (the files that had landed by then)."""
    for path in source.rglob("*.parquet"):
        target = raw_dir / path.relative_to(source)
        if file_day(path) <= last_day and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
