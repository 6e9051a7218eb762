{% macro duckdb__safe_cast(field, type) -%}
    {#- dbt-duckdb leaves dbt.safe_cast a plain cast, which fails the whole model on one
        value that does not parse; try_cast gives null, and staging rejects the row. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
