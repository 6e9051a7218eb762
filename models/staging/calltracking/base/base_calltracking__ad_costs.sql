with

source as (
    select * from {{ landing_zone('calltracking', 'ad_costs') }}
),

typed as (
    select
        {{ file_columns() }},
        {{ cast_as('date', 'date') }} as cost_date,
        nullif({{ lower_text('utm_source') }}, '') as utm_source,
        nullif({{ lower_text('utm_medium') }}, '') as utm_medium,
        nullif({{ lower_text('utm_campaign') }}, '') as utm_campaign,
        {{ cast_as('impressions', 'int') }} as impressions,
        {{ cast_as('clicks', 'int') }} as clicks,
        {{ cast_as('cost_rub', 'float') }} as cost_rub
    from source
),

checked as (
    select
        *,
        case
            when cost_rub < 0 then 'negative cost_rub'
            else {{ reject_reason(
                required=['cost_date', 'utm_source', 'utm_medium', 'utm_campaign', 'cost_rub']
            ) }}
        end as _reject_reason
    from typed
),

flagged as (
    {{ flag_duplicates('checked', ['cost_date', 'utm_source', 'utm_medium', 'utm_campaign']) }}
)

select * from flagged
