{#- Every email campaign with its type, brand and cost. -#}
with

campaigns as (
    select * from {{ ref('stg_esp__campaigns') }}
),

email_types as (
    select * from {{ ref('email_types') }}
),

brands as (
    select * from {{ ref('brands') }}
),

described as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.email_type,
        email_types.email_type_name,
        campaigns.brand_code,
        brands.brand_name,
        campaigns.launched_at,
        {{ utc_to_local('campaigns.launched_at') }} as launched_at_local,
        {{ local_day('campaigns.launched_at') }} as launched_date,
        campaigns.utm_campaign,
        campaigns.subject,
        campaigns.cost_rub
    from campaigns
    left join email_types
        on campaigns.email_type = email_types.email_type
    left join brands
        on campaigns.brand_code = brands.brand_code
)

select * from described
