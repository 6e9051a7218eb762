{#- The list column brands_of_interest of dim_contacts, flat: one row per contact and brand
    of interest (none for an empty list; a repeated element once). -#}
with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

elements as (
    select
        contact_id,
        {{ unnest_list('brands_of_interest') }} as brand_code
    from contacts
),

flattened as (
    select distinct
        contact_id,
        brand_code
    from elements
)

select * from flattened
