{#- Every daily full export (export_date); a contact appears once per export. -#}
with

base as (
    select * from {{ ref('base_crm__contacts') }}
),

clean as (
    select
        {{ typed_columns() }},
        _source_file,
        _file_date as export_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
