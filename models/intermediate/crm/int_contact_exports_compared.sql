{#- Every daily contacts export, plus a tombstone on the first export a contact is missing
    from: a hard delete dated in business time (the end of that export's day), which closes
    the contact's history in the snapshot. A soft-deleted card (is_deleted) needs none. -#}
{%- set card_columns = [
    'contact_id', 'email', 'is_email_invalid', 'phone', 'is_phone_invalid', 'first_name',
    'last_name', 'specialty', 'workplace_type', 'city', 'region', 'registered_at',
    'registration_source', 'consent_email', 'consent_sms', 'consent_calls',
    'consent_messengers', 'consent_personal_data', 'consent_third_party', 'email_status',
    'brands_of_interest', 'activity_segment', 'segment_codes',
] -%}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

export_days as (
    select
        export_date,
        lead(export_date) over (order by export_date) as next_export_date
    from (select distinct contacts.export_date from contacts) as exported_days
),

tombstones as (
    select
        {%- for column in card_columns %}
            contacts.{{ column }},
        {%- endfor %}
        {{ local_day_end_utc('export_days.next_export_date') }} as updated_at,
        true as is_deleted,
        export_days.next_export_date as export_date
    from contacts
    inner join export_days
        on contacts.export_date = export_days.export_date
    left join contacts as next_export
        on
            export_days.next_export_date = next_export.export_date
            and contacts.contact_id = next_export.contact_id
    where
        export_days.next_export_date is not null
        and not contacts.is_deleted
        and next_export.contact_id is null
),

exported as (
    select
        {%- for column in card_columns %}
            {{ column }},
        {%- endfor %}
        updated_at,
        is_deleted,
        export_date
    from contacts
    union all
    select * from tombstones
)

select * from exported
