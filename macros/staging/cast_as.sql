{% macro cast_as(column, kind, parsed=none) -%}
    {#- A raw column cast to its contract type (raw_exports.md "Types"); null when it does
        not parse, so the row can be rejected with a reason instead of failing the build.
        Given a list `parsed`, records the column there for unparseable_column(). -#}
    {%- if parsed is not none and kind != 'str' -%}
        {%- do parsed.append((column, kind)) -%}
    {%- endif -%}
    {%- if kind == 'tstz' -%}
        {{ to_utc(column) }}
    {%- elif kind == 'ts' -%}
        {{ dbt.safe_cast(column, api.Column.translate_type('timestamp')) }}
    {%- elif kind == 'str' -%}
        {{ dbt.safe_cast(column, api.Column.translate_type('string')) }}
    {%- elif kind == 'int' -%}
        {{ dbt.safe_cast(column, api.Column.translate_type('bigint')) }}
    {%- elif kind == 'float' -%}
        {#- float64: dbt's `float` is 4-byte REAL on DuckDB, which loses kopecks. -#}
        {{ dbt.safe_cast(column, 'double') }}
    {%- elif kind == 'bool' -%}
        {{ dbt.safe_cast(column, api.Column.translate_type('boolean')) }}
    {%- elif kind == 'local_ts' -%}
        {#- calltracking's local time as text, or as a timestamp written without zone -#}
        {{ local_text_to_utc(column, var('calltracking_tz', 'Europe/Moscow')) }}
    {%- elif kind == 'date' -%}
        {{ dbt.safe_cast(column, api.Column.translate_type('date')) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("cast_as: unknown kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}


{% macro unparseable_column(parsed) -%}
    {#- The first recorded column whose raw value is present but does not parse to its
        contract type (a file that wrote the column with another type), with the physical
        type found (in Spark's names on every engine), or null. -#}
    case
        {%- for column, kind in parsed %}
        when {{ column }} is not null and {{ cast_as(column, kind) }} is null
            then '{{ column }} (found ' || {{ type_name_of(column) }} || ')'
        {%- endfor %}
    end
{%- endmacro %}


{% macro type_name_of(column) -%}
    {#- The physical type of a value, named as Spark names it (string, bigint, double, ...). -#}
    {{ return(adapter.dispatch('type_name_of', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__type_name_of(column) -%}
    case typeof({{ column }})
        when 'VARCHAR' then 'string'
        when 'INTEGER' then 'int'
        when 'BLOB' then 'binary'
        when 'TIMESTAMP WITH TIME ZONE' then 'timestamp'
        when 'TIMESTAMP' then 'timestamp_ntz'
        else lower(typeof({{ column }}))
    end
{%- endmacro %}

{% macro spark__type_name_of(column) -%}
    typeof({{ column }})
{%- endmacro %}


{% macro lower_text(column) -%}
    lower(trim({{ cast_as(column, 'str') }}))
{%- endmacro %}


{% macro blank_as_null(expression) -%}
    nullif({{ expression }}, '')
{%- endmacro %}


{% macro url_parameter(url_column, parameter) -%}
    {#- One query parameter of a URL (utm tags of email links), lower-cased; null when absent. -#}
    nullif(lower(regexp_extract({{ url_column }}, '[?&]{{ parameter }}=([^&#]*)', 1)), '')
{%- endmacro %}


{% macro select_all_except(columns) -%}
    {{ return(adapter.dispatch('select_all_except', 'marketing_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__select_all_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__select_all_except(columns) -%}
    * except ({{ columns | join(', ') }})
{%- endmacro %}
