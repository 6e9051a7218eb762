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
        {{ contract_columns('calltracking/requests', parsed, {
            'request_type': lower_text('request_type'),
            'phone': normalized_identifier('phone', 'phone'),
            'email': normalized_identifier('email', 'email'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['request_id', 'created_at'],
            enums=contract_enums('calltracking/requests'),
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['request_id']) }}
)

select * from flagged
