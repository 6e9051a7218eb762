{% macro duckdb__safe_cast(field, type) -%}
    {#- dbt-duckdb leaves dbt.safe_cast a plain cast, which fails the whole model on one
        value that does not parse; try_cast gives null, and staging rejects the row. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{% macro spark__safe_cast(field, type) -%}
    {#- Spark's cast fails on a malformed value when ANSI mode is on (the Spark 4 default). -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
