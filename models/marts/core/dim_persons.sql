{#- People stitched across systems: connected components of contact ids, normalized emails
    and phones and site cookies (marts.md, "Person"). -#}
with

components as (
    select * from {{ ref('int_identity_components') }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

persons as (
    select
        components.person_id,
        count(case when nodes.identifier_type = 'contact' then 1 end) as n_contacts,
        count(case when nodes.identifier_type = 'email' then 1 end) as n_emails,
        count(case when nodes.identifier_type = 'phone' then 1 end) as n_phones,
        count(case when nodes.identifier_type = 'cookie' then 1 end) as n_client_ids,
        min(nodes.first_seen_at) as first_seen_at
    from components
    inner join nodes
        on components.node = nodes.node
    group by components.person_id
),

with_local_time as (
    select
        *,
        {{ utc_to_local('first_seen_at') }} as first_seen_at_local
    from persons
)

select * from with_local_time
