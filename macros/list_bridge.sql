{% macro list_bridge(relation, key, list_column, element) -%}
    {#- A list column flat, for BI tools that cannot read lists: one row per key and distinct
        element (none for an empty list). -#}
with

listed as (
    select * from {{ relation }}
),

elements as (
    select
        {{ key }},
        {{ unnest_list(list_column) }} as {{ element }}
    from listed
),

flattened as (
    select distinct
        {{ key }},
        {{ element }}
    from elements
)

select * from flattened
{%- endmacro %}
