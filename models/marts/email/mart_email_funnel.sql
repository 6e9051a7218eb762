{#- The email funnel by day × campaign × brand × specialty × email type × segment at send. -#}
with

sends as (
    select * from {{ ref('fct_email_sends') }}
),

counted as (
    select
        sends.sent_date,
        sends.campaign_id,
        coalesce(sends.brand_code, 'multi_brand') as brand_code,
        sends.specialty,
        sends.email_type,
        sends.segment_at_send,
        {{ email_funnel_measures('sends') }}
    from sends
    group by
        sends.sent_date,
        sends.campaign_id,
        coalesce(sends.brand_code, 'multi_brand'),
        sends.specialty,
        sends.email_type,
        sends.segment_at_send
),

with_rates as (
    select
        *,
        {{ email_funnel_rates() }}
    from counted
)

select * from with_rates
