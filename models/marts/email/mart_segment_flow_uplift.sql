{#- The effect of a campaign on where its contacts are `horizon_days` later: the treated
    share in each segment against a stratified, weighted control (see the YAML description
    and docs/decision_confidence.md). Observational: a difference is evidence, not proof. -#}
with

strata as (
    select * from {{ ref('int_segment_flow_uplift_strata') }}
),

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

destinations as (
    select activity_segment as to_segment from {{ ref('activity_segments') }}
    union all
    select 'deleted' as to_segment
),

stratum_sizes as (
    select
        campaign_id,
        segment_at_send,
        horizon_days,
        specialty,
        brand_stratum,
        sum(treated_contacts) as treated_contacts,
        sum(control_contacts) as control_contacts
    from strata
    group by campaign_id, segment_at_send, horizon_days, specialty, brand_stratum
),

group_sizes as (
    {#- Strata without a control contact cannot be compared: their treated are counted apart.
        The control is weighted to the treated strata (weight treated / control per stratum);
        its Kish effective size is (Σ treated)² / Σ (treated² / control). -#}
    select
        campaign_id,
        segment_at_send,
        horizon_days,
        sum(case when control_contacts > 0 then treated_contacts else 0 end)
            as treated_contacts,
        sum(case when control_contacts > 0 then 0 else treated_contacts end)
            as treated_unmatched_contacts,
        sum(case when treated_contacts > 0 then control_contacts else 0 end)
            as control_contacts,
        {{ exact_sum(
            'case when treated_contacts > 0 and control_contacts > 0'
            ~ ' then cast(treated_contacts as double) * treated_contacts / control_contacts end',
            18,
        ) }} as weight_square_sum
    from stratum_sizes
    group by campaign_id, segment_at_send, horizon_days
    having sum(treated_contacts) > 0
),

moved as (
    select
        strata.campaign_id,
        strata.segment_at_send,
        strata.horizon_days,
        strata.to_segment,
        sum(strata.treated_contacts) as treated_moved,
        {{ exact_sum(
            'cast(stratum_sizes.treated_contacts as double) * strata.control_contacts'
            ~ ' / stratum_sizes.control_contacts',
            18,
        ) }} as control_moved_weighted
    from strata
    inner join stratum_sizes
        on
            strata.campaign_id = stratum_sizes.campaign_id
            and strata.segment_at_send = stratum_sizes.segment_at_send
            and strata.horizon_days = stratum_sizes.horizon_days
            and strata.specialty = stratum_sizes.specialty
            and strata.brand_stratum = stratum_sizes.brand_stratum
    where stratum_sizes.treated_contacts > 0 and stratum_sizes.control_contacts > 0
    group by strata.campaign_id, strata.segment_at_send, strata.horizon_days, strata.to_segment
),

grid as (
    select
        group_sizes.campaign_id,
        campaigns.launched_date,
        group_sizes.segment_at_send,
        group_sizes.horizon_days,
        destinations.to_segment,
        group_sizes.treated_contacts,
        group_sizes.treated_unmatched_contacts,
        group_sizes.control_contacts,
        case
            when group_sizes.weight_square_sum > 0
                then
                    cast(group_sizes.treated_contacts as double) * group_sizes.treated_contacts
                    / group_sizes.weight_square_sum
        end as control_effective_contacts,
        coalesce(moved.treated_moved, 0) as treated_moved,
        coalesce(moved.control_moved_weighted, 0) as control_moved_weighted,
        {{ safe_divide(
            'coalesce(moved.control_moved_weighted, 0)', 'group_sizes.treated_contacts'
        ) }} as control_rate
    from group_sizes
    inner join campaigns
        on group_sizes.campaign_id = campaigns.campaign_id
    cross join destinations
    left join moved
        on
            group_sizes.campaign_id = moved.campaign_id
            and group_sizes.segment_at_send = moved.segment_at_send
            and group_sizes.horizon_days = moved.horizon_days
            and destinations.to_segment = moved.to_segment
),

with_interval as (
    select
        campaign_id,
        launched_date,
        segment_at_send,
        horizon_days,
        to_segment,
        treated_contacts,
        control_contacts,
        treated_unmatched_contacts,
        control_effective_contacts,
        treated_moved,
        control_moved_weighted,
        {{ safe_divide('treated_moved', 'treated_contacts') }} as treated_rate,
        control_rate,
        {{ safe_divide('treated_moved', 'treated_contacts') }} - control_rate as uplift,
        {{ newcombe_bound(
            'treated_moved', 'treated_contacts',
            'control_rate * control_effective_contacts', 'control_effective_contacts', 'low',
        ) }} as uplift_ci_low,
        {{ newcombe_bound(
            'treated_moved', 'treated_contacts',
            'control_rate * control_effective_contacts', 'control_effective_contacts', 'high',
        ) }} as uplift_ci_high,
        case
            when treated_contacts > 0 then 'stratified_unsent_same_type_weighted'
            else 'no_comparable_control'
        end as control_method,
        'newcombe_hybrid_score' as interval_method,
        coalesce(
            treated_contacts >= {{ var('uplift_min_contacts') }}
            and control_effective_contacts >= {{ var('uplift_min_contacts') }},
            false
        ) as is_conclusive
    from grid
)

select * from with_interval
