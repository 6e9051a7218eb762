{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('crm', 'leads') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ cast_as('lead_id', 'str') }} as lead_id,
        {{ cast_as('created_at', 'tstz', parsed) }} as created_at,
        {{ cast_as('contact_id', 'str') }} as contact_id,
        {{ normalize_phone('phone') }} as phone,
        {{ is_invalid_identifier('phone', normalize_phone('phone')) }} as is_phone_invalid,
        {{ normalize_email('email') }} as email,
        {{ is_invalid_identifier('email', normalize_email('email')) }} as is_email_invalid,
        {{ lower_text('lead_channel') }} as lead_channel,
        {{ cast_as('calltracking_call_id', 'str') }} as calltracking_call_id,
        {{ cast_as('calltracking_request_id', 'str') }} as calltracking_request_id,
        {{ lower_text('brand_code') }} as brand_code,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['lead_id', 'created_at'],
            enums={'lead_channel': enum_values('crm/leads', 'lead_channel')},
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['lead_id']) }}
)

select * from flagged
