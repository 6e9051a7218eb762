{#- Raw rows per landing-zone file and what became of them: staged, dropped as an older
    copy of a re-exported record, or rejected. raw_rows = staged + duplicates + rejected. -#}
with

accounted as (
    {%- for raw in raw_contract() %}
        select
            '{{ raw.table }}' as source_table,
            _source_file as source_file,
            _file_date as file_date,
            count(*) as raw_rows,
            count(case when _reject_reason is null and not _is_duplicate then 1 end) as staged_rows,
            count(case when _is_duplicate then 1 end) as duplicate_rows,
            count(case when _reject_reason is not null then 1 end) as rejected_rows
        from {{ ref(raw.model) }}
        group by _source_file, _file_date
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from accounted
