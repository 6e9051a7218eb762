{#- Last click against linear attribution by month × channel × utm_campaign: leads and
    revenue under each, their difference (linear − last click) and relative difference
    (over last click; null when last click credits nothing). -#}
with

performance as (
    select * from {{ ref('mart_channel_performance') }}
    where model in ('last_click', 'linear')
),

pivoted as (
    select
        month,
        channel,
        utm_campaign,
        {{ exact_sum("case when model = 'last_click' then leads else 0 end") }}
            as leads_last_click,
        {{ exact_sum("case when model = 'linear' then leads else 0 end") }} as leads_linear,
        {{ exact_sum("case when model = 'last_click' then revenue_rub else 0 end") }}
            as revenue_last_click,
        {{ exact_sum("case when model = 'linear' then revenue_rub else 0 end") }}
            as revenue_linear
    from performance
    group by month, channel, utm_campaign
),

compared as (
    select
        *,
        leads_linear - leads_last_click as leads_difference,
        {{ safe_divide('leads_linear - leads_last_click', 'leads_last_click') }}
            as leads_relative_difference,
        revenue_linear - revenue_last_click as revenue_difference,
        {{ safe_divide('revenue_linear - revenue_last_click', 'revenue_last_click') }}
            as revenue_relative_difference
    from pivoted
),

with_coverage as (
    {{ with_period_coverage('compared', 'month') }}
)

select * from with_coverage
