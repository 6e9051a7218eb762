{#- The list column segment_codes_at_send of fct_email_sends, flat: one row per send and
    dynamic segment code the contact was in at the send (none for an empty list; a repeated
    element once). -#}
with

sends as (
    select * from {{ ref('fct_email_sends') }}
),

elements as (
    select
        send_id,
        {{ unnest_list('segment_codes_at_send') }} as segment_code
    from sends
),

flattened as (
    select distinct
        send_id,
        segment_code
    from elements
)

select * from flattened
