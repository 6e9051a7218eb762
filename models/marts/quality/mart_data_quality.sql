{#- Every data-quality check per day, against its thresholds (seed dq_checks). A share of
    counts breaches a threshold only when its whole 95% Wilson interval lies beyond it, so
    a day with three leads does not raise an alarm that the data cannot support. -#}
with

measured as (
    select * from {{ ref('dq_checks_landing') }}
    union all
    select * from {{ ref('dq_checks_identifiers') }}
    union all
    select * from {{ ref('dq_checks_email') }}
    union all
    select * from {{ ref('dq_checks_attribution') }}
),

thresholds as (
    select * from {{ ref('dq_checks') }}
),

with_thresholds as (
    select
        measured.*,
        coalesce(for_scope.direction, for_check.direction) as direction,
        coalesce(for_scope.warn_threshold, for_check.warn_threshold) as threshold,
        coalesce(for_scope.error_threshold, for_check.error_threshold) as error_threshold,
        coalesce(for_scope.is_proportion, for_check.is_proportion) as is_proportion
    from measured
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
)

select * from judged
