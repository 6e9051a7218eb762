{#- Every month, quarter, half-year and year of dim_date with how many of its days hold
    data: a day holds data when it lies between the landing zone's first and last export
    day (file days of every table). A period is complete when all its days do. -#}
with

calendar as (
    select * from {{ ref('dim_date') }}
),

landing_files as (
    select * from {{ ref('dq_row_accounting') }}
),

landing_range as (
    select
        min(file_date) as first_export_date,
        max(file_date) as last_export_date
    from landing_files
),

days as (
    select
        calendar.date,
        calendar.month,
        calendar.quarter,
        calendar.half_year,
        cast({{ dbt.date_trunc('year', 'calendar.date') }} as date) as year_start,
        coalesce(
            calendar.date between landing_range.first_export_date
            and landing_range.last_export_date,
            false
        ) as has_data
    from calendar
    cross join landing_range
),

day_periods as (
    select
        'month' as period_grain,
        month as period,
        date,
        has_data
    from days
    union all
    select
        'quarter' as period_grain,
        quarter as period,
        date,
        has_data
    from days
    union all
    select
        'half_year' as period_grain,
        half_year as period,
        date,
        has_data
    from days
    union all
    select
        'year' as period_grain,
        year_start as period,
        date,
        has_data
    from days
),

summed as (
    select
        period_grain,
        period,
        max(date) as period_end,
        count(*) as days_in_period,
        count(case when has_data then 1 end) as days_with_data
    from day_periods
    group by period_grain, period
),

flagged as (
    select
        *,
        days_with_data = days_in_period as is_complete
    from summed
)

select * from flagged
