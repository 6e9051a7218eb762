{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('crm', 'deal_stages') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('crm/deal_stages', parsed, {
            'stage': lower_text('stage'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['deal_id', 'entered_at'],
            enums=contract_enums('crm/deal_stages'),
            event_time='entered_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['deal_id', 'stage']) }}
)

select * from flagged
