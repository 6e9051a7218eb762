{#- Where the contacts of each campaign went: segment at send → segment
    `segment_flow_days` later (the flows of a Sankey chart). A send whose horizon is past
    the newest contacts export is under 'not_yet_known'; a deleted contact, 'deleted'; one no
    version covers, 'unknown'. -#}
with

sends as (
    select * from {{ ref('fct_email_sends') }}
),

versions as (
    select * from {{ ref('int_contact_versions') }}
),

observed_until as (
    select {{ local_day_end_utc('max(versions.export_date)') }} as observed_until
    from versions
),

horizons as (
    select
        sends.send_id,
        sends.campaign_id,
        sends.contact_id,
        sends.segment_at_send,
        {{ dbt.dateadd('day', var('segment_flow_days'), 'sends.sent_at') }} as horizon_at
    from sends
),

segment_after as (
    select
        horizons.send_id,
        case when versions.is_deleted then 'deleted' else versions.activity_segment end
            as activity_segment
    from horizons
    inner join versions
        on
            horizons.contact_id = versions.contact_id
            and horizons.horizon_at >= versions.valid_from
            and (horizons.horizon_at < versions.valid_to or versions.valid_to is null)
),

flows as (
    select
        horizons.campaign_id,
        horizons.segment_at_send,
        case
            when horizons.horizon_at > observed_until.observed_until then 'not_yet_known'
            else coalesce(segment_after.activity_segment, 'unknown')
        end as segment_after,
        count(distinct horizons.contact_id) as contacts,
        count(*) as sends
    from horizons
    cross join observed_until
    left join segment_after
        on horizons.send_id = segment_after.send_id
    group by
        horizons.campaign_id,
        horizons.segment_at_send,
        case
            when horizons.horizon_at > observed_until.observed_until then 'not_yet_known'
            else coalesce(segment_after.activity_segment, 'unknown')
        end
),

with_days as (
    select
        campaign_id,
        segment_at_send,
        segment_after,
        {{ var('segment_flow_days') }} as flow_days,
        contacts,
        sends
    from flows
)

select * from with_days
