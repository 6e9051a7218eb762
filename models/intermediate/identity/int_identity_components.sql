{{ config(post_hook="drop table if exists {{ this.schema }}.{{ this.identifier }}__labels") }}
{#- Each identifier's connected component in the identity graph (shared identifiers left
    out): the smallest node of the component, by iterative label propagation. -#}
{%- set labels = connected_components(
    edges=ref('int_identity_edges'),
    nodes="(select node from " ~ ref('int_identity_nodes') ~ " where not is_shared)",
) -%}
with

labels as (
    select * from {{ labels }}
),

components as (
    select
        node,
        component,
        {{ dbt.hash("'person|' || component") }} as person_id
    from labels
)

select * from components
