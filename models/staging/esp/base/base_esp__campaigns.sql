{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('esp', 'campaigns') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('esp/campaigns', parsed, {
            'email_type': lower_text('email_type'),
            'brand_code': lower_text('brand_code'),
            'utm_campaign': lower_text('utm_campaign'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['campaign_id', 'launched_at'],
            enums=contract_enums('esp/campaigns')
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['campaign_id']) }}
)

select * from flagged
