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
        {{ contract_columns('crm/leads', parsed, {
            'phone': normalized_identifier('phone', 'phone'),
            'email': normalized_identifier('email', 'email'),
            'lead_channel': lower_text('lead_channel'),
            'brand_code': lower_text('brand_code'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['lead_id', 'created_at'],
            enums=contract_enums('crm/leads'),
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['lead_id']) }}
)

select * from flagged
