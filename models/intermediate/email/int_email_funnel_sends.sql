{#- Every send with what the two email funnels group it by (brand_code `multi_brand` for
    digests) and what they count: mart_email_funnel and mart_email_funnel_by_segment group
    these rows with the macro email_funnel. -#}
with

sends as (
    select * from {{ ref('int_email_sends') }}
),

funnel_sends as (
    select
        send_id,
        sent_date,
        campaign_id,
        coalesce(brand_code, 'multi_brand') as brand_code,
        specialty,
        email_type,
        segment_at_send,
        segment_codes_at_send,
        is_delivered,
        is_bounced,
        is_opened,
        opens,
        is_clicked,
        clicks,
        is_unsubscribed,
        is_complained,
        registrations
    from sends
)

select * from funnel_sends
