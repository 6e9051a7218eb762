{% macro contacts_export_date(default_expression, var_name='contacts_export_date') -%}
    {#- A contacts export day: a literal date from the var (scripts/run_pipeline.py sets
        `contacts_export_date`, the export a run snapshots, and
        `contacts_previous_export_date`, the one before it, so that DuckDB reads only those
        exports' files), else the given SQL expression. -#}
    {%- set day = var(var_name, none) -%}
    {%- if day -%}
        cast('{{ day }}' as date)
    {%- else -%}
        {{ default_expression }}
    {%- endif -%}
{%- endmacro %}
