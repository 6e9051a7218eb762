"""A second implementation, in pandas, of the definitions the email models implement
(marts.md), computed straight from the raw files and the generator's true contact history.
Tests compare the warehouse against it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

EMAIL = re.compile(r"^[^@]*@[^@]*\.[^@]*$")
EVENT_TYPES = ["sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "complained"]


def normalize_email(raw: str | None) -> str | None:
    """Trimmed, lower-cased; None without exactly one '@' and a dot in the domain."""
    if raw is None or raw != raw:
        return None
    email = raw.strip().lower()
    return email if EMAIL.match(email) else None


def _connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("set timezone = 'UTC'")
    return connection


def raw_events(raw_dir: Path) -> pd.DataFrame:
    """ESP events with a key and a known type; a re-exported event keeps its newest file."""
    events = (
        _connection()
        .execute(f"""
        select *, regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})[.]parquet$', 1) as file_day
        from read_parquet('{raw_dir}/esp/events/*.parquet', filename = true, union_by_name = true)
    """)
        .df()
    )
    events = events[events["event_id"].notna() & events["event_type"].isin(EVENT_TYPES)]
    events = events.sort_values(["file_day", "filename"]).drop_duplicates("event_id", keep="last")
    events["email_normalized"] = events["email"].map(normalize_email)
    return events.reset_index(drop=True)


def contact_versions(raw_dir: Path, truth_dir: Path) -> pd.DataFrame:
    """Every true version of every contact, with the normalized email it had."""
    versions = (
        _connection()
        .execute(f"""
        select history.contact_id, cast(history.valid_from as timestamp) as valid_from,
            cast(history.valid_to as timestamp) as valid_to, history.is_deleted, export.email
        from '{truth_dir}/contact_history.parquet' as history
        inner join (
            select distinct contact_id, email, updated_at
            from read_parquet('{raw_dir}/crm/contacts/*.parquet', union_by_name = true)
        ) as export
            on export.contact_id = history.contact_id and export.updated_at = history.valid_from
    """)
        .df()
    )
    versions["email"] = versions["email"].map(normalize_email)
    return versions


def resolve_contacts(events: pd.DataFrame, versions: pd.DataFrame) -> pd.Series:
    """The contact of each event: its contact_id, else the only live contact that had the
    event's email at the event's moment, else None."""
    live = versions[~versions["is_deleted"] & versions["email"].notna()]
    anonymous = events.loc[
        events["contact_id"].isna(), ["event_id", "email_normalized", "event_at"]
    ]
    holders = anonymous.merge(live, left_on="email_normalized", right_on="email")
    holders = holders[
        (holders["valid_from"] <= holders["event_at"])
        & (holders["valid_to"].isna() | (holders["event_at"] < holders["valid_to"]))
    ]
    counted = holders.groupby("event_id")["contact_id"].agg(["nunique", "first"])
    single = counted.loc[counted["nunique"] == 1, "first"]
    return events["contact_id"].fillna(events["event_id"].map(single))


def funnel_per_campaign(raw_dir: Path, truth_dir: Path) -> pd.DataFrame:
    """Sends, delivered, unique/total opens and clicks, unsubscribes and complaints per
    campaign: a send is campaign × contact (or × email when no contact resolves)."""
    events = raw_events(raw_dir)
    events["contact"] = resolve_contacts(events, contact_versions(raw_dir, truth_dir))
    events["send"] = (
        events["campaign_id"]
        + "|"
        + events["contact"].fillna("email:" + events["email_normalized"].fillna(""))
    )
    per_send = pd.crosstab([events["campaign_id"], events["send"]], events["event_type"])
    per_send = per_send.reindex(columns=EVENT_TYPES, fill_value=0)
    per_send = per_send[per_send["sent"] > 0]
    grouped = per_send.groupby(level="campaign_id")
    return pd.DataFrame(
        {
            "sent": grouped.size(),
            "delivered": grouped["delivered"].agg(lambda s: int((s > 0).sum())),
            "unique_opens": grouped["opened"].agg(lambda s: int((s > 0).sum())),
            "total_opens": grouped["opened"].sum(),
            "unique_clicks": grouped["clicked"].agg(lambda s: int((s > 0).sum())),
            "total_clicks": grouped["clicked"].sum(),
            "unsubscribes": grouped["unsubscribed"].agg(lambda s: int((s > 0).sum())),
            "complaints": grouped["complained"].agg(lambda s: int((s > 0).sum())),
        }
    ).sort_index()


def funnel_per_send(
    raw_dir: Path, truth_dir: Path, time_zone: str = "Europe/Moscow"
) -> pd.DataFrame:
    """One row per send (as in funnel_per_campaign) with its campaign, email type, the
    day of its first `sent` event in the reporting time zone, and the flags delivered,
    opened, clicked (0/1)."""
    events = raw_events(raw_dir)
    events["contact"] = resolve_contacts(events, contact_versions(raw_dir, truth_dir))
    events["send"] = (
        events["campaign_id"]
        + "|"
        + events["contact"].fillna("email:" + events["email_normalized"].fillna(""))
    )
    per_send = pd.crosstab(events["send"], events["event_type"])
    per_send = per_send.reindex(columns=EVENT_TYPES, fill_value=0)
    per_send = (per_send[per_send["sent"] > 0] > 0).astype(int)
    sent = (
        events[events["event_type"] == "sent"]
        .groupby("send")
        .agg(campaign_id=("campaign_id", "first"), sent_at=("event_at", "min"))
    )
    per_send = per_send.join(sent, how="inner")
    local = per_send["sent_at"].dt.tz_localize("UTC").dt.tz_convert(time_zone)
    per_send["sent_date"] = local.dt.date
    campaigns = (
        _connection()
        .execute(f"""
        select campaign_id, email_type from (
            select *, row_number() over (partition by campaign_id order by filename desc) as newest
            from read_parquet('{raw_dir}/esp/campaigns/*.parquet', filename = true)
            where campaign_id is not null
        ) where newest = 1
    """)
        .df()
    )
    return per_send.reset_index().merge(campaigns, on="campaign_id", how="left")


def newest_ad_costs_sql(raw: Path) -> str:
    """The ad-cost rows staging keeps, from the raw files: valid rows, the newest file's copy
    of each (date, utm triple)."""
    return f"""
        select * exclude (newest) from (
            select *, row_number() over (
                partition by date, lower(utm_source), lower(utm_medium), lower(utm_campaign)
                order by filename desc) as newest
            from read_parquet('{raw}/calltracking/ad_costs/*.parquet', filename = true)
            where cost_rub >= 0 and utm_source is not null and utm_medium is not null
                and utm_campaign is not null and date is not null
        ) where newest = 1"""


def valid_leads_sql(raw: Path, channels: tuple[str, ...]) -> str:
    """The leads staging keeps, from the raw files (raw_exports.md): a lead_id, a lead_channel
    of the contract's enum and a believable created_at (from 2000 to a day after the file's
    export day); the newest file's copy of each lead."""
    accepted = ", ".join(f"'{channel}'" for channel in channels)
    return f"""
        select * exclude (newest) from (
            select *, row_number() over (partition by lead_id order by filename desc) as newest
            from read_parquet('{raw}/crm/leads/*.parquet', filename = true)
            where lead_id is not null and lead_channel in ({accepted})
                and cast(created_at as timestamp) >= timestamp '2000-01-01'
                and cast(created_at as timestamp) < cast(regexp_extract(
                    filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})[.]parquet$', 1) as date)
                    + interval 2 day
        ) where newest = 1"""
