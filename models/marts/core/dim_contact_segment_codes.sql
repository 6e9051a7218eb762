{#- The list column segment_codes of dim_contacts, flat: one row per contact and dynamic
    segment code it is in now (none for an empty list; a repeated element once). -#}
with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

elements as (
    select
        contact_id,
        {{ unnest_list('segment_codes') }} as segment_code
    from contacts
),

flattened as (
    select distinct
        contact_id,
        segment_code
    from elements
)

select * from flattened
