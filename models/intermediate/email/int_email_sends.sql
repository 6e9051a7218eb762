{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **incremental_by_key('send_id', 'sent_date'),
) }}
{#- One row per send with the contact's segment at the moment of sending (fct_email_sends
    adds the person, whose id follows the identity graph and so is not stored here).

    Incremental by watermarks taken from the data (never the wall clock, so a replay and a
    full build give the same rows): a run recomputes, from all their events, only the sends
    that (a) got an event in a file newer than the table has seen (new sends and late
    events of old sends), (b) got a registration in a newer activities file, or (c) fall
    in a contact version that a contacts export newer than any version the table used
    introduced. Recomputing whole sends keeps an incremental run equal to a full rebuild. -#}
with

events as (
    select * from {{ ref('int_email_events_matched') }}
),

registrations as (
    select * from {{ ref('int_email_registrations_attributed') }}
),

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

versions as (
    select * from {{ ref('int_contact_versions') }}
),

{% if is_incremental() %}
watermarks as (
    select
        coalesce(max(events_file_date), cast('1900-01-01' as date)) as events_file_date,
        coalesce(max(registrations_file_date), cast('1900-01-01' as date))
            as registrations_file_date,
        coalesce(max(contacts_export_date), cast('1900-01-01' as date)) as contacts_export_date
    from {{ this }}
),

touched_sends as (
    select events.send_id
    from events
    cross join watermarks
    where events._file_date > watermarks.events_file_date
    union all
    select registrations.send_id
    from registrations
    cross join watermarks
    where
        registrations._file_date > watermarks.registrations_file_date
        and registrations.send_id is not null
    union all
    select sends.send_id
    from {{ this }} as sends
    inner join versions
        on sends.contact_id = versions.contact_id
    cross join watermarks
    where
        versions.export_date > watermarks.contacts_export_date
        and sends.sent_at >= versions.valid_from
),

rebuilt_sends as (
    {{ keys_to_rebuild(
        'touched_sends',
        'send_id',
        "select send_id, " ~ local_day("min(case when event_type = 'sent' then event_at end)")
        ~ " as day from events group by send_id",
    ) }}
),
{% endif %}

send_events as (
    select
        send_id,
        campaign_id,
        contact_id,
        min(case when event_type = 'sent' then event_at end) as sent_at,
        {{ max_label('contact_match', ['esp_contact_id', 'email_at_event', 'unmatched']) }}
            as contact_match,
        {#- the email only counts for a send without a contact (the contact is a group key):
            a text aggregate over every event cost minutes at `l` -#}
        coalesce(
            {{ identity_node('contact', 'contact_id') }},
            {{ identity_node('email', "min(case when contact_id is null then email end)") }}
        ) as person_node,
        max(case when event_type = 'delivered' then 1 else 0 end) = 1 as is_delivered,
        max(case when event_type = 'bounced' then 1 else 0 end) = 1 as is_bounced,
        max(case when event_type = 'bounced' then bounce_kind end) as bounce_kind,
        count(case when event_type = 'opened' then 1 end) as opens,
        count(case when event_type = 'clicked' then 1 end) as clicks,
        min(case when event_type = 'opened' then event_at end) as first_opened_at,
        min(case when event_type = 'clicked' then event_at end) as first_clicked_at,
        max(case when event_type = 'unsubscribed' then 1 else 0 end) = 1 as is_unsubscribed,
        max(case when event_type = 'complained' then 1 else 0 end) = 1 as is_complained,
        max(_file_date) as events_file_date
    from events
    {% if is_incremental() -%}
        where send_id in (select rebuilt_sends.send_id from rebuilt_sends)
    {%- endif %}
    group by send_id, campaign_id, contact_id
    having sum(case when event_type = 'sent' then 1 else 0 end) > 0
),

send_registrations as (
    select
        send_id,
        count(*) as registrations,
        max(_file_date) as registrations_file_date
    from registrations
    where send_id is not null
    group by send_id
),

sends as (
    select
        send_events.send_id,
        send_events.campaign_id,
        send_events.contact_id,
        send_events.contact_match,
        send_events.person_node,
        send_events.sent_at,
        {{ local_day('send_events.sent_at') }} as sent_date,
        campaigns.email_type,
        campaigns.brand_code,
        coalesce(segment_at_send.specialty, 'unknown') as specialty,
        coalesce(segment_at_send.activity_segment, 'unknown') as segment_at_send,
        coalesce(segment_at_send.segment_codes, {{ empty_text_list() }}) as segment_codes_at_send,
        send_events.is_delivered,
        send_events.is_bounced,
        send_events.bounce_kind,
        send_events.opens,
        send_events.clicks,
        send_events.opens > 0 as is_opened,
        send_events.clicks > 0 as is_clicked,
        send_events.first_opened_at,
        send_events.first_clicked_at,
        send_events.is_unsubscribed,
        send_events.is_complained,
        coalesce(send_registrations.registrations, 0) as registrations,
        send_events.events_file_date,
        send_registrations.registrations_file_date,
        segment_at_send.export_date as contacts_export_date
    from send_events
    left join campaigns
        on send_events.campaign_id = campaigns.campaign_id
    left join versions as segment_at_send
        on
            send_events.contact_id = segment_at_send.contact_id
            and send_events.sent_at >= segment_at_send.valid_from
            and send_events.sent_at < coalesce(segment_at_send.valid_to, {{ end_of_time() }})
            and not segment_at_send.is_deleted
    left join send_registrations
        on send_events.send_id = send_registrations.send_id
)

select * from sends
