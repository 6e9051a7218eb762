{#- Normalized emails that exactly one contact has ever had: an ESP event without a
    contact_id is matched to its contact through them (marts.md, "Segment at send"). -#}
with

versions as (
    select * from {{ ref('int_contact_versions') }}
),

owners as (
    select
        email,
        min(contact_id) as contact_id
    from versions
    where email is not null
    group by email
    having count(distinct contact_id) = 1
)

select * from owners
