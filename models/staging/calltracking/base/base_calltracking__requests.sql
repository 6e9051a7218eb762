{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('calltracking', 'requests') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ cast_as('request_id', 'str') }} as request_id,
        {{ cast_as('session_id', 'str') }} as session_id,
        {{ cast_as('client_id', 'str') }} as client_id,
        {{ lower_text('request_type') }} as request_type,
        {{ normalize_phone('phone') }} as phone,
        {{ is_invalid_identifier('phone', normalize_phone('phone')) }} as is_phone_invalid,
        {{ normalize_email('email') }} as email,
        {{ is_invalid_identifier('email', normalize_email('email')) }} as is_email_invalid,
        {{ cast_as('name', 'str') }} as name,
        {{ cast_as('created_at', 'ts', parsed) }} as created_at,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['request_id', 'created_at'],
            enums={'request_type': enum_values('calltracking/requests', 'request_type')},
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['request_id']) }}
)

select * from flagged
