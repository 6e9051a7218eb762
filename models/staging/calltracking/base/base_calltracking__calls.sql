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
        {{ contract_columns('calltracking/calls', parsed, {
            'caller_phone': normalized_identifier('caller_phone', 'phone'),
            'call_started_at': {
                'call_started_at_local_text': cast_as('call_started_at', 'str'),
                'call_started_at': cast_as('call_started_at', 'local_ts'),
            },
            'utm_source': blank_as_null(lower_text('utm_source')),
            'utm_medium': blank_as_null(lower_text('utm_medium')),
            'utm_campaign': blank_as_null(lower_text('utm_campaign')),
        }) }},
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
