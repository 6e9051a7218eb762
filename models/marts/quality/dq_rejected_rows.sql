{#- Every raw row that could not be staged, with its file and reason. -#}
with

rejected as (
    {%- for raw in raw_contract() %}
        select
            '{{ raw.table }}' as source_table,
            _source_file as source_file,
            _file_row as source_file_row,
            {{ key_text(raw.key) }} as primary_key,
            _reject_reason as reason
        from {{ ref(raw.model) }}
        where _reject_reason is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from rejected
