{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('calltracking', 'ad_costs') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('calltracking/ad_costs', parsed, {
            'utm_source': blank_as_null(lower_text('utm_source')),
            'utm_medium': blank_as_null(lower_text('utm_medium')),
            'utm_campaign': blank_as_null(lower_text('utm_campaign')),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        case
            when cost_rub < 0 then 'negative cost_rub'
            else {{ reject_reason(
                required=['cost_date', 'utm_source', 'utm_medium', 'utm_campaign', 'cost_rub'],
                event_time='cost_date'
            ) }}
        end as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['cost_date', 'utm_source', 'utm_medium', 'utm_campaign']) }}
)

select * from flagged
