with

base as (
    select * from {{ ref('base_crm__deals') }}
),

clean as (
    select
        deal_id,
        lead_id,
        contact_id,
        created_at,
        status,
        amount_rub,
        closed_at,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
