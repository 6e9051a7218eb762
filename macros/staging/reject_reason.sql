{% macro reject_reason(required=[], enums={}, event_time=none) -%}
    {#- Why a raw row cannot be staged, or null: a required column (key, timestamp) that is
        missing or did not parse, any other value that did not parse to its contract type
        (`_unparseable_column`, from unparseable_column()), a structural enum outside the
        contract, or an event time that cannot be true (implausible_time). -#}
    case
        {%- for column in required %}
        when {{ column }} is null and _unparseable_column like '{{ column }} (%'
            then 'unparseable ' || _unparseable_column
        when {{ column }} is null then 'missing or unparseable {{ column }}'
        {%- endfor %}
        when _unparseable_column is not null then 'unparseable ' || _unparseable_column
        {%- for column, values in enums.items() %}
        when {{ column }} is null then 'missing {{ column }}'
        when {{ column }} not in ({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
            then 'unknown {{ column }}: ' || {{ column }}
        {%- endfor %}
        {%- if event_time %}
        else {{ implausible_time(event_time) }}
        {%- endif %}
    end
{%- endmacro %}


{% macro implausible_time(column) -%}
    {#- Why a row's own event time (a UTC timestamp, or a date) cannot be true, or null:
        before 2000-01-01, or later than the end of its file's export day plus one day of
        clock skew (the raw-exports contract). -#}
    case
        when {{ column }} < cast('2000-01-01' as date)
            then 'implausible {{ column }}: before 2000-01-01'
        when {{ column }} >= {{ dbt.dateadd('day', 2, 'cast(_file_date as ' ~ api.Column.translate_type('timestamp') ~ ')') }}
            then 'implausible {{ column }}: after the end of its file''s export day plus one day'
    end
{%- endmacro %}
