with

base as (
    select * from {{ ref('base_crm__activities') }}
),

clean as (
    select
        activity_id,
        contact_id,
        activity_type,
        occurred_at,
        brand_code,
        utm_source,
        utm_medium,
        utm_campaign,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
