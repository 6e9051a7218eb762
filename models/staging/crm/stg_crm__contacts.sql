{#- Every daily full export (export_date); a contact appears once per export. -#}
with

base as (
    select * from {{ ref('base_crm__contacts') }}
),

clean as (
    select
        contact_id,
        email,
        is_email_invalid,
        phone,
        is_phone_invalid,
        first_name,
        last_name,
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
        updated_at,
        is_deleted,
        _source_file,
        _file_date as export_date
    from base
    where _reject_reason is null and not _is_duplicate
)

select * from clean
