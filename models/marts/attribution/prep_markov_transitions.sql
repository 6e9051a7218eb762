with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

touches as (
    select * from {{ ref('fct_touchpoints') }}
),

conversions as (
    select * from {{ ref('fct_conversions') }}
),

converting_touches as (
    select
        'lead:' || attribution.lead_id as path_id,
        attribution.touch_position as step,
        attribution.channel,
        1 as conversions,
        0 as nulls,
        conversions.revenue_rub
    from attribution
    inner join conversions
        on attribution.lead_id = conversions.lead_id
    where attribution.model = 'linear' and attribution.path_length > 0
),

converted_persons as (
    select distinct person_id
    from conversions
    where person_id is not null
),

non_converting_touches as (
    select
        touches.person_id,
        touches.touch_id,
        touches.touched_at,
        touches.channel,
        touches.is_direct,
        max(case when not touches.is_direct then 1 else 0 end)
            over (partition by touches.person_id)
            as has_non_direct
    from touches
    left join converted_persons
        on touches.person_id = converted_persons.person_id
    where touches.person_id is not null and converted_persons.person_id is null
),

non_converting_path_touches as (
    {#- The same touches as the models credit: non-direct ones, all when only direct. -#}
    select
        'person:' || person_id as path_id,
        row_number() over (partition by person_id order by touched_at, touch_id) as step,
        channel,
        0 as conversions,
        1 as nulls,
        0 as revenue_rub
    from non_converting_touches
    where not is_direct or has_non_direct = 0
),

path_touches as (
    select * from converting_touches
    union all
    select * from non_converting_path_touches
),

path_steps as (
    select
        path_id,
        channel,
        conversions,
        nulls,
        revenue_rub,
        lag(channel) over (partition by path_id order by step) as previous_channel,
        lead(step) over (partition by path_id order by step) as next_step
    from path_touches
),

moves as (
    {#- Into each channel (a repeat of the previous channel is no move), then out of
        the last touch into (conversion) or (null). -#}
    select
        coalesce(previous_channel, '(start)') as from_state,
        channel as to_state,
        conversions + nulls as transitions,
        0 as revenue_rub
    from path_steps
    where previous_channel is null or channel <> previous_channel
    union all
    select
        channel,
        '(conversion)',
        conversions,
        revenue_rub
    from path_steps
    where next_step is null and conversions > 0
    union all
    select
        channel,
        '(null)',
        nulls,
        0
    from path_steps
    where next_step is null and nulls > 0
),

transition_counts as (
    select
        from_state,
        to_state,
        sum(transitions) as transitions,
        {{ exact_sum('revenue_rub') }} as revenue_rub
    from moves
    group by from_state, to_state
),

transition_probabilities as (
    select
        from_state,
        to_state,
        transitions,
        revenue_rub,
        cast(transitions as double)
        / sum(transitions) over (partition by from_state) as probability
    from transition_counts
)

select * from transition_probabilities
