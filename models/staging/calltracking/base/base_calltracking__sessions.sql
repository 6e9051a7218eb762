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
        {{ contract_columns('calltracking/sessions', parsed, {
            'utm_source': blank_as_null(lower_text('utm_source')),
            'utm_medium': blank_as_null(lower_text('utm_medium')),
            'utm_campaign': blank_as_null(lower_text('utm_campaign')),
            'utm_content': blank_as_null(lower_text('utm_content')),
            'utm_term': blank_as_null(lower_text('utm_term')),
            'referrer': blank_as_null('trim(' ~ cast_as('referrer', 'str') ~ ')'),
            'device': lower_text('device'),
        }) }},
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
