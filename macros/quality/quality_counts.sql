{% macro invalid_identifier_counts(relation, table, columns, day_column, keys=[]) -%}
    {#- Per day (and keys): for each identifier column of `table`, the values given that do
        not normalize (numerator) of the values given (denominator), a row per column
        (check_scope `table.column`), from one pass over the rows. -#}
    {%- set grouped = keys + [day_column] -%}
    (
        with

        counted as (
            select
                {{ grouped | join(', ') }},
            {%- for column in columns %}
                {%- set flag = 'is_phone_invalid' if 'phone' in column else 'is_email_invalid' %}
                count(case when {{ flag }} then 1 end) as invalid_{{ column }},
                count(case when {{ column }} is not null or {{ flag }} then 1 end)
                    as present_{{ column }}
                {{- ',' if not loop.last }}
            {%- endfor %}
            from {{ relation }}
            group by {{ grouped | join(', ') }}
        )

        {%- for column in columns %}
            select
                {%- for key in keys %}
                    {{ key }},
                {%- endfor %}
                {{ day_column }} as day,
                '{{ table }}.{{ column }}' as check_scope,
                invalid_{{ column }} as numerator,
                present_{{ column }} as denominator
            from counted
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    )
{%- endmacro %}


{% macro unknown_code_counts(relation, table, column, reference, reference_column, day_column, keys=[], is_list=false) -%}
    {#- Per day (and keys): the codes of `column` missing from the reference seed (numerator)
        of the codes given (denominator), check_scope `table.column`. Each code of a list
        column counts once. -#}
    {%- set grouped = keys + [day_column] -%}
    (
        select
            {%- for key in keys %}
                coded.{{ key }},
            {%- endfor %}
            coded.{{ day_column }} as day,
            '{{ table }}.{{ column }}' as check_scope,
            count(case when reference.{{ reference_column }} is null then 1 end) as numerator,
            count(*) as denominator
        from (
            select
                {{ grouped | join(', ') }},
                {{ unnest_list(column) if is_list else column }} as code
            from {{ relation }}
        ) as coded
        left join {{ reference }} as reference
            on coded.code = reference.{{ reference_column }}
        where coded.code is not null
        group by
            {%- for column_name in grouped %}
                coded.{{ column_name }}{{ ',' if not loop.last }}
            {%- endfor %}
    )
{%- endmacro %}


{% macro contacts_export_counts(check_name) -%}
    {#- One check's counts of the contacts exports by day and scope, from the per-file counts
        of dq_contacts_export_counts. -#}
    select
        day,
        check_scope,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from {{ ref('dq_contacts_export_counts') }}
    where check_name = '{{ check_name }}'
    group by day, check_scope
{%- endmacro %}
