{% macro normalize_email(column) -%}
    {#- Trimmed and lower-cased; null when the value has not exactly one '@' and a dot in
        the domain (marts.md, "Normalized identifiers"). -#}
    case
        when
            length(lower(trim({{ column }})))
            - length(replace(lower(trim({{ column }})), '@', '')) = 1
            and split_part(lower(trim({{ column }})), '@', 2) like '%.%'
            then lower(trim({{ column }}))
    end
{%- endmacro %}


{% macro is_invalid_identifier(raw_column, normalized_column) -%}
    ({{ raw_column }} is not null and trim({{ raw_column }}) <> '' and {{ normalized_column }} is null)
{%- endmacro %}


{% macro normalized_identifier(column, kind) -%}
    {#- A contract column holding an email or a phone, as contract_columns() takes it: its
        normalized value under its own name, and is_<kind>_invalid (a value was given but
        does not normalize). -#}
    {%- if kind not in ['email', 'phone'] -%}
        {{ exceptions.raise_compiler_error("normalized_identifier: kind is email or phone, not " ~ kind) }}
    {%- endif -%}
    {%- set normalized = normalize_email(column) if kind == 'email' else normalize_phone(column) -%}
    {{ return({column: normalized, 'is_' ~ kind ~ '_invalid': is_invalid_identifier(column, normalized)}) }}
{%- endmacro %}
