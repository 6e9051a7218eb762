{#- MetricFlow's monthly time spine: one row per month of dim_date with its half-year. The
    custom granularity half_year lives here, on a month base, so that metrics roll up to
    half-years. -#}
with

days as (
    select * from {{ ref('dim_date') }}
),

months as (
    select distinct
        days.month as month_start,
        days.half_year
    from days
)

select * from months
