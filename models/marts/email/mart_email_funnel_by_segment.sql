{#- The email funnel by every dynamic segment a contact was in at the moment of the send.
    Segments overlap: a send counts once in each of its segments, so rows never sum across
    segment_code. Sends with no known segment are under 'unknown'. -#}
with

sends as (
    select * from {{ ref('int_email_funnel_sends') }}
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

funnel as (
    {{ email_funnel('sends_by_segment', 'segment_code') }}
)

select * from funnel
