{% macro attribution_models() -%}
    {#- The attribution models of fct_attribution (marts.md, "Attribution models"). -#}
    {{ return(['last_click', 'first_click', 'linear', 'position_based', 'time_decay']) }}
{%- endmacro %}


{% macro not_set(column) -%}
    {#- A grain key of the BI marts: a missing utm value is `(not set)`, never null. -#}
    coalesce({{ column }}, '(not set)')
{%- endmacro %}
