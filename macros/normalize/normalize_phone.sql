{% macro normalize_phone(column) -%}
    {#- Digits only; Russian numbers become +7XXXXXXXXXX (11 digits starting 7 or 8, or 10
        digits starting 9); anything else is null (marts.md, "Normalized identifiers"). -#}
    {%- set digits = strip_non_digits(column) -%}
    case
        when length({{ digits }}) = 11 and left({{ digits }}, 1) in ('7', '8')
            then '+7' || right({{ digits }}, 10)
        when length({{ digits }}) = 10 and left({{ digits }}, 1) = '9'
            then '+7' || {{ digits }}
    end
{%- endmacro %}


{% macro strip_non_digits(column) -%}
    {{ return(adapter.dispatch('strip_non_digits', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__strip_non_digits(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__strip_non_digits(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '')
{%- endmacro %}
