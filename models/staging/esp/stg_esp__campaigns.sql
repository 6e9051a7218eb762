with

base as (
    select * from {{ ref('base_esp__campaigns') }}
),

clean as (
    select
        campaign_id,
        campaign_name,
        email_type,
        brand_code,
        launched_at,
        utm_campaign,
        subject,
        cost_rub,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
