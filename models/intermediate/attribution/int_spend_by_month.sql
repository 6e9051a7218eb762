{#- Every rouble of spend by month and day (reporting time zone) × channel × utm triple: paid
    spend from calltracking/ad_costs (channel from its utm pair, as for touches), email spend
    from the campaigns' cost_rub on the day they launched, keyed by the utm their links
    carry (the most frequent pair among the campaign's clicks). One row per ad-cost row or
    campaign (campaign_id, null on ad-cost rows). -#}
with

ad_costs as (
    select * from {{ ref('stg_calltracking__ad_costs') }}
),

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

email_clicks as (
    select * from {{ ref('int_email_events_matched') }}
    where event_type = 'clicked'
),

utm_channels as (
    select * from {{ ref('int_utm_channels') }}
),

campaign_link_utm as (
    select
        campaign_id,
        utm_source,
        utm_medium,
        row_number() over (
            partition by campaign_id
            order by count(*) desc, utm_source, utm_medium asc
        ) as frequency_rank
    from email_clicks
    group by campaign_id, utm_source, utm_medium
),

paid as (
    select
        cast({{ dbt.date_trunc('month', 'ad_costs.cost_date') }} as date) as month,
        ad_costs.cost_date as spend_date,
        coalesce(utm_channels.channel, 'other') as channel,
        ad_costs.utm_source,
        ad_costs.utm_medium,
        ad_costs.utm_campaign,
        'ad_costs' as spend_source,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        ad_costs.cost_rub as spend_rub,
        ad_costs.impressions,
        ad_costs.clicks
    from ad_costs
    left join utm_channels
        on
            ad_costs.utm_source = utm_channels.utm_source
            and ad_costs.utm_medium = utm_channels.utm_medium
),

email as (
    select
        cast({{ dbt.date_trunc('month', local_day('campaigns.launched_at')) }} as date) as month,
        {{ local_day('campaigns.launched_at') }} as spend_date,
        'email' as channel,
        campaign_link_utm.utm_source,
        coalesce(campaign_link_utm.utm_medium, 'email') as utm_medium,
        campaigns.utm_campaign,
        'email_campaign' as spend_source,
        campaigns.campaign_id,
        campaigns.cost_rub as spend_rub,
        cast(null as {{ dbt.type_bigint() }}) as impressions,
        cast(null as {{ dbt.type_bigint() }}) as clicks
    from campaigns
    left join campaign_link_utm
        on
            campaigns.campaign_id = campaign_link_utm.campaign_id
            and campaign_link_utm.frequency_rank = 1
),

spend as (
    select * from paid
    union all
    select * from email
)

select * from spend
