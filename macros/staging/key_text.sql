{% macro key_text(columns) -%}
    {#- A (possibly composite) key as one text value, parts joined by '|'. -#}
    {%- for column in columns -%}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
