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
        {{ dbt.datediff('touches.touched_at', 'conversions.converted_at', 'second') }} / 86400.0
            as age_days
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
        power(2.0, -age_days / 7.0) as decay_weight,
        sum(power(2.0, -age_days / 7.0)) over (partition by lead_id) as decay_total
    from credited_touches
),

weights as (
    select
        *,
        'last_click' as model,
        case when touch_position = path_length then 1.0 else 0.0 end as credit
    from positioned
    union all
    select
        *,
        'first_click',
        case when touch_position = 1 then 1.0 else 0.0 end
    from positioned
    union all
    select
        *,
        'linear',
        1.0 / path_length
    from positioned
    union all
    select
        *,
        'position_based',
        case
            when path_length = 1 then 1.0
            when path_length = 2 then 0.5
            when touch_position = 1 or touch_position = path_length then 0.4
            else 0.2 / (path_length - 2)
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
    {%- for model in ['last_click', 'first_click', 'linear', 'position_based', 'time_decay'] %}
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
            1.0 as credit
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
        conversions.converted_date,
        credits.touched_at,
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
