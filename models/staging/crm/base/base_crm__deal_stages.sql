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
        {{ cast_as('deal_id', 'str') }} as deal_id,
        {{ lower_text('stage') }} as stage,
        {{ cast_as('entered_at', 'tstz', parsed) }} as entered_at,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['deal_id', 'entered_at'],
            enums={'stage': enum_values('crm/deal_stages', 'stage')},
            event_time='entered_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['deal_id', 'stage']) }}
)

select * from flagged
