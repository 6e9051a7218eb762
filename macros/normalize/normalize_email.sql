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
