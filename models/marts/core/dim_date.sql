{#- One row per calendar day (reporting time zone) with its week, month, quarter,
    half-year and year; the range comes from vars calendar_start / calendar_end. -#}
with

days as (
    {{ date_series(var('calendar_start', '2024-01-01'), var('calendar_end', '2028-12-31')) }}
),

calendar as (
    select
        date_day as date,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter,
        {{ half_year_start('date_day') }} as half_year,
        cast(extract(year from date_day) as integer) as year,
        cast(extract(quarter from date_day) as integer) as quarter_of_year,
        case when extract(month from date_day) > 6 then 2 else 1 end as half_of_year,
        cast(extract(year from date_day) as {{ dbt.type_string() }}) || '-H'
        || case when extract(month from date_day) > 6 then '2' else '1' end as half_year_label,
        cast(extract(year from date_day) as {{ dbt.type_string() }}) || '-Q'
        || cast(extract(quarter from date_day) as {{ dbt.type_string() }}) as quarter_label
    from days
)

select * from calendar
