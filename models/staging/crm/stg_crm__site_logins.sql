with

base as (
    select * from {{ ref('base_crm__site_logins') }}
),

clean as (
    select
        login_id,
        contact_id,
        client_id,
        logged_in_at,
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
