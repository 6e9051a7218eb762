{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('calltracking', 'sessions') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ cast_as('session_id', 'str') }} as session_id,
        {{ cast_as('client_id', 'str') }} as client_id,
        {{ cast_as('started_at', 'ts', parsed) }} as started_at,
        nullif({{ lower_text('utm_source') }}, '') as utm_source,
        nullif({{ lower_text('utm_medium') }}, '') as utm_medium,
        nullif({{ lower_text('utm_campaign') }}, '') as utm_campaign,
        nullif({{ lower_text('utm_content') }}, '') as utm_content,
        nullif({{ lower_text('utm_term') }}, '') as utm_term,
        nullif(trim({{ cast_as('referrer', 'str') }}), '') as referrer,
        {{ cast_as('landing_url', 'str') }} as landing_url,
        {{ lower_text('device') }} as device,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['session_id', 'started_at'],
            event_time='started_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['session_id']) }}
)

select * from flagged
