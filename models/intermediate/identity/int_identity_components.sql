{{ config(post_hook="{{ connected_components_drop_work_tables() }}") }}
{#- Each identifier's connected component in the identity graph (shared identifiers left
    out), labelled by its smallest node: tree hooking with pointer jumping
    (macro connected_components). -#}
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
