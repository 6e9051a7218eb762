{#- Identifiers (email, phone, cookie) named together with more than
    `max_contacts_per_identifier` distinct CRM contacts, e.g. a clinic's reception phone:
    they are not used as edges of the identity graph. -#}
with

mentions as (
    select * from {{ ref('int_identity_mentions') }}
    where contact_node is not null
),

identifier_contacts as (
    select
        email_node as node,
        contact_node
    from mentions
    where email_node is not null
    union all
    select
        phone_node as node,
        contact_node
    from mentions
    where phone_node is not null
    union all
    select
        cookie_node as node,
        contact_node
    from mentions
    where cookie_node is not null
),

shared as (
    select
        node,
        count(distinct contact_node) as n_contacts
    from identifier_contacts
    group by node
    having count(distinct contact_node) > {{ var('max_contacts_per_identifier') }}
)

select * from shared
