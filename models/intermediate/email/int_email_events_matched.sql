{#- ESP events with their CRM contact (the ESP's contact_id, else the only contact with the
    event's email) and the send they belong to. -#}
with

events as (
    select * from {{ ref('stg_esp__events') }}
),

email_owners as (
    select * from {{ ref('int_contact_email_owners') }}
),

matched as (
    select
        events.event_id,
        events.campaign_id,
        coalesce(events.contact_id, email_owners.contact_id) as contact_id,
        case
            when events.contact_id is not null then 'esp_contact_id'
            when email_owners.contact_id is not null then 'email'
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
    left join email_owners
        on
            events.contact_id is null
            and events.email = email_owners.email
),

with_send as (
    select
        {{ send_id('campaign_id', 'contact_id', 'email') }} as send_id,
        *
    from matched
)

select * from with_send
