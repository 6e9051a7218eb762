{#- ESP events with their CRM contact and the send they belong to. An event without a
    contact_id is matched by its normalized email when exactly one live contact has that
    email at the moment of the event (contact history in business time, so the answer for
    a past event never changes); otherwise it stays unmatched. -#}
{#- A table: five models and four tests read it, and as a view each of them matched every
    event again (about 5 min per reader at the `l` preset's 52.6M events). -#}
{{ config(materialized='table') }}
with

events as (
    select * from {{ ref('stg_esp__events') }}
),

versions as (
    select * from {{ ref('int_contact_versions') }}
),

email_holders_at_event as (
    select
        events.event_id,
        min(versions.contact_id) as contact_id,
        count(distinct versions.contact_id) as holders
    from events
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
        events._file_date
    from events
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
