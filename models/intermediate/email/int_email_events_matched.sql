{#- ESP events with their CRM contact and the send they belong to. An event without a
    contact_id is matched by its normalized email when exactly one live contact has that
    email at the moment of the event (contact history in business time, so the answer for
    a past event never changes); otherwise it stays unmatched. -#}
{#- A table: five models and four tests read it, and as a view each of them matched every
    event again (about 5 min per reader at the `l` preset's 52.6M events).

    Incremental on DuckDB: a run matches again only (a) the events of every campaign and
    recipient pair with an event in a file newer than the table has seen (a new send can
    make an older event of its pair valid: base_esp__events), and (b) the events without a
    contact_id at or after the start of the earliest contact version that a contacts
    export newer than `contacts_seen_through` introduced. -#}
{{ config(**incremental_on_duckdb('event_id')) }}
{%- set recipient = "coalesce(contact_id, 'email:' || coalesce(email, ''))" %}
with

events as (
    select * from {{ ref('stg_esp__events') }}
),

versions as (
    select * from {{ ref('int_contact_versions') }}
),

{% if is_incremental() %}
    watermarks as (
        select
            coalesce(max(_file_date), cast('1900-01-01' as date)) as events_file_date,
            coalesce(max(contacts_seen_through), cast('1900-01-01' as date))
                as contacts_seen_through
        from {{ this }}
    ),

    new_pairs as (
        select distinct
            events.campaign_id,
            {{ recipient }} as recipient
        from events
        cross join watermarks
        where events._file_date > watermarks.events_file_date
    ),

    new_versions_from as (
        select min(versions.valid_from) as valid_from
        from versions
        cross join watermarks
        where versions.export_date > watermarks.contacts_seen_through
    ),

    rebuilt_events as (
        select event_id
        from events
        where {{ key_hash(['campaign_id', recipient]) }} in (
            select {{ key_hash(['campaign_id', 'recipient']) }} from new_pairs
        )
        union
        select events.event_id
        from events
        cross join new_versions_from
        where events.contact_id is null and events.event_at >= new_versions_from.valid_from
    ),

    events_to_match as (
        select * from events
        where event_id in (select rebuilt_events.event_id from rebuilt_events)
    ),
{% else %}
    events_to_match as (
        select * from events
    ),
{% endif %}

seen_through as (
    select max(export_date) as contacts_seen_through
    from versions
),

email_holders_at_event as (
    select
        events.event_id,
        min(versions.contact_id) as contact_id,
        count(distinct versions.contact_id) as holders
    from events_to_match as events
    inner join versions
        on
            events.email = versions.email
            and events.event_at >= versions.valid_from
            and (events.event_at < versions.valid_to or versions.valid_to is null)
    where events.contact_id is null and not versions.is_deleted
    group by events.event_id
),

matched as (
    select
        events.event_id,
        events.campaign_id,
        case
            when events.contact_id is not null then events.contact_id
            when email_holders_at_event.holders = 1 then email_holders_at_event.contact_id
        end as contact_id,
        case
            when events.contact_id is not null then 'esp_contact_id'
            when email_holders_at_event.holders = 1 then 'email_at_event'
            else 'unmatched'
        end as contact_match,
        events.email,
        events.event_type,
        events.event_at,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.bounce_kind,
        events._file_date,
        seen_through.contacts_seen_through
    from events_to_match as events
    cross join seen_through
    left join email_holders_at_event
        on events.event_id = email_holders_at_event.event_id
),

with_send as (
    select
        {{ send_id('campaign_id', 'contact_id', 'email') }} as send_id,
        *
    from matched
)

select * from with_send
