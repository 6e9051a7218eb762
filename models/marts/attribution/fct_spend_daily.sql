{#- Spend at its own grain: day × spend source × channel × utm triple, once (never per
    attribution model). Ad costs on their date, email campaigns' cost on their launch day
    (reporting time zone). -#}
with

spend as (
    select * from {{ ref('int_spend_by_month') }}
),

summed as (
    select
        spend_date,
        spend_source,
        channel,
        {{ not_set('utm_source') }} as utm_source,
        {{ not_set('utm_medium') }} as utm_medium,
        {{ not_set('utm_campaign') }} as utm_campaign,
        sum(spend_rub) as spend_rub,
        cast(sum(impressions) as {{ dbt.type_bigint() }}) as impressions,
        cast(sum(clicks) as {{ dbt.type_bigint() }}) as clicks,
        cast(count(*) as {{ dbt.type_bigint() }}) as spend_rows
    from spend
    group by
        spend_date,
        spend_source,
        channel,
        {{ not_set('utm_source') }},
        {{ not_set('utm_medium') }},
        {{ not_set('utm_campaign') }}
)

select * from summed
