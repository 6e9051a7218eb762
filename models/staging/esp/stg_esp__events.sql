with

base as (
    select * from {{ ref('base_esp__events') }}
),

clean as (
    select
        event_id,
        campaign_id,
        contact_id,
        email,
        is_email_invalid,
        event_type,
        event_at,
        url,
        utm_source,
        utm_medium,
        utm_campaign,
        bounce_kind,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
