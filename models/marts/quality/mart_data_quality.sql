{#- Every data-quality check per day, against its thresholds (seeds dq_checks and, for
    freshness, dq_feed_freshness). A share of counts breaches a threshold only when its
    whole 95% Wilson interval lies beyond it, so a day with three leads does not raise an
    alarm that the data cannot support. An error blocks publishing only when it is about
    what is new in this run and no row of the seed dq_acknowledged accepts it. -#}
{%- set file_day_checks = [
    'rows_rejected', 'duplicates_dropped', 'invalid_identifiers', 'unknown_reference_codes',
    'landing_file_changed',
] -%}
{%- set run_checks = ['freshness_lag_days', 'landing_file_changed'] -%}
with

measured as (
    select * from {{ ref('dq_checks_landing') }}
    union all
    select * from {{ ref('dq_checks_identifiers') }}
    union all
    select * from {{ ref('dq_checks_reference_codes') }}
    union all
    select * from {{ ref('dq_checks_email') }}
    union all
    select * from {{ ref('dq_checks_attribution') }}
),

thresholds as (
    select * from {{ ref('dq_checks') }}
),

feeds as (
    select * from {{ ref('dq_feed_freshness') }}
),

acknowledgements as (
    select * from {{ ref('dq_acknowledged') }}
),

files as (
    select * from {{ ref('dq_landing_files') }}
),

with_thresholds as (
    select
        measured.*,
        coalesce(for_scope.direction, for_check.direction) as direction,
        coalesce(
            feeds.allowed_lag_days, for_scope.warn_threshold, for_check.warn_threshold
        ) as threshold,
        case
            when feeds.table_name is null
                then coalesce(for_scope.error_threshold, for_check.error_threshold)
            when feeds.severity = 'error' then feeds.allowed_lag_days
        end as error_threshold,
        coalesce(for_scope.is_proportion, for_check.is_proportion) as is_proportion
    from measured
    left join feeds
        on
            measured.check_name = 'freshness_lag_days'
            and measured.check_scope = feeds.table_name
    left join thresholds as for_scope
        on
            measured.check_name = for_scope.check_name
            and measured.check_scope = for_scope.check_scope
    left join thresholds as for_check
        on
            measured.check_name = for_check.check_name
            and for_check.check_scope = '*'
),

valued as (
    select
        *,
        case
            when denominator is null then numerator
            else {{ safe_divide('numerator', 'denominator') }}
        end as value,
        case when is_proportion then {{ wilson_bound('numerator', 'denominator', 'low') }} end
            as value_ci_low,
        case when is_proportion then {{ wilson_bound('numerator', 'denominator', 'high') }} end
            as value_ci_high
    from with_thresholds
),

bounded as (
    {#- The side of the value (or of its interval) that must clear the threshold, moved
        1e-12 towards it: a Wilson bound of 0 of n comes out a rounding error above 0. -#}
    select
        *,
        case
            when direction = 'min' then coalesce(value_ci_high, value) + 1e-12
            else coalesce(value_ci_low, value) - 1e-12
        end as value_tested
    from valued
),

judged as (
    select
        day,
        check_name,
        check_scope,
        numerator,
        denominator,
        value,
        value_ci_low,
        value_ci_high,
        direction,
        threshold,
        error_threshold,
        case
            when value is null then 'no_data'
            when direction = 'min' and value_tested < error_threshold then 'error'
            when direction = 'max' and value_tested > error_threshold then 'error'
            when direction = 'min' and value_tested < threshold then 'warn'
            when direction = 'max' and value_tested > threshold then 'warn'
            else 'pass'
        end as status
    from bounded
),

with_file as (
    {#- the file of a check measured per table and file day (one file per table and day) -#}
    select
        judged.*,
        files.file_path as source_file,
        files.is_new as is_new_file
    from judged
    left join files
        on
            judged.check_name in ({{ "'" ~ file_day_checks | join("', '") ~ "'" }})
            and {{ dbt.split_part('judged.check_scope', "'.'", 1) }} = files.table_name
            and judged.day = files.file_date
),

new_days as (
    {#- checks by event day are new from the oldest export day among this run's new files -#}
    select min(file_date) as first_day from files
    where is_new
),

acknowledged as (
    {#- the acknowledgements that accept each finding (warn or error): by day or by file -#}
    select
        with_file.day,
        with_file.check_name,
        with_file.check_scope,
        min(acknowledgements.acknowledged_by) as acknowledged_by,
        min(acknowledgements.reason) as acknowledgement_reason
    from with_file
    inner join acknowledgements
        on
            with_file.check_name = acknowledgements.check_name
            and with_file.check_scope = acknowledgements.check_scope
            and (
                with_file.day = acknowledgements.day
                or with_file.source_file = acknowledgements.source_file
            )
    where with_file.status in ('warn', 'error')
    group by 1, 2, 3
),

gated as (
    select
        with_file.day,
        with_file.check_name,
        with_file.check_scope,
        with_file.numerator,
        with_file.denominator,
        with_file.value,
        with_file.value_ci_low,
        with_file.value_ci_high,
        with_file.direction,
        with_file.threshold,
        with_file.error_threshold,
        with_file.status,
        with_file.source_file,
        case
            when with_file.check_name in ({{ "'" ~ run_checks | join("', '") ~ "'" }}) then true
            when with_file.check_name in ({{ "'" ~ file_day_checks | join("', '") ~ "'" }})
                then coalesce(with_file.is_new_file, false)
            else coalesce(with_file.day >= new_days.first_day, false)
        end as is_new,
        acknowledged.acknowledged_by is not null as is_acknowledged,
        acknowledged.acknowledged_by,
        acknowledged.acknowledgement_reason
    from with_file
    cross join new_days
    left join acknowledged
        on
            with_file.day = acknowledged.day
            and with_file.check_name = acknowledged.check_name
            and with_file.check_scope = acknowledged.check_scope
),

landing_zone_day as (
    select max(file_date) as day from files
    where file_status <> 'missing'
),

unmatched_acknowledgements as (
    {#- an acknowledgement that accepts no finding is itself a warning -#}
    select
        coalesce(acknowledgements.day, landing_zone_day.day) as day,
        'acknowledgement_unmatched' as check_name,
        acknowledgements.check_name || ' ' || acknowledgements.check_scope || ' '
        || coalesce(
            cast(acknowledgements.day as {{ dbt.type_string() }}), acknowledgements.source_file
        ) as check_scope,
        cast(1 as double) as numerator,
        cast(null as double) as denominator,
        cast(1 as double) as value,
        cast(null as double) as value_ci_low,
        cast(null as double) as value_ci_high,
        'max' as direction,
        cast(0 as double) as threshold,
        cast(null as double) as error_threshold,
        'warn' as status,
        acknowledgements.source_file,
        true as is_new,
        false as is_acknowledged,
        acknowledgements.acknowledged_by,
        acknowledgements.reason as acknowledgement_reason
    from acknowledgements
    cross join landing_zone_day
    where not exists (
            select 1
            from with_file
            where
                with_file.status in ('warn', 'error')
                and acknowledgements.check_name = with_file.check_name
                and acknowledgements.check_scope = with_file.check_scope
                and (
                    acknowledgements.day = with_file.day
                    or acknowledgements.source_file = with_file.source_file
                )
        )
),

findings as (
    select * from gated
    union all
    select * from unmatched_acknowledgements
),

final as (
    select
        *,
        status = 'error' and is_new and not is_acknowledged as blocks_publish
    from findings
)

select * from final
