with

base as (
    select * from {{ ref('base_calltracking__sessions') }}
),

clean as (
    select
        session_id,
        client_id,
        started_at,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_term,
        referrer,
        landing_url,
        device,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
