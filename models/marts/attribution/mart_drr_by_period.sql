{#- DRR (ad spend / revenue × 100) and CPL of won deals by month, quarter and half-year ×
    channel × attribution model. Each period's ratio is its own spend over its own
    revenue, never an average of the months' ratios. -#}
with

performance as (
    select * from {{ ref('mart_channel_performance') }}
),

periods as (
    select
        'month' as period_grain,
        performance.month as period,
        performance.*
    from performance
    union all
    select
        'quarter',
        cast({{ dbt.date_trunc('quarter', 'performance.month') }} as date),
        performance.*
    from performance
    union all
    select
        'half_year',
        {{ half_year_start('performance.month') }},
        performance.*
    from performance
),

summed as (
    select
        period_grain,
        period,
        channel,
        model,
        {{ exact_sum('spend_rub') }} as spend_rub,
        {{ exact_sum('revenue_rub') }} as revenue_rub,
        {{ exact_sum('leads') }} as leads,
        {{ exact_sum('won') }} as won
    from periods
    group by period_grain, period, channel, model
),

with_ratios as (
    select
        *,
        {{ safe_divide('spend_rub', 'revenue_rub', scale=100) }} as drr_pct,
        {{ safe_divide('spend_rub', 'won') }} as cpl_won,
        {{ safe_divide('spend_rub', 'leads') }} as cpl_leads
    from summed
),

with_coverage as (
    {{ with_period_coverage('with_ratios', 'period', 'period_grain') }}
)

select * from with_coverage
