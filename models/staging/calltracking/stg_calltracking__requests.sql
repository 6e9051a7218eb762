with

base as (
    select * from {{ ref('base_calltracking__requests') }}
),

clean as (
    select
        {{ typed_columns() }},
        _source_file,
        _file_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
