{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Layers get their own schema (staging, intermediate, snapshots); marts land in the
        target schema, so BI tools see `main.mart_*` without a prefix. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
