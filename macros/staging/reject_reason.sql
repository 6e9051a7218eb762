{% macro reject_reason(required=[], enums={}) -%}
    {#- Why a raw row cannot be staged, or null: a required column (key, timestamp) that is
        missing or did not parse, or a structural enum outside the contract. -#}
    case
        {%- for column in required %}
        when {{ column }} is null then 'missing or unparseable {{ column }}'
        {%- endfor %}
        {%- for column, values in enums.items() %}
        when {{ column }} is null then 'missing {{ column }}'
        when {{ column }} not in ({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
            then 'unknown {{ column }}: ' || {{ column }}
        {%- endfor %}
    end
{%- endmacro %}
