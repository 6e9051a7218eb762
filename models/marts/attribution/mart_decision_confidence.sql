{#- An interval on every number a channel decision rests on: CPL of each funnel level and
    DRR per channel × period × model, last click − linear per channel (and utm_campaign) ×
    month, each channel's share of leads per model. Percentile intervals of a Poisson
    bootstrap by person (prep_decision_replicates); spend is fixed. -#}
{%- set levels = ['leads', 'qualified', 'meetings', 'bookings', 'payments', 'won'] -%}
{%- set credit_columns = {
    'qualified': 'qualified_credit', 'meetings': 'meeting_credit', 'bookings': 'booking_credit',
    'payments': 'payment_credit', 'won': 'won_credit',
} -%}
{%- set method = "'poisson_bootstrap_by_person_" ~ var('bootstrap_replicates') ~ "'" -%}
with

replicates as (
    select * from {{ ref('prep_decision_replicates') }}
),

spend as (
    select * from {{ ref('int_spend_by_month') }}
),

attribution as (
    select * from {{ ref('fct_attribution') }}
),

replicate_numbers as (
    {{ replicate_numbers() }}
    union all
    select 0 as replicate
),

months as (
    select distinct month from replicates
    union
    select distinct month from spend
),

period_of_month as (
    select
        month,
        'month' as period_grain,
        month as period
    from months
    union all
    select
        month,
        'quarter',
        cast({{ dbt.date_trunc('quarter', 'month') }} as date)
    from months
    union all
    select
        month,
        'half_year',
        {{ half_year_start('month') }}
    from months
),

period_sums as (
    select
        replicates.replicate,
        period_of_month.period_grain,
        period_of_month.period,
        replicates.channel,
        replicates.model,
        {%- for measure in levels %}
            {{ exact_sum('replicates.' ~ measure, 18) }} as {{ measure }},
        {%- endfor %}
        {{ exact_sum('replicates.revenue_rub') }} as revenue_rub
    from replicates
    inner join period_of_month
        on replicates.month = period_of_month.month
    group by
        replicates.replicate,
        period_of_month.period_grain,
        period_of_month.period,
        replicates.channel,
        replicates.model
),

period_cells as (
    select distinct
        period_grain,
        period,
        channel,
        model
    from period_sums
    where replicate = 0
),

period_grid as (
    {#- Every cell in every replicate: a cell whose persons all drew weight 0 counts 0. -#}
    select
        replicate_numbers.replicate,
        period_cells.period_grain,
        period_cells.period,
        period_cells.channel,
        period_cells.model,
        {%- for measure in levels %}
            coalesce(period_sums.{{ measure }}, 0) as {{ measure }},
        {%- endfor %}
        coalesce(period_sums.revenue_rub, 0) as revenue_rub
    from period_cells
    cross join replicate_numbers
    left join period_sums
        on
            replicate_numbers.replicate = period_sums.replicate
            and period_cells.period_grain = period_sums.period_grain
            and period_cells.period = period_sums.period
            and period_cells.channel = period_sums.channel
            and period_cells.model = period_sums.model
),

period_spend as (
    select
        period_of_month.period_grain,
        period_of_month.period,
        spend.channel,
        {{ exact_sum('spend.spend_rub') }} as spend_rub
    from spend
    inner join period_of_month
        on spend.month = period_of_month.month
    group by period_of_month.period_grain, period_of_month.period, spend.channel
    having {{ exact_sum('spend.spend_rub') }} > 0
),

paid_grid as (
    select
        period_grid.*,
        period_spend.spend_rub
    from period_grid
    inner join period_spend
        on
            period_grid.period_grain = period_spend.period_grain
            and period_grid.period = period_spend.period
            and period_grid.channel = period_spend.channel
),

paid_totals as (
    {#- The average over paid channels: their spend over their counts. -#}
    select
        replicate,
        period_grain,
        period,
        model,
        {{ exact_sum('spend_rub') }} as spend_rub,
        {%- for measure in levels %}
            {{ exact_sum(measure, 18) }} as {{ measure }},
        {%- endfor %}
        {{ exact_sum('revenue_rub') }} as revenue_rub
    from paid_grid
    group by replicate, period_grain, period, model
),

cost_values as (
    {#- Bootstrapped as the yield (count per rouble; for DRR, revenue per 100 roubles), which
        stays finite when a replicate draws no lead; CPL and DRR are its inverse, and the
        percentiles of a decreasing function are the inverted percentiles. -#}
    {%- for level in levels + ['revenue_rub'] %}
        {%- set decision = 'drr_pct' if level == 'revenue_rub' else 'cpl_' ~ level %}
        {%- set scale = 100 if level == 'revenue_rub' else 1 %}
        select
            '{{ decision }}' as decision,
            paid_grid.replicate,
            paid_grid.period_grain,
            paid_grid.period,
            paid_grid.channel,
            paid_grid.model,
            cast(paid_grid.{{ level }} as double) / (paid_grid.spend_rub * {{ scale }}) as value,
            cast(paid_totals.{{ level }} as double) / (paid_totals.spend_rub * {{ scale }})
                as reference_value
        from paid_grid
        inner join paid_totals
            on
                paid_grid.replicate = paid_totals.replicate
                and paid_grid.period_grain = paid_totals.period_grain
                and paid_grid.period = paid_totals.period
                and paid_grid.model = paid_totals.model
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

share_totals as (
    select
        replicate,
        period_grain,
        period,
        model,
        {{ exact_sum('leads', 18) }} as leads
    from period_grid
    group by replicate, period_grain, period, model
),

share_values as (
    {#- A channel's share of the leads under a model, against the same replicate's share
        under last click. -#}
    select
        'lead_share' as decision,
        period_grid.replicate,
        period_grid.period_grain,
        period_grid.period,
        period_grid.channel,
        period_grid.model,
        {{ safe_divide('period_grid.leads', 'share_totals.leads') }} as value,
        {{ safe_divide('last_click.leads', 'last_click_totals.leads') }} as reference_value
    from period_grid
    inner join share_totals
        on
            period_grid.replicate = share_totals.replicate
            and period_grid.period_grain = share_totals.period_grain
            and period_grid.period = share_totals.period
            and period_grid.model = share_totals.model
    left join period_grid as last_click
        on
            period_grid.replicate = last_click.replicate
            and period_grid.period_grain = last_click.period_grain
            and period_grid.period = last_click.period
            and period_grid.channel = last_click.channel
            and last_click.model = 'last_click'
    left join share_totals as last_click_totals
        on
            period_grid.replicate = last_click_totals.replicate
            and period_grid.period_grain = last_click_totals.period_grain
            and period_grid.period = last_click_totals.period
            and last_click_totals.model = 'last_click'
),

lead_differences as (
    {#- Per lead, month, channel and utm_campaign: last click's credit minus linear's. -#}
    select
        lead_id,
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date) as month,
        channel,
        {{ not_set('utm_campaign') }} as utm_campaign,
        {{ exact_sum("case when model = 'last_click' then credit else -credit end", 18) }}
            as leads_difference,
        {{ exact_sum(
            "case when model = 'last_click' then revenue_credit else -revenue_credit end"
        ) }} as revenue_difference
    from attribution
    where model in ('last_click', 'linear')
    group by
        lead_id,
        cast({{ dbt.date_trunc('month', 'converted_date') }} as date),
        channel,
        {{ not_set('utm_campaign') }}
),

comparison_cells as (
    {#- Cells where some lead's credit differs between the models (elsewhere the difference
        is exactly 0 in every replicate: nothing to decide), with the leads behind them. -#}
    select
        month,
        channel,
        utm_campaign,
        count(distinct lead_id) as n,
        max(abs(leads_difference)) as largest_leads_difference,
        max(abs(revenue_difference)) as largest_revenue_difference
    from lead_differences
    group by month, channel, utm_campaign
    union all
    select
        month,
        channel,
        null as utm_campaign,
        count(distinct lead_id) as n,
        max(abs(leads_difference)) as largest_leads_difference,
        max(abs(revenue_difference)) as largest_revenue_difference
    from (
        select
            lead_id,
            month,
            channel,
            {{ exact_sum('leads_difference', 18) }} as leads_difference,
            {{ exact_sum('revenue_difference') }} as revenue_difference
        from lead_differences
        group by lead_id, month, channel
    ) as per_channel
    group by month, channel
),

comparison_sums as (
    select
        replicate,
        month,
        channel,
        utm_campaign,
        {{ exact_sum("case when model = 'last_click' then leads else -leads end", 18) }}
            as leads_difference,
        {{ exact_sum("case when model = 'last_click' then revenue_rub else -revenue_rub end") }}
            as revenue_difference
    from replicates
    where model in ('last_click', 'linear')
    group by replicate, month, channel, utm_campaign
    union all
    select
        replicate,
        month,
        channel,
        null as utm_campaign,
        {{ exact_sum("case when model = 'last_click' then leads else -leads end", 18) }},
        {{ exact_sum("case when model = 'last_click' then revenue_rub else -revenue_rub end") }}
    from replicates
    where model in ('last_click', 'linear')
    group by replicate, month, channel
),

comparison_values as (
    {%- for measure in ['leads', 'revenue'] %}
        select
            'lc_minus_linear_{{ measure }}' as decision,
            replicate_numbers.replicate,
            comparison_cells.month,
            comparison_cells.channel,
            comparison_cells.utm_campaign,
            comparison_cells.n,
            coalesce(comparison_sums.{{ measure }}_difference, 0) as value
        from comparison_cells
        cross join replicate_numbers
        left join comparison_sums
            on
                replicate_numbers.replicate = comparison_sums.replicate
                and comparison_cells.month = comparison_sums.month
                and comparison_cells.channel = comparison_sums.channel
                and coalesce(comparison_cells.utm_campaign, '')
                = coalesce(comparison_sums.utm_campaign, '')
        where comparison_cells.largest_{{ measure }}_difference > 1e-9
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

lead_counts as (
    {#- n: the leads (or, for cpl_<level>, the leads reaching that level) with credit in the
        cell; a lead is in one month, so months add up to quarters and half-years. -#}
    select
        period_of_month.period_grain,
        period_of_month.period,
        counted.channel,
        counted.model,
        {%- for level in levels[1:] %}
            sum(counted.{{ level }}) as {{ level }},
        {%- endfor %}
        sum(counted.leads) as leads
    from (
        select
            cast({{ dbt.date_trunc('month', 'converted_date') }} as date) as month,
            channel,
            model,
            {%- for level in levels[1:] %}
                count(
                    distinct case when {{ credit_columns[level] }} > 0 then lead_id end
                ) as {{ level }},
            {%- endfor %}
            count(distinct case when credit > 0 then lead_id end) as leads
        from attribution
        group by cast({{ dbt.date_trunc('month', 'converted_date') }} as date), channel, model
    ) as counted
    inner join period_of_month
        on counted.month = period_of_month.month
    group by period_of_month.period_grain, period_of_month.period, counted.channel, counted.model
),

period_summaries as (
    select
        decision,
        period_grain,
        period,
        channel,
        model,
        max(case when replicate = 0 then value end) as estimate,
        {{ percentile_value('case when replicate > 0 then value end', 0.025) }} as ci_low,
        {{ percentile_value('case when replicate > 0 then value end', 0.975) }} as ci_high,
        {{ values_differ('case when replicate > 0 then value end') }} as replicates_vary,
        {{ percentile_value('case when replicate > 0 then value - reference_value end', 0.025) }}
            as difference_low,
        {{ percentile_value('case when replicate > 0 then value - reference_value end', 0.975) }}
            as difference_high
    from (
        select * from cost_values
        union all
        select * from share_values
    ) as period_values
    group by decision, period_grain, period, channel, model
),

period_decisions as (
    select
        period_summaries.decision,
        period_summaries.period_grain,
        period_summaries.period,
        period_summaries.channel,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        period_summaries.model,
        case
            when period_summaries.decision = 'lead_share' then period_summaries.estimate
            else {{ safe_divide(1, 'period_summaries.estimate') }}
        end as estimate,
        case
            when period_summaries.decision = 'lead_share' then period_summaries.ci_low
            else {{ safe_divide(1, 'period_summaries.ci_high') }}
        end as ci_low,
        case
            when period_summaries.decision = 'lead_share' then period_summaries.ci_high
            else {{ safe_divide(1, 'period_summaries.ci_low') }}
        end as ci_high,
        period_summaries.replicates_vary,
        case
            {%- for level in levels %}
                when period_summaries.decision = 'cpl_{{ level }}' then lead_counts.{{ level }}
            {%- endfor %}
            when period_summaries.decision = 'drr_pct' then lead_counts.won
            else lead_counts.leads
        end as n,
        case
            when period_summaries.decision = 'lead_share' and period_summaries.model = 'last_click'
                then 'reference'
            when period_summaries.decision = 'lead_share' and period_summaries.difference_low > 0
                then 'above_last_click'
            when period_summaries.decision = 'lead_share' and period_summaries.difference_high < 0
                then 'below_last_click'
            when period_summaries.decision <> 'lead_share' and period_summaries.difference_low > 0
                then 'cheaper_than_average'
            when period_summaries.decision <> 'lead_share' and period_summaries.difference_high < 0
                then 'dearer_than_average'
            else 'no_clear_difference'
        end as verdict
    from period_summaries
    left join lead_counts
        on
            period_summaries.period_grain = lead_counts.period_grain
            and period_summaries.period = lead_counts.period
            and period_summaries.channel = lead_counts.channel
            and period_summaries.model = lead_counts.model
    where period_summaries.estimate > 0 or period_summaries.decision = 'lead_share'
),

comparison_decisions as (
    select
        decision,
        'month' as period_grain,
        month as period,
        channel,
        utm_campaign,
        cast(null as {{ dbt.type_string() }}) as model,
        max(case when replicate = 0 then value end) as estimate,
        {{ percentile_value('case when replicate > 0 then value end', 0.025) }} as ci_low,
        {{ percentile_value('case when replicate > 0 then value end', 0.975) }} as ci_high,
        {{ values_differ('case when replicate > 0 then value end') }} as replicates_vary,
        max(n) as n
    from comparison_values
    group by decision, month, channel, utm_campaign
),

all_decisions as (
    select
        decision,
        period_grain,
        period,
        channel,
        utm_campaign,
        model,
        estimate,
        ci_low,
        ci_high,
        replicates_vary,
        n,
        {{ method }} as method,
        verdict
    from period_decisions
    union all
    select
        decision,
        period_grain,
        period,
        channel,
        utm_campaign,
        model,
        estimate,
        ci_low,
        ci_high,
        replicates_vary,
        n,
        {{ method }} as method,
        case
            when ci_low > 0 then 'last_click_overstates'
            when ci_high < 0 then 'last_click_understates'
            else 'no_clear_difference'
        end as verdict
    from comparison_decisions
),

with_coverage as (
    {{ with_period_coverage('all_decisions', 'period', 'period_grain') }}
)

select * from with_coverage
