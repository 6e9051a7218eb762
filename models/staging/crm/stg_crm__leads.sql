with

base as (
    select * from {{ ref('base_crm__leads') }}
),

clean as (
    select
        lead_id,
        created_at,
        contact_id,
        phone,
        is_phone_invalid,
        email,
        is_email_invalid,
        lead_channel,
        calltracking_call_id,
        calltracking_request_id,
        brand_code,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
