{#- The email funnel by every dynamic segment a contact was in at the moment of the send.
    Segments overlap: a send counts once in each of its segments, so rows never sum across
    segment_code. Sends with no known segment are under 'unknown'. -#}
with

sends as (
    select * from {{ ref('fct_email_sends') }}
),

sends_by_segment as (
    select
        sends.*,
        {{ unnest_list(
            "case when " ~ list_size('sends.segment_codes_at_send') ~ " > 0"
            ~ " then sends.segment_codes_at_send else " ~ text_list(['unknown']) ~ " end"
        ) }} as segment_code
    from sends
),

counted as (
    select
        sends_by_segment.sent_date,
        sends_by_segment.campaign_id,
        coalesce(sends_by_segment.brand_code, 'multi_brand') as brand_code,
        sends_by_segment.specialty,
        sends_by_segment.email_type,
        sends_by_segment.segment_code,
        {{ email_funnel_measures('sends_by_segment') }}
    from sends_by_segment
    group by
        sends_by_segment.sent_date,
        sends_by_segment.campaign_id,
        coalesce(sends_by_segment.brand_code, 'multi_brand'),
        sends_by_segment.specialty,
        sends_by_segment.email_type,
        sends_by_segment.segment_code
),

with_rates as (
    select
        *,
        {{ email_funnel_rates() }}
    from counted
)

select * from with_rates
