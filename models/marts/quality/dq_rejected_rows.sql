{#- Every raw row that could not be staged, with its file and reason. -#}
with

{% for raw in raw_tables() -%}
{{ raw.model }} as (
    select
        '{{ raw.table }}' as source_table,
        _source_file as source_file,
        _file_row as source_file_row,
        {% for column in raw.key -%}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif %}
        {%- endfor %} as primary_key,
        _reject_reason as reason
    from {{ ref(raw.model) }}
    where _reject_reason is not null
),

{% endfor -%}
rejected as (
    {%- for raw in raw_tables() %}
    select * from {{ raw.model }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from rejected
