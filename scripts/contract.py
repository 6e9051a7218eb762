"""The landing-zone contract (../shared/spec/raw_exports.md) as data.

One definition shared by the generator (arrow schemas), the dbt sources (checked
against it by tests) and the contract tests (checked against the spec text).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "ts": pa.timestamp("us"),
    "tstz": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "list<str>": pa.list_(pa.string()),
}


@dataclass(frozen=True)
class Table:
    """One landing-zone table: a folder `<system>/<name>/` of `<name>_YYYY-MM-DD.parquet` files."""

    system: str
    name: str
    primary_key: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]

    @property
    def folder(self) -> str:
        return f"{self.system}/{self.name}"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(column, ARROW_TYPES[kind]) for column, kind in self.columns])

    def file_name(self, day: str) -> str:
        return f"{self.name}_{day}.parquet"


CONSENT_FLAGS = (
    "consent_email",
    "consent_sms",
    "consent_calls",
    "consent_messengers",
    "consent_personal_data",
    "consent_third_party",
)

TABLES: tuple[Table, ...] = (
    Table(
        "esp",
        "campaigns",
        ("campaign_id",),
        (
            ("campaign_id", "str"),
            ("campaign_name", "str"),
            ("email_type", "str"),
            ("brand_code", "str"),
            ("launched_at", "ts"),
            ("utm_campaign", "str"),
            ("subject", "str"),
            ("cost_rub", "float"),
        ),
    ),
    Table(
        "esp",
        "events",
        ("event_id",),
        (
            ("event_id", "str"),
            ("campaign_id", "str"),
            ("contact_id", "str"),
            ("email", "str"),
            ("event_type", "str"),
            ("event_at", "ts"),
            ("url", "str"),
            ("bounce_kind", "str"),
        ),
    ),
    Table(
        "crm",
        "contacts",
        ("contact_id",),
        (
            ("contact_id", "str"),
            ("email", "str"),
            ("phone", "str"),
            ("first_name", "str"),
            ("last_name", "str"),
            ("specialty", "str"),
            ("workplace_type", "str"),
            ("city", "str"),
            ("region", "str"),
            ("registered_at", "tstz"),
            ("registration_source", "str"),
            *((flag, "bool") for flag in CONSENT_FLAGS),
            ("email_status", "str"),
            ("brands_of_interest", "list<str>"),
            ("activity_segment", "str"),
            ("segment_codes", "list<str>"),
            ("updated_at", "tstz"),
            ("is_deleted", "bool"),
        ),
    ),
    Table(
        "crm",
        "activities",
        ("activity_id",),
        (
            ("activity_id", "str"),
            ("contact_id", "str"),
            ("activity_type", "str"),
            ("occurred_at", "tstz"),
            ("brand_code", "str"),
            ("utm_source", "str"),
            ("utm_medium", "str"),
            ("utm_campaign", "str"),
        ),
    ),
    Table(
        "crm",
        "site_logins",
        ("login_id",),
        (
            ("login_id", "str"),
            ("contact_id", "str"),
            ("client_id", "str"),
            ("logged_in_at", "tstz"),
        ),
    ),
    Table(
        "crm",
        "leads",
        ("lead_id",),
        (
            ("lead_id", "str"),
            ("created_at", "tstz"),
            ("contact_id", "str"),
            ("phone", "str"),
            ("email", "str"),
            ("lead_channel", "str"),
            ("calltracking_call_id", "str"),
            ("calltracking_request_id", "str"),
            ("brand_code", "str"),
        ),
    ),
    Table(
        "crm",
        "deals",
        ("deal_id",),
        (
            ("deal_id", "str"),
            ("lead_id", "str"),
            ("contact_id", "str"),
            ("created_at", "tstz"),
            ("status", "str"),
            ("amount_rub", "float"),
            ("closed_at", "tstz"),
        ),
    ),
    Table(
        "crm",
        "deal_stages",
        ("deal_id", "stage"),
        (
            ("deal_id", "str"),
            ("stage", "str"),
            ("entered_at", "tstz"),
        ),
    ),
    Table(
        "calltracking",
        "sessions",
        ("session_id",),
        (
            ("session_id", "str"),
            ("client_id", "str"),
            ("started_at", "ts"),
            ("utm_source", "str"),
            ("utm_medium", "str"),
            ("utm_campaign", "str"),
            ("utm_content", "str"),
            ("utm_term", "str"),
            ("referrer", "str"),
            ("landing_url", "str"),
            ("device", "str"),
        ),
    ),
    Table(
        "calltracking",
        "calls",
        ("call_id",),
        (
            ("call_id", "str"),
            ("session_id", "str"),
            ("caller_phone", "str"),
            ("call_started_at", "str"),
            ("duration_sec", "int"),
            ("is_answered", "bool"),
            ("is_unique", "bool"),
            ("is_target", "bool"),
            ("utm_source", "str"),
            ("utm_medium", "str"),
            ("utm_campaign", "str"),
            ("tracking_number", "str"),
        ),
    ),
    Table(
        "calltracking",
        "requests",
        ("request_id",),
        (
            ("request_id", "str"),
            ("session_id", "str"),
            ("client_id", "str"),
            ("request_type", "str"),
            ("phone", "str"),
            ("email", "str"),
            ("name", "str"),
            ("created_at", "ts"),
        ),
    ),
    Table(
        "calltracking",
        "ad_costs",
        ("date", "utm_source", "utm_medium", "utm_campaign"),
        (
            ("date", "date"),
            ("utm_source", "str"),
            ("utm_medium", "str"),
            ("utm_campaign", "str"),
            ("impressions", "int"),
            ("clicks", "int"),
            ("cost_rub", "float"),
        ),
    ),
)

TABLES_BY_FOLDER: dict[str, Table] = {table.folder: table for table in TABLES}

# Structural enums: a value outside them rejects the row (raw_exports.md, last section).
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("esp/campaigns", "email_type"): ("activation", "digest", "webinar_invitation", "trigger"),
    ("esp/events", "event_type"): (
        "sent",
        "delivered",
        "opened",
        "clicked",
        "bounced",
        "unsubscribed",
        "complained",
    ),
    ("crm/contacts", "activity_segment"): ("new", "active", "at_risk", "churned"),
    ("crm/activities", "activity_type"): (
        "webinar_registration",
        "webinar_attendance",
        "content_download",
        "sample_request",
    ),
    ("crm/leads", "lead_channel"): ("call", "callback", "form", "chat", "webinar", "offline_visit"),
    ("crm/deals", "status"): ("open", "won", "lost"),
    ("crm/deal_stages", "stage"): ("qualified", "meeting", "booking", "payment", "won", "lost"),
    ("calltracking/requests", "request_type"): ("form", "callback", "chat"),
}

BRANDS = (
    "cardiovita",
    "neurolex",
    "gastrofin",
    "pulmocare",
    "dermaline",
    "osteoforte",
    "immunex",
    "glucobalance",
    "allerstop",
    "urolife",
    "oftamed",
    "pediakid",
)
SPECIALTIES = (
    "therapist",
    "pediatrician",
    "cardiologist",
    "neurologist",
    "gastroenterologist",
    "endocrinologist",
    "dentist",
    "pharmacist",
)
SEGMENT_CODES_BY_GROUP: dict[str, tuple[str, ...]] = {
    "engagement": (
        "eng_openers_30d",
        "eng_clickers_30d",
        "eng_non_openers_90d",
        "eng_webinar_registrants",
        "eng_webinar_attendees",
        "eng_content_downloaders",
    ),
    "interest": tuple(f"int_{brand}" for brand in BRANDS),
    "specialty_cluster": ("spec_primary_care", "spec_narrow_specialists", "spec_pharmacy"),
    "lifecycle": ("life_new_30d", "life_tenure_1y", "life_reactivated", "life_lapsed"),
    "consent": ("cons_email_only", "cons_multichannel", "cons_no_third_party"),
    "value": ("val_high", "val_medium", "val_low"),
    "region": ("reg_moscow", "reg_spb", "reg_regions"),
}
