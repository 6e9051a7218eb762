{#- Month × channel × utm_source × utm_medium × utm_campaign × attribution model: spend,
    impressions, clicks, every funnel count and revenue credited by the model (cohort basis:
    in the month the lead was created), CPL of every level, DRR and assisted conversions.
    Spend matching no touch keeps its own row, so total spend equals the raw files' in
    every model. -#}
{%- set levels = ['leads', 'qualified', 'meetings', 'bookings', 'payments', 'won'] -%}
with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

spend as (
    select * from {{ ref('int_spend_by_month') }}
),

models as (
    {%- for model in attribution_models() %}
        select '{{ model }}' as model
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

spend_in_every_model as (
    select
        spend.month,
        spend.channel,
        {{ not_set('spend.utm_source') }} as utm_source,
        {{ not_set('spend.utm_medium') }} as utm_medium,
        {{ not_set('spend.utm_campaign') }} as utm_campaign,
        models.model,
        spend.spend_rub,
        spend.impressions,
        spend.clicks,
        {%- for level in levels %}
            0 as {{ level }},
        {%- endfor %}
        0 as revenue_rub,
        0 as assisted_conversions
    from spend
    cross join models
),

credited as (
    select
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date) as month,
        channel,
        {{ not_set('utm_source') }} as utm_source,
        {{ not_set('utm_medium') }} as utm_medium,
        {{ not_set('utm_campaign') }} as utm_campaign,
        model,
        0 as spend_rub,
        0 as impressions,
        0 as clicks,
        credit as leads,
        qualified_credit as qualified,
        meeting_credit as meetings,
        booking_credit as bookings,
        payment_credit as payments,
        won_credit as won,
        revenue_credit as revenue_rub,
        0 as assisted_conversions
    from attribution
),

assisting_touches as (
    {#- MCF: a conversion is assisted by a channel when its window holds one of the
        channel's non-direct touches that did not get the last click. -#}
    select distinct
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date) as month,
        channel,
        {{ not_set('utm_source') }} as utm_source,
        {{ not_set('utm_medium') }} as utm_medium,
        {{ not_set('utm_campaign') }} as utm_campaign,
        lead_id
    from attribution
    where model = 'linear' and not is_direct and touch_position < path_length
),

assisted_in_every_model as (
    select
        assisting_touches.month,
        assisting_touches.channel,
        assisting_touches.utm_source,
        assisting_touches.utm_medium,
        assisting_touches.utm_campaign,
        models.model,
        0 as spend_rub,
        0 as impressions,
        0 as clicks,
        {%- for level in levels %}
            0 as {{ level }},
        {%- endfor %}
        0 as revenue_rub,
        count(*) as assisted_conversions
    from assisting_touches
    cross join models
    group by
        assisting_touches.month,
        assisting_touches.channel,
        assisting_touches.utm_source,
        assisting_touches.utm_medium,
        assisting_touches.utm_campaign,
        models.model
),

facts as (
    select * from spend_in_every_model
    union all
    select * from credited
    union all
    select * from assisted_in_every_model
),

summed as (
    select
        month,
        channel,
        utm_source,
        utm_medium,
        utm_campaign,
        model,
        {{ exact_sum('spend_rub') }} as spend_rub,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as clicks,
        {%- for level in levels %}
            {{ exact_sum(level) }} as {{ level }},
        {%- endfor %}
        {{ exact_sum('revenue_rub') }} as revenue_rub,
        cast(sum(assisted_conversions) as {{ dbt.type_bigint() }}) as assisted_conversions
    from facts
    group by month, channel, utm_source, utm_medium, utm_campaign, model
),

with_ratios as (
    select
        *,
        {{ safe_divide('clicks', 'impressions') }} as ctr,
        {%- for level in levels %}
            {{ safe_divide('spend_rub', level) }} as cpl_{{ level }},
        {%- endfor %}
        {{ safe_divide('spend_rub', 'revenue_rub', scale=100) }} as drr_pct
    from summed
),

with_coverage as (
    {{ with_period_coverage('with_ratios', 'month') }}
)

select * from with_coverage
