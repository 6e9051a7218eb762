{{ config(post_hook=[
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__transitions",
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__absorption",
    "drop table if exists {{ this.schema }}.{{ this.identifier }}__absorption_next",
]) }}
{#- Data-driven (Markov removal-effect) attribution by channel: a first-order Markov chain
    over (start), the channels, (conversion) and (null), estimated from every converting
    path (a lead's touches credited by `linear` in fct_attribution, in touch order) and
    every non-converting one (a person with touches and no lead: the touches the models
    would credit, ordered by touched_at, touch_id). Consecutive touches of one channel are
    one state, as in ChannelAttribution (no self-loops; they would not change any
    absorption probability anyway). The conversion probabilities are solved exactly by
    value iteration (macro markov_absorption); a channel's removal effect is
    1 − P(conversion | channel removed) / P(conversion). Leads without any touch (`(none)`)
    stay out of the chain and keep their own conversions. -#}
{%- set transitions_sql -%}
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
{%- endset -%}
{%- set chain = markov_absorption(
    transitions_sql,
    inputs=[ref('fct_attribution'), ref('fct_touchpoints'), ref('fct_conversions')],
) -%}
with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

conversions as (
    select * from {{ ref('fct_conversions') }}
),

chain_transitions as (
    select * from {{ chain.transitions }}
),

chain_absorption as (
    select * from {{ chain.absorption }}
),

chain_totals as (
    select
        cast(
            sum(case when from_state = '(start)' then transitions else 0 end)
            as {{ dbt.type_bigint() }}
        ) as chain_paths,
        cast(
            sum(case when to_state = '(conversion)' then transitions else 0 end)
            as {{ dbt.type_bigint() }}
        ) as chain_conversions,
        {{ exact_sum("case when to_state = '(conversion)' then revenue_rub else 0 end") }}
            as chain_revenue_rub
    from chain_transitions
),

start_probabilities as (
    select
        scenario,
        conversion_probability
    from chain_absorption
    where state = '(start)'
),

removal_effects as (
    select
        removed.scenario as channel,
        base.conversion_probability,
        removed.conversion_probability as conversion_probability_without_channel,
        1 - removed.conversion_probability / nullif(base.conversion_probability, 0)
            as removal_effect
    from start_probabilities as removed
    cross join start_probabilities as base
    where removed.scenario <> '(base)' and base.scenario = '(base)'
),

channel_shares as (
    select
        channel,
        conversion_probability,
        conversion_probability_without_channel,
        removal_effect,
        removal_effect / nullif({{ exact_sum('removal_effect', 18, ' ') }}, 0)
            as removal_effect_share
    from removal_effects
),

chain_channels as (
    select
        channel_shares.channel,
        channel_shares.removal_effect,
        channel_shares.removal_effect_share,
        channel_shares.removal_effect_share * chain_totals.chain_conversions
            as attributed_conversions,
        channel_shares.removal_effect_share * chain_totals.chain_revenue_rub
            as attributed_revenue,
        channel_shares.conversion_probability,
        channel_shares.conversion_probability_without_channel,
        chain_totals.chain_paths,
        chain_totals.chain_conversions,
        chain_totals.chain_revenue_rub
    from channel_shares
    cross join chain_totals
),

untouched_conversions as (
    {#- Leads without touches: no path to learn from, so they keep their own credit. -#}
    select
        attribution.channel,
        cast(null as double) as removal_effect,
        cast(null as double) as removal_effect_share,
        cast(count(*) as double) as attributed_conversions,
        {{ exact_sum('conversions.revenue_rub') }} as attributed_revenue,
        cast(null as double) as conversion_probability,
        cast(null as double) as conversion_probability_without_channel,
        cast(null as {{ dbt.type_bigint() }}) as chain_paths,
        cast(null as {{ dbt.type_bigint() }}) as chain_conversions,
        cast(null as double) as chain_revenue_rub
    from attribution
    inner join conversions
        on attribution.lead_id = conversions.lead_id
    where attribution.model = 'linear' and attribution.path_length = 0
    group by attribution.channel
),

channels as (
    select * from chain_channels
    union all
    select * from untouched_conversions
)

select * from channels
