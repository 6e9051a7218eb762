{#- Every conversion × touch × attribution model (marts.md, "Attribution models"): the
    touches of the lead's person in [converted_at − attribution_lookback_days,
    converted_at], both ends included. The models credit the non-direct touches (only
    direct ones: those; none: one row of channel `(none)`); touches at one moment are
    ordered by touch_id. Revenue and every funnel stage are credited with the same
    weights; each conversion's credits sum to 1 per model. -#}
with

conversions as (
    select * from {{ ref('fct_conversions') }}
),

touches as (
    select * from {{ ref('fct_touchpoints') }}
),

in_window as (
    select
        conversions.lead_id,
        touches.touch_id,
        touches.touched_at,
        touches.touch_type,
        touches.channel,
        touches.utm_source,
        touches.utm_medium,
        touches.utm_campaign,
        touches.is_direct,
        cast(
            {{ dbt.datediff('touches.touched_at', 'conversions.converted_at', 'second') }}
            as double
        ) / 86400 as age_days
    from conversions
    inner join touches
        on
            conversions.person_id = touches.person_id
            and conversions.converted_at >= touches.touched_at
            and {{ dbt.dateadd(
                'day', -var('attribution_lookback_days'), 'conversions.converted_at'
            ) }} <= touches.touched_at
),

credited_touches as (
    {#- The touches the models credit: the non-direct ones, or all when only direct. -#}
    select *
    from (
        select
            *,
            max(case when not is_direct then 1 else 0 end) over (partition by lead_id)
                as has_non_direct
        from in_window
    ) as flagged
    where not is_direct or has_non_direct = 0
),

positioned as (
    select
        *,
        row_number() over (partition by lead_id order by touched_at, touch_id) as touch_position,
        count(*) over (partition by lead_id) as path_length,
        power(cast(2 as double), -age_days / 7) as decay_weight,
        {{ exact_sum('power(cast(2 as double), -age_days / 7)', 18, 'partition by lead_id') }}
            as decay_total
    from credited_touches
),

weights as (
    select
        *,
        'last_click' as model,
        cast(case when touch_position = path_length then 1 else 0 end as double) as credit
    from positioned
    union all
    select
        *,
        'first_click',
        cast(case when touch_position = 1 then 1 else 0 end as double)
    from positioned
    union all
    select
        *,
        'linear',
        cast(1 as double) / path_length
    from positioned
    union all
    select
        *,
        'position_based',
        case
            when path_length = 1 then cast(1 as double)
            when path_length = 2 then cast(0.5 as double)
            when touch_position = 1 or touch_position = path_length then cast(0.4 as double)
            else cast(0.2 as double) / (path_length - 2)
        end
    from positioned
    union all
    select
        *,
        'time_decay',
        decay_weight / decay_total
    from positioned
),

touch_credits as (
    select
        lead_id,
        model,
        touch_id,
        touched_at,
        touch_type,
        channel,
        utm_source,
        utm_medium,
        utm_campaign,
        is_direct,
        touch_position,
        path_length,
        credit
    from weights
    where credit > 0
),

no_touch_credits as (
    {%- for model in attribution_models() %}
        select
            conversions.lead_id,
            '{{ model }}' as model,
            cast(null as {{ dbt.type_string() }}) as touch_id,
            cast(null as {{ dbt.type_timestamp() }}) as touched_at,
            cast(null as {{ dbt.type_string() }}) as touch_type,
            '(none)' as channel,
            cast(null as {{ dbt.type_string() }}) as utm_source,
            cast(null as {{ dbt.type_string() }}) as utm_medium,
            cast(null as {{ dbt.type_string() }}) as utm_campaign,
            false as is_direct,
            0 as touch_position,
            0 as path_length,
            cast(1 as double) as credit
        from conversions
        where conversions.lead_id not in (select in_window.lead_id from in_window)
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

credits as (
    select * from touch_credits
    union all
    select * from no_touch_credits
),

attributed as (
    select
        credits.lead_id,
        credits.model,
        credits.touch_id,
        conversions.person_id,
        conversions.converted_at,
        conversions.converted_at_local,
        conversions.converted_date,
        credits.touched_at,
        {{ utc_to_local('credits.touched_at') }} as touched_at_local,
        credits.touch_type,
        credits.channel,
        credits.utm_source,
        credits.utm_medium,
        credits.utm_campaign,
        credits.is_direct,
        credits.touch_position,
        credits.path_length,
        credits.credit,
        credits.credit * conversions.revenue_rub as revenue_credit,
        credits.credit * case when conversions.reached_qualified then 1 else 0 end
            as qualified_credit,
        credits.credit * case when conversions.reached_meeting then 1 else 0 end as meeting_credit,
        credits.credit * case when conversions.reached_booking then 1 else 0 end as booking_credit,
        credits.credit * case when conversions.reached_payment then 1 else 0 end as payment_credit,
        credits.credit * case when conversions.reached_won then 1 else 0 end as won_credit
    from credits
    inner join conversions
        on credits.lead_id = conversions.lead_id
)

select * from attributed
