{% macro max_label(column, labels) -%}
    {#- max(column) over a column that holds one of a few known labels, aggregated as the
        label's rank: over tens of millions of rows a max over text costs several times a
        max over numbers. -#}
    {%- set ordered = labels | sort -%}
    case max(case {{ column }}
        {%- for label in ordered %} when '{{ label }}' then {{ loop.index }}{% endfor %} end)
        {%- for label in ordered %} when {{ loop.index }} then '{{ label }}'{% endfor %}
    end
{%- endmacro %}
