{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('crm', 'deals') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('crm/deals', parsed, {
            'status': lower_text('status'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['deal_id', 'created_at'],
            enums=contract_enums('crm/deals'),
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['deal_id']) }}
)

select * from flagged
