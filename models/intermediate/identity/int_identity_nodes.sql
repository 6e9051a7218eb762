{#- Every identifier seen anywhere, with its kind, value, first sighting and whether it is
    shared (then it belongs to no person). -#}
with

mentions as (
    select * from {{ ref('int_identity_mentions') }}
),

shared as (
    select * from {{ ref('int_identifiers_shared') }}
),

sightings as (
    select
        contact_node as node,
        first_seen_at as seen_at
    from mentions
    where contact_node is not null
    union all
    select
        email_node as node,
        first_seen_at as seen_at
    from mentions
    where email_node is not null
    union all
    select
        phone_node as node,
        first_seen_at as seen_at
    from mentions
    where phone_node is not null
    union all
    select
        cookie_node as node,
        first_seen_at as seen_at
    from mentions
    where cookie_node is not null
),

nodes as (
    select
        sightings.node,
        split_part(sightings.node, ':', 1) as identifier_type,
        substr(sightings.node, length(split_part(sightings.node, ':', 1)) + 2) as identifier,
        min(sightings.seen_at) as first_seen_at,
        shared.node is not null as is_shared,
        max(shared.n_contacts) as n_contacts_sharing
    from sightings
    left join shared
        on sightings.node = shared.node
    group by sightings.node, shared.node
)

select * from nodes
