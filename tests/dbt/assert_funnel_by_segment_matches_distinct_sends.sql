-- Overlapping segments: each per-segment row counts exactly the distinct sends that were in
-- that segment at sending time (so rows never sum across segments).
with

sends_in_segment as (
    select
        sends.sent_date,
        sends.campaign_id,
        coalesce(sends.brand_code, 'multi_brand') as brand_code,
        sends.specialty,
        sends.email_type,
        sends.segment_code,
        count(distinct sends.send_id) as distinct_sends
    from (
        select
            *,
            {{ unnest_list(
                "case when " ~ list_size('segment_codes_at_send') ~ " > 0"
                ~ " then segment_codes_at_send else " ~ text_list(['unknown']) ~ " end"
            ) }} as segment_code
        from {{ ref('fct_email_sends') }}
    ) as sends
    group by 1, 2, 3, 4, 5, 6
)

select
    sends_in_segment.*,
    funnel.sent
from sends_in_segment
full outer join {{ ref('mart_email_funnel_by_segment') }} as funnel
    on
        sends_in_segment.sent_date = funnel.sent_date
        and sends_in_segment.campaign_id = funnel.campaign_id
        and sends_in_segment.brand_code = funnel.brand_code
        and sends_in_segment.specialty = funnel.specialty
        and sends_in_segment.email_type = funnel.email_type
        and sends_in_segment.segment_code = funnel.segment_code
where sends_in_segment.distinct_sends is distinct from funnel.sent
