{#- Email checks per day: events matched to a contact, events for an unknown campaign,
    sends with an unknown segment at send. -#}
with

events as (
    select * from {{ ref('int_email_events_matched') }}
),

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

sends as (
    select * from {{ ref('int_email_sends') }}
),

events_by_day as (
    select
        {{ local_day('events.event_at') }} as day,
        count(*) as events,
        count(case when events.contact_match <> 'unmatched' then 1 end) as matched_events,
        count(case when campaigns.campaign_id is null then 1 end) as unknown_campaign_events
    from events
    left join campaigns
        on events.campaign_id = campaigns.campaign_id
    group by 1
),

sends_by_day as (
    select
        sends.sent_date as day,
        count(*) as sends,
        count(case when sends.segment_at_send = 'unknown' then 1 end) as unknown_segment_sends
    from sends
    group by 1
),

checks as (
    select
        day,
        'esp_events_matched_to_contact' as check_name,
        'esp/events' as check_scope,
        matched_events as numerator,
        events as denominator
    from events_by_day
    union all
    select
        day,
        'events_for_unknown_campaign',
        'esp/events',
        unknown_campaign_events,
        events
    from events_by_day
    union all
    select
        day,
        'sends_with_unknown_segment',
        'fct_email_sends',
        unknown_segment_sends,
        sends
    from sends_by_day
)

select * from checks
