with

base as (
    select * from {{ ref('base_calltracking__requests') }}
),

clean as (
    select
        request_id,
        session_id,
        client_id,
        request_type,
        phone,
        is_phone_invalid,
        email,
        is_email_invalid,
        name,
        created_at,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
