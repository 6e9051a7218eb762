{#- Every contact in its current state (the snapshot's current version), without personal
    data: no email, phone or name, only flags about them. -#}
with

snapshot as (
    select * from {{ ref('snp_crm__contacts') }}
    where dbt_valid_to is null
),

contacts as (
    select
        contact_id,
        specialty,
        workplace_type,
        city,
        region,
        registered_at,
        registration_source,
        consent_email,
        consent_sms,
        consent_calls,
        consent_messengers,
        consent_personal_data,
        consent_third_party,
        email_status,
        brands_of_interest,
        activity_segment,
        segment_codes,
        email is not null as has_valid_email,
        phone is not null as has_valid_phone,
        coalesce(
            not is_deleted and consent_email and email_status = 'valid' and email is not null,
            false
        ) as is_email_addressable,
        is_deleted,
        updated_at
    from snapshot
)

select * from contacts
