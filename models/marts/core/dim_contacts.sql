{#- Every contact in its current state (the snapshot's current version), without personal
    data: no email, phone or name, only flags about them. -#}
with

snapshot as (
    select * from {{ contact_history() }}
    where dbt_valid_to is null
),

components as (
    select * from {{ ref('int_identity_components') }}
),

contacts as (
    select
        snapshot.contact_id,
        components.person_id,
        snapshot.specialty,
        snapshot.workplace_type,
        snapshot.city,
        snapshot.region,
        snapshot.registered_at,
        {{ utc_to_local('snapshot.registered_at') }} as registered_at_local,
        snapshot.registration_source,
        snapshot.consent_email,
        snapshot.consent_sms,
        snapshot.consent_calls,
        snapshot.consent_messengers,
        snapshot.consent_personal_data,
        snapshot.consent_third_party,
        snapshot.email_status,
        snapshot.brands_of_interest,
        {{ list_to_text('snapshot.brands_of_interest') }} as brands_of_interest_text,
        snapshot.activity_segment,
        snapshot.segment_codes,
        {{ list_to_text('snapshot.segment_codes') }} as segment_codes_text,
        snapshot.email is not null as has_valid_email,
        snapshot.phone is not null as has_valid_phone,
        coalesce(
            not snapshot.is_deleted
            and snapshot.consent_email
            and snapshot.email_status = 'valid'
            and snapshot.email is not null,
            false
        ) as is_email_addressable,
        snapshot.is_deleted,
        snapshot.updated_at,
        {{ utc_to_local('snapshot.updated_at') }} as updated_at_local
    from snapshot
    left join components
        on {{ identity_node('contact', 'snapshot.contact_id') }} = components.node
)

select * from contacts
