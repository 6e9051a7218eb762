{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('crm', 'activities') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('crm/activities', parsed, {
            'activity_type': lower_text('activity_type'),
            'brand_code': lower_text('brand_code'),
            'utm_source': lower_text('utm_source'),
            'utm_medium': lower_text('utm_medium'),
            'utm_campaign': lower_text('utm_campaign'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['activity_id', 'occurred_at'],
            enums=contract_enums('crm/activities'),
            event_time='occurred_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['activity_id']) }}
)

select * from flagged
