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
