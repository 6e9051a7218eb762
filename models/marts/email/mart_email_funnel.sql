{#- The email funnel by day × campaign × brand × specialty × email type × segment at send. -#}
with

sends as (
    select * from {{ ref('int_email_funnel_sends') }}
),

funnel as (
    {{ email_funnel('sends', 'segment_at_send') }}
)

select * from funnel
