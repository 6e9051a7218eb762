{#- The edges of the identity graph: every pair of identifiers named by one row, once,
    without the shared identifiers. -#}
with

mentions as (
    select * from {{ ref('int_identity_mentions') }}
),

shared as (
    select * from {{ ref('int_identifiers_shared') }}
),

pairs as (
    {%- set ends = ['contact_node', 'email_node', 'phone_node', 'cookie_node'] %}
    {%- for left in ends %}
        {%- for right in ends[loop.index:] %}
            select
                {{ left }} as node_a,
                {{ right }} as node_b
            from mentions
            where {{ left }} is not null and {{ right }} is not null
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last and ends[loop.index:] | length > 1 %}
            union all
        {%- endif %}
    {%- endfor %}
),

edges as (
    select distinct
        least(pairs.node_a, pairs.node_b) as node_a,
        greatest(pairs.node_a, pairs.node_b) as node_b
    from pairs
    left join shared as shared_a
        on pairs.node_a = shared_a.node
    left join shared as shared_b
        on pairs.node_b = shared_b.node
    where shared_a.node is null and shared_b.node is null
)

select * from edges
