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
        {{ cast_as('campaign_id', 'str') }} as campaign_id,
        {{ cast_as('campaign_name', 'str') }} as campaign_name,
        {{ lower_text('email_type') }} as email_type,
        {{ lower_text('brand_code') }} as brand_code,
        {{ cast_as('launched_at', 'ts', parsed) }} as launched_at,
        {{ lower_text('utm_campaign') }} as utm_campaign,
        {{ cast_as('subject', 'str') }} as subject,
        {{ cast_as('cost_rub', 'float', parsed) }} as cost_rub,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['campaign_id', 'launched_at'],
            enums={'email_type': enum_values('esp/campaigns', 'email_type')}
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['campaign_id']) }}
)

select * from flagged
