{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('calltracking', 'calls') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ cast_as('call_id', 'str') }} as call_id,
        {{ cast_as('session_id', 'str') }} as session_id,
        {{ normalize_phone('caller_phone') }} as caller_phone,
        {{ is_invalid_identifier('caller_phone', normalize_phone('caller_phone')) }}
            as is_phone_invalid,
        {{ cast_as('call_started_at', 'str') }} as call_started_at_local_text,
        {{ cast_as('call_started_at', 'local_ts', parsed) }} as call_started_at,
        {{ cast_as('duration_sec', 'int', parsed) }} as duration_sec,
        {{ cast_as('is_answered', 'bool', parsed) }} as is_answered,
        {{ cast_as('is_unique', 'bool', parsed) }} as is_unique,
        {{ cast_as('is_target', 'bool', parsed) }} as is_target,
        nullif({{ lower_text('utm_source') }}, '') as utm_source,
        nullif({{ lower_text('utm_medium') }}, '') as utm_medium,
        nullif({{ lower_text('utm_campaign') }}, '') as utm_campaign,
        {{ cast_as('tracking_number', 'str') }} as tracking_number,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['call_id', 'call_started_at'],
            event_time='call_started_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['call_id']) }}
)

select * from flagged
