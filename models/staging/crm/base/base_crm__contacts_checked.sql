{#- Every raw row of the daily full exports of the contact cards, typed and checked, before
    duplicates are flagged (base_crm__contacts). A view: at a year of exports (170M rows)
    writing every row down costs more than the few passes that read it, each over the
    columns it needs. The raw files are read straight in `typed`, not through a `select *`
    CTE: through one, DuckDB stops pruning files by a filter on the file's export day, and a
    reader of one export (the snapshot input) would read all of them. -#}
{{ config(materialized="view") }}
{%- set parsed = [] %}
with

typed as (
    select
        {{ file_columns() }},
        {{ cast_as('contact_id', 'str') }} as contact_id,
        {{ normalize_email('email') }} as email,
        {{ is_invalid_identifier('email', normalize_email('email')) }} as is_email_invalid,
        {{ normalize_phone('phone') }} as phone,
        {{ is_invalid_identifier('phone', normalize_phone('phone')) }} as is_phone_invalid,
        {{ cast_as('first_name', 'str') }} as first_name,
        {{ cast_as('last_name', 'str') }} as last_name,
        {{ lower_text('specialty') }} as specialty,
        {{ lower_text('workplace_type') }} as workplace_type,
        {{ cast_as('city', 'str') }} as city,
        {{ cast_as('region', 'str') }} as region,
        {{ cast_as('registered_at', 'tstz', parsed) }} as registered_at,
        {{ lower_text('registration_source') }} as registration_source,
        {{ cast_as('consent_email', 'bool', parsed) }} as consent_email,
        {{ cast_as('consent_sms', 'bool', parsed) }} as consent_sms,
        {{ cast_as('consent_calls', 'bool', parsed) }} as consent_calls,
        {{ cast_as('consent_messengers', 'bool', parsed) }} as consent_messengers,
        {{ cast_as('consent_personal_data', 'bool', parsed) }} as consent_personal_data,
        {{ cast_as('consent_third_party', 'bool', parsed) }} as consent_third_party,
        {{ lower_text('email_status') }} as email_status,
        brands_of_interest,
        {{ lower_text('activity_segment') }} as activity_segment,
        segment_codes,
        {{ cast_as('updated_at', 'tstz', parsed) }} as updated_at,
        coalesce({{ cast_as('is_deleted', 'bool', parsed) }}, false) as is_deleted,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from {{ landing_zone('crm', 'contacts') }}
),

checked as (
    select
        *,
        {{ reject_reason(
            required=['contact_id', 'updated_at', '_file_date'],
            enums={'activity_segment': enum_values('crm/contacts', 'activity_segment')}
        ) }} as _reject_reason
    from typed
)

select * from checked
