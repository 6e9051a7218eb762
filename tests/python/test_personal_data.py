"""No personal data beyond ids in what BI tools read: no email, phone or name in any column
name or value of a dim_/fct_/mart_ relation; and no contact without email consent is ever
counted as addressable."""

from __future__ import annotations

import duckdb
from conftest import DEMO_RAW

PERSONAL_COLUMNS = {"email", "phone", "caller_phone", "first_name", "last_name", "name"}


def bi_relations(demo_db: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in demo_db.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
            " and regexp_matches(table_name, '^(dim|fct|mart)_') order by 1"
        ).fetchall()
    ]


def text_columns(demo_db: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, bool]]:
    """(column, is_list) for every text and list-of-text column."""
    return [
        (name, data_type.endswith("[]"))
        for name, data_type in demo_db.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'main' and table_name = ? and data_type like 'VARCHAR%'",
            [relation],
        ).fetchall()
    ]


def personal_values(connection: duckdb.DuckDBPyConnection) -> None:
    """Every email, phone and name of the landing zone, as typed and normalized, lower-cased."""
    connection.execute(f"""
        create temp table personal as
        with raw_values as (
            select email as value from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet')
            union all select phone from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet')
            union all select first_name from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet')
            union all select last_name from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet')
            union all select email from read_parquet('{DEMO_RAW}/esp/events/*.parquet')
            union all select phone from read_parquet('{DEMO_RAW}/crm/leads/*.parquet')
            union all select email from read_parquet('{DEMO_RAW}/crm/leads/*.parquet')
            union all select caller_phone from read_parquet('{DEMO_RAW}/calltracking/calls/*.parquet')
            union all select phone from read_parquet('{DEMO_RAW}/calltracking/requests/*.parquet')
            union all select email from read_parquet('{DEMO_RAW}/calltracking/requests/*.parquet')
            union all select name from read_parquet('{DEMO_RAW}/calltracking/requests/*.parquet')
        ),
        forms as (
            select lower(trim(value)) as value from raw_values
            union all
            select regexp_replace(value, '[^0-9]', '', 'g') from raw_values
            union all
            select '+7' || right(regexp_replace(value, '[^0-9]', '', 'g'), 10) from raw_values
        )
        select distinct value from forms where length(value) >= 3
    """)


def test_no_personal_column_names_in_bi_relations(demo_db: duckdb.DuckDBPyConnection) -> None:
    relations = bi_relations(demo_db)
    assert len(relations) >= 17  # 4 dim_, 5 fct_, 8 mart_ at least
    found = demo_db.execute(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'main' and regexp_matches(table_name, '^(dim|fct|mart)_')"
        " and lower(column_name) in (select unnest(?))",
        [sorted(PERSONAL_COLUMNS)],
    ).fetchall()
    assert found == []


def test_no_personal_values_in_bi_relations(demo_db: duckdb.DuckDBPyConnection) -> None:
    personal_values(demo_db)
    assert demo_db.execute("select count(*) from personal").fetchone()[0] > 10_000
    leaks = []
    for relation in bi_relations(demo_db):
        for column, is_list in text_columns(demo_db, relation):
            values = f"unnest({column})" if is_list else column
            leaks += demo_db.execute(f"""
                with column_values as (select distinct {values} as value from main.{relation})
                select '{relation}', '{column}', value
                from column_values
                where lower(value) in (select value from personal) or value like '%@%'
                limit 3
            """).fetchall()
    assert leaks == []


def test_the_scan_finds_a_planted_email_and_phone(demo_db: duckdb.DuckDBPyConnection) -> None:
    """The scan above can fail: the same query finds raw values copied into a relation."""
    personal_values(demo_db)
    email, phone = demo_db.execute(f"""
        select email, phone from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet')
        where email is not null and phone is not null limit 1
    """).fetchone()
    found = demo_db.execute(
        "select count(*) from (select unnest([?, ?, 'no-personal-data']) as value)"
        " where lower(value) in (select value from personal) or value like '%@%'",
        [email.upper(), phone],
    ).fetchone()[0]
    assert found == 2


def test_contacts_without_email_consent_are_never_addressable(
    demo_db: duckdb.DuckDBPyConnection,
) -> None:
    """Independently of the snapshot: each contact's card in the newest export it is in."""
    latest_cards = demo_db.execute(f"""
        select contact_id, consent_email
        from read_parquet('{DEMO_RAW}/crm/contacts/*.parquet', filename = true)
        qualify row_number() over (partition by contact_id order by filename desc) = 1
    """).fetchall()
    no_consent = {contact_id for contact_id, consent in latest_cards if not consent}
    assert len(no_consent) > 100
    addressable = {
        contact_id
        for (contact_id,) in demo_db.execute(
            "select contact_id from main.dim_contacts where is_email_addressable"
        ).fetchall()
    }
    assert addressable
    assert addressable.isdisjoint(no_consent)
    assert (
        demo_db.execute(
            "select count(*) from main.dim_contacts where is_email_addressable"
            " and not coalesce(consent_email, false)"
        ).fetchone()[0]
        == 0
    )
