{#- Webinar registrations with the email campaign they belong to (marts.md, "Email
    conversion"): the campaign their utm_campaign names, else the campaign the contact
    clicked last within `email_conversion_days` before registering. -#}
with

registrations as (
    select *
    from {{ ref('stg_crm__activities') }}
    where activity_type = 'webinar_registration'
),

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

clicks as (
    select *
    from {{ ref('int_email_events_matched') }}
    where event_type = 'clicked' and contact_id is not null
),

campaign_by_utm as (
    select
        utm_campaign,
        min(campaign_id) as campaign_id
    from campaigns
    where utm_campaign is not null
    group by utm_campaign
),

named_by_utm as (
    select
        registrations.activity_id,
        campaign_by_utm.campaign_id
    from registrations
    inner join campaign_by_utm
        on registrations.utm_campaign = campaign_by_utm.utm_campaign
),

clicks_before as (
    {{ latest_earlier_event(
        'registrations', 'activity_id', 'occurred_at', 'clicks', 'event_at', ['campaign_id'],
        'registrations.contact_id = clicks.contact_id', 'clicks.event_id desc',
        [var('email_conversion_days'), 'day']
    ) }}
),

attributed as (
    select
        registrations.activity_id,
        registrations.contact_id,
        registrations.occurred_at as registered_at,
        registrations.brand_code,
        registrations._file_date,
        coalesce(named_by_utm.campaign_id, clicks_before.campaign_id) as campaign_id,
        case
            when named_by_utm.campaign_id is not null then 'utm_campaign'
            when clicks_before.campaign_id is not null then 'click_within_window'
        end as attribution_rule
    from registrations
    left join named_by_utm
        on registrations.activity_id = named_by_utm.activity_id
    left join clicks_before
        on registrations.activity_id = clicks_before.activity_id
),

with_send as (
    select
        *,
        case
            when campaign_id is not null
                then {{ send_id('campaign_id', 'contact_id', 'null') }}
        end as send_id
    from attributed
)

select * from with_send
