with

base as (
    select * from {{ ref('base_calltracking__calls') }}
),

clean as (
    select
        call_id,
        session_id,
        caller_phone,
        is_phone_invalid,
        call_started_at_local_text,
        call_started_at,
        duration_sec,
        is_answered,
        is_unique,
        is_target,
        utm_source,
        utm_medium,
        utm_campaign,
        tracking_number,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
