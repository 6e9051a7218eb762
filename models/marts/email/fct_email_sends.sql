{#- One row per send with its segment at send (int_email_sends, incremental) and the person
    of its contact, or of its email when no contact matched. The person follows the identity
    graph of this build, so it is joined here rather than stored in the incremental model. -#}
with

sends as (
    select * from {{ ref('int_email_sends') }}
),

components as (
    select * from {{ ref('int_identity_components') }}
),

with_person as (
    select
        sends.*,
        components.person_id
    from sends
    left join components
        on sends.person_node = components.node
),

published as (
    {#- The node names the email when no contact matched: it stays out of the mart. -#}
    select
        {{ select_all_except(['person_node']) }},
        {{ list_to_text('segment_codes_at_send') }} as segment_codes_at_send_text,
        {{ utc_to_local('sent_at') }} as sent_at_local,
        {{ utc_to_local('first_opened_at') }} as first_opened_at_local,
        {{ utc_to_local('first_clicked_at') }} as first_clicked_at_local
    from with_person
)

select * from published
