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
        {{ cast_as('activity_id', 'str') }} as activity_id,
        {{ cast_as('contact_id', 'str') }} as contact_id,
        {{ lower_text('activity_type') }} as activity_type,
        {{ cast_as('occurred_at', 'tstz', parsed) }} as occurred_at,
        {{ lower_text('brand_code') }} as brand_code,
        {{ lower_text('utm_source') }} as utm_source,
        {{ lower_text('utm_medium') }} as utm_medium,
        {{ lower_text('utm_campaign') }} as utm_campaign,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['activity_id', 'occurred_at'],
            enums={'activity_type': enum_values('crm/activities', 'activity_type')},
            event_time='occurred_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['activity_id']) }}
)

select * from flagged
