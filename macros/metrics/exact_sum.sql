{% macro exact_sum(expression, scale=12, over=none) -%}
    {#- A sum of doubles that does not depend on the order the engine adds the rows in: each
        value as a decimal with `scale` digits (exact addition), the total back as a double.
        A plain double sum differs in its last bits from one parallel run to the next, so
        identical input would not give identical marts. `over` makes it a window sum. -#}
    cast(sum(cast({{ expression }} as decimal(38, {{ scale }})))
    {%- if over %} over ({{ over }}){% endif %} as double)
{%- endmacro %}
