{#- One row per send with its segment at send (int_email_sends, incremental) and the person
    of its contact, or of its email when no contact matched. -#}
with

sends as (
    select * from {{ ref('int_email_sends') }}
),

events as (
    select * from {{ ref('int_email_events_matched') }}
    where event_type = 'sent'
),

components as (
    select * from {{ ref('int_identity_components') }}
),

send_emails as (
    select
        send_id,
        min(email) as email
    from events
    group by send_id
),

with_person as (
    select
        sends.*,
        coalesce(contact_person.person_id, email_person.person_id) as person_id
    from sends
    left join send_emails
        on sends.send_id = send_emails.send_id
    left join components as contact_person
        on {{ identity_node('contact', 'sends.contact_id') }} = contact_person.node
    left join components as email_person
        on {{ identity_node('email', 'send_emails.email') }} = email_person.node
)

select * from with_person
