{% macro with_period_coverage(relation, period, period_grain=none) -%}
    {#- The rows of `relation` with their period's days_with_data and is_complete from
        dim_periods. `period` is the column of the period's first day; `period_grain` the
        column naming its grain, or none for months. -#}
    select
        covered.*,
        coalesce(calendar.days_with_data, 0) as days_with_data,
        coalesce(calendar.is_complete, false) as is_complete
    from {{ relation }} as covered
    left join {{ ref('dim_periods') }} as calendar
        on
            covered.{{ period }} = calendar.period
            and {{ 'covered.' ~ period_grain if period_grain else "'month'" }} = calendar.period_grain
{%- endmacro %}
