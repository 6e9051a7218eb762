{% macro contacts_export_date(default_expression) -%}
    {#- The contacts export a run snapshots: a literal date from var `contacts_export_date`,
        else the given SQL expression (the newest export). -#}
    {%- set day = var('contacts_export_date', none) -%}
    {%- if day -%}
        cast('{{ day }}' as date)
    {%- else -%}
        {{ default_expression }}
    {%- endif -%}
{%- endmacro %}


{% macro contacts_previous_export_date(default_expression) -%}
    {#- The contacts export before the one a run snapshots: a literal date from var
        `contacts_previous_export_date` (scripts/run_pipeline.py sets it from the file
        names, so that only that export's files are read), else the given SQL expression. -#}
    {%- set day = var('contacts_previous_export_date', none) -%}
    {%- if day -%}
        cast('{{ day }}' as date)
    {%- else -%}
        {{ default_expression }}
    {%- endif -%}
{%- endmacro %}
