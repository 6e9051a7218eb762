{{ config(materialized='table') }}
{#- Attributed leads, funnel stages and revenue by month × channel × utm_campaign × model in
    every Poisson bootstrap replicate (replicate 0: the data as they are). Persons are the
    resampling units: each person's credits are multiplied by the person's weight in the
    replicate (macro poisson_weight), so one person's leads move together. Summed per person
    and cell before the replicates multiply them. In the marts layer because it is built
    from fct_attribution; named prep_ because it is mart_decision_confidence's working
    table, not a public mart. -#}
{#- utm_campaign is kept for the two models compared per campaign (last click, linear);
    the others need channels only (`(all)`): half the rows on the demo. -#}
{%- set campaign_cell -%}
    case
        when model in ('last_click', 'linear') then {{ not_set('utm_campaign') }}
        else '(all)'
    end
{%- endset %}
with

attribution as (
    select * from {{ ref('fct_attribution') }}
),

per_person as (
    select
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date) as month,
        channel,
        {{ campaign_cell }} as utm_campaign,
        model,
        coalesce(person_id, lead_id) as person_key,
        {{ exact_sum('credit', 18) }} as leads,
        {{ exact_sum('qualified_credit', 18) }} as qualified,
        {{ exact_sum('meeting_credit', 18) }} as meetings,
        {{ exact_sum('booking_credit', 18) }} as bookings,
        {{ exact_sum('payment_credit', 18) }} as payments,
        {{ exact_sum('won_credit', 18) }} as won,
        {{ exact_sum('revenue_credit') }} as revenue_rub
    from attribution
    group by
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date),
        channel,
        {{ campaign_cell }},
        model,
        coalesce(person_id, lead_id)
),

persons as (
    select distinct person_key from per_person
),

replicate_numbers as (
    {{ replicate_numbers() }}
),

weights as (
    select
        persons.person_key,
        replicates.replicate,
        {{ poisson_weight('persons.person_key', 'replicates.replicate') }} as weight
    from persons
    cross join replicate_numbers as replicates
    union all
    select
        person_key,
        0 as replicate,
        1 as weight
    from persons
),

replicated as (
    select
        weights.replicate,
        per_person.month,
        per_person.channel,
        per_person.utm_campaign,
        per_person.model,
        {%- for measure in ['leads', 'qualified', 'meetings', 'bookings', 'payments', 'won'] %}
            {{ exact_sum('weights.weight * per_person.' ~ measure, 18) }} as {{ measure }},
        {%- endfor %}
        {{ exact_sum('weights.weight * per_person.revenue_rub') }} as revenue_rub
    from per_person
    inner join weights
        on per_person.person_key = weights.person_key
    where weights.weight > 0
    group by
        weights.replicate,
        per_person.month,
        per_person.channel,
        per_person.utm_campaign,
        per_person.model
)

select * from replicated
