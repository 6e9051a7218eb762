{#- End-to-end analytics checks per day: leads with a touch, revenue without one, leads
    linked to calltracking (by id, by phone and time), calls with a session, paid spend
    whose utm triple has a touch in its month. -#}
with

conversions as (
    select * from {{ ref('fct_conversions') }}
),

last_click as (
    select * from {{ ref('fct_attribution') }}
    where model = 'last_click'
),

calls as (
    select * from {{ ref('stg_calltracking__calls') }}
),

sessions as (
    select * from {{ ref('stg_calltracking__sessions') }}
),

spend as (
    select * from {{ ref('int_spend_by_month') }}
),

touches as (
    select * from {{ ref('fct_touchpoints') }}
),

leads_by_day as (
    select
        conversions.converted_date as day,
        count(*) as leads,
        count(case when last_click.channel <> '(none)' then 1 end) as leads_with_touch,
        count(case when conversions.calltracking_link = 'id' then 1 end) as leads_by_id,
        count(case when conversions.calltracking_link = 'phone_and_time' then 1 end)
            as leads_by_phone,
        {{ exact_sum('conversions.revenue_rub') }} as revenue_rub,
        {{ exact_sum(
            "case when last_click.channel = '(none)' then conversions.revenue_rub else 0 end"
        ) }} as revenue_without_touch_rub
    from conversions
    inner join last_click
        on conversions.lead_id = last_click.lead_id
    group by 1
),

calls_by_day as (
    select
        {{ local_day('calls.call_started_at') }} as day,
        count(*) as calls,
        count(sessions.session_id) as calls_with_session
    from calls
    left join sessions
        on calls.session_id = sessions.session_id
    group by 1
),

touched_utm_months as (
    select distinct
        cast({{ dbt.date_trunc('month', local_day('touched_at')) }} as date) as month,
        utm_source,
        utm_medium,
        utm_campaign
    from touches
),

spend_by_day as (
    select
        spend.spend_date as day,
        {{ exact_sum('spend.spend_rub') }} as spend_rub,
        {{ exact_sum(
            'case when touched_utm_months.month is not null then spend.spend_rub else 0 end'
        ) }} as matched_spend_rub
    from spend
    left join touched_utm_months
        on
            spend.month = touched_utm_months.month
            and spend.utm_source = touched_utm_months.utm_source
            and spend.utm_medium = touched_utm_months.utm_medium
            and spend.utm_campaign = touched_utm_months.utm_campaign
    where spend.spend_source = 'ad_costs'
    group by 1
),

checks as (
    select
        day,
        'leads_with_touch' as check_name,
        'fct_conversions' as check_scope,
        cast(leads_with_touch as double) as numerator,
        cast(leads as double) as denominator
    from leads_by_day
    union all
    select
        day,
        'leads_linked_by_id',
        'fct_conversions',
        leads_by_id,
        leads
    from leads_by_day
    union all
    select
        day,
        'leads_linked_by_phone',
        'fct_conversions',
        leads_by_phone,
        leads
    from leads_by_day
    union all
    select
        day,
        'revenue_attributed_to_none',
        'fct_conversions',
        revenue_without_touch_rub,
        revenue_rub
    from leads_by_day
    union all
    select
        day,
        'calls_with_session',
        'calltracking/calls',
        calls_with_session,
        calls
    from calls_by_day
    union all
    select
        day,
        'spend_matched_to_touches',
        'calltracking/ad_costs',
        matched_spend_rub,
        spend_rub
    from spend_by_day
)

select * from checks
