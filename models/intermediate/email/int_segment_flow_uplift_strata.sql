{{ config(materialized='table') }}
{#- Treated and control contacts of every campaign × segment at send × horizon × stratum
    (specialty, interest in the campaign's brand) × segment after the horizon: the counts
    mart_segment_flow_uplift weights. Counted per stratum here so that the mart never
    handles one row per campaign × candidate contact. -#}
with

sends as (
    select * from {{ ref('int_email_sends') }}
),

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

versions as (
    select * from {{ ref('int_contact_versions') }}
),

horizons as (
    {%- for horizon in var('uplift_horizons_days') %}
        select {{ horizon }} as horizon_days
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

observed_until as (
    select {{ local_day_end_utc('max(versions.export_date)') }} as observed_until
    from versions
),

treated as (
    {#- A contact sent the campaign, at its first send; no history at the send: left out. -#}
    select
        sends.campaign_id,
        sends.contact_id,
        min(sends.sent_at) as reference_at,
        min(sends.segment_at_send) as segment_at_send,
        min(coalesce(sends.specialty, 'unknown')) as specialty,
        min(
            case
                when campaigns.brand_code is null then 'all'
                when
                    {{ list_contains(
                        'sends.segment_codes_at_send', "'int_' || campaigns.brand_code"
                    ) }}
                    then 'interested'
                else 'not_interested'
            end
        ) as brand_stratum
    from sends
    inner join campaigns
        on sends.campaign_id = campaigns.campaign_id
    where sends.contact_id is not null and sends.segment_at_send <> 'unknown'
    group by sends.campaign_id, sends.contact_id
),

treated_strata as (
    select distinct
        campaign_id,
        segment_at_send,
        specialty,
        brand_stratum
    from treated
),

candidates as (
    {#- Contacts with an undeleted, email-consenting version at the campaign's launch, in a
        stratum the campaign treated, and not sent it. -#}
    select
        campaigns.campaign_id,
        campaigns.email_type,
        versions.contact_id,
        campaigns.launched_at as reference_at,
        versions.activity_segment as segment_at_send,
        coalesce(versions.specialty, 'unknown') as specialty,
        case
            when campaigns.brand_code is null then 'all'
            when
                {{ list_contains('versions.segment_codes', "'int_' || campaigns.brand_code") }}
                then 'interested'
            else 'not_interested'
        end as brand_stratum
    from campaigns
    inner join versions
        on
            campaigns.launched_at >= versions.valid_from
            and campaigns.launched_at < coalesce(versions.valid_to, {{ end_of_time() }})
    where not versions.is_deleted and versions.consent_email and versions.email_status = 'valid'
),

comparable as (
    select candidates.*
    from candidates
    inner join treated_strata
        on
            candidates.campaign_id = treated_strata.campaign_id
            and candidates.segment_at_send = treated_strata.segment_at_send
            and candidates.specialty = treated_strata.specialty
            and candidates.brand_stratum = treated_strata.brand_stratum
),

send_moments as (
    {#- Each comparable contact's launch moment among its sends of the campaign's type. -#}
    select
        campaign_id,
        contact_id,
        email_type,
        reference_at as moment_at,
        0 as is_send
    from comparable
    union all
    select
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        contact_id,
        email_type,
        sent_at as moment_at,
        1 as is_send
    from sends
    where contact_id is not null
),

next_sends as (
    {#- The contact's first email of the type at or after the launch: one sorted pass over
        (contact, type) instead of joining every candidate with all its sends. -#}
    select
        campaign_id,
        contact_id,
        min(case when is_send = 1 then moment_at end) over (
            partition by contact_id, email_type
            order by moment_at, is_send
            rows between current row and unbounded following
        ) as next_sent_at
    from send_moments
),

control as (
    {#- Not sent the campaign, and no email of its type from the launch to the horizon. -#}
    select
        comparable.campaign_id,
        comparable.contact_id,
        comparable.reference_at,
        comparable.segment_at_send,
        comparable.specialty,
        comparable.brand_stratum,
        horizons.horizon_days
    from comparable
    inner join next_sends
        on
            comparable.campaign_id = next_sends.campaign_id
            and comparable.contact_id = next_sends.contact_id
    cross join horizons
    left join treated
        on
            comparable.campaign_id = treated.campaign_id
            and comparable.contact_id = treated.contact_id
    where
        treated.contact_id is null
        and (
            next_sends.next_sent_at is null
            or next_sends.next_sent_at
            > {{ dbt.dateadd('day', 'horizons.horizon_days', 'comparable.reference_at') }}
        )
),

both_groups as (
    select
        treated.campaign_id,
        treated.contact_id,
        treated.reference_at,
        treated.segment_at_send,
        treated.specialty,
        treated.brand_stratum,
        horizons.horizon_days,
        1 as is_treated
    from treated
    cross join horizons
    union all
    select
        campaign_id,
        contact_id,
        reference_at,
        segment_at_send,
        specialty,
        brand_stratum,
        horizon_days,
        0 as is_treated
    from control
),

observed as (
    {#- Only horizons that end before the newest contacts export. -#}
    select
        both_groups.*,
        {{ dbt.dateadd('day', 'both_groups.horizon_days', 'both_groups.reference_at') }}
            as horizon_at
    from both_groups
    cross join observed_until
    where
        {{ dbt.dateadd('day', 'both_groups.horizon_days', 'both_groups.reference_at') }}
        <= observed_until.observed_until
),

outcomes as (
    select
        observed.*,
        case
            when versions.contact_id is null then 'unknown'
            when versions.is_deleted then 'deleted'
            else versions.activity_segment
        end as to_segment
    from observed
    left join versions
        on
            observed.contact_id = versions.contact_id
            and observed.horizon_at >= versions.valid_from
            and observed.horizon_at < coalesce(versions.valid_to, {{ end_of_time() }})
),

counted as (
    select
        campaign_id,
        segment_at_send,
        horizon_days,
        specialty,
        brand_stratum,
        to_segment,
        sum(is_treated) as treated_contacts,
        sum(1 - is_treated) as control_contacts
    from outcomes
    group by campaign_id, segment_at_send, horizon_days, specialty, brand_stratum, to_segment
)

select * from counted
