with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

conversions as (
    select * from {{ ref('fct_conversions') }}
),

chain_transitions as (
    select * from {{ ref('prep_markov_transitions') }}
),

chain_absorption as (
    select * from {{ ref('prep_markov_absorption') }}
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
