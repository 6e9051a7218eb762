{% macro reject_reason(required=[], enums={}) -%}
    {#- Why a raw row cannot be staged, or null: a required column (key, timestamp) that is
        missing or did not parse, any other value that did not parse to its contract type
        (`_unparseable_column`, from unparseable_column()), or a structural enum outside the
        contract. -#}
    case
        {%- for column in required %}
        when {{ column }} is null then 'missing or unparseable {{ column }}'
        {%- endfor %}
        when _unparseable_column is not null then 'unparseable ' || _unparseable_column
        {%- for column, values in enums.items() %}
        when {{ column }} is null then 'missing {{ column }}'
        when {{ column }} not in ({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
            then 'unknown {{ column }}: ' || {{ column }}
        {%- endfor %}
    end
{%- endmacro %}
