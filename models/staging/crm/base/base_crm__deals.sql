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
        {{ cast_as('deal_id', 'str') }} as deal_id,
        {{ cast_as('lead_id', 'str') }} as lead_id,
        {{ cast_as('contact_id', 'str') }} as contact_id,
        {{ cast_as('created_at', 'tstz', parsed) }} as created_at,
        {{ lower_text('status') }} as status,
        {{ cast_as('amount_rub', 'float', parsed) }} as amount_rub,
        {{ cast_as('closed_at', 'tstz', parsed) }} as closed_at,
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['deal_id', 'created_at'],
            enums={'status': enum_values('crm/deals', 'status')},
            event_time='created_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['deal_id']) }}
)

select * from flagged
