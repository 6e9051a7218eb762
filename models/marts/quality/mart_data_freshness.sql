{#- The state of the data per landing-zone feed, for a dashboard's banner: when it was last
    loaded, its newest export day, its freshness against its cadence, and its open
    findings in mart_data_quality. -#}
with

files as (
    select * from {{ ref('dq_landing_files') }}
),

feeds as (
    select * from {{ ref('dq_feed_freshness') }}
),

findings as (
    select * from {{ ref('mart_data_quality') }}
),

loads as (
    select
        table_name,
        count(*) as files,
        count(case when is_new then 1 end) as new_files,
        count(case when file_status <> 'loaded' then 1 end) as changed_files,
        max(case when file_status <> 'missing' then file_date end) as newest_file_day,
        max(first_loaded_at) as last_loaded_at
    from files
    group by 1
),

findings_by_table as (
    select
        {{ dbt.split_part('check_scope', "'.'", 1) }} as table_name,
        count(case when status = 'error' and not is_acknowledged then 1 end) as open_errors,
        count(case when blocks_publish then 1 end) as blocking_errors,
        count(case when status = 'warn' and not is_acknowledged then 1 end) as open_warnings,
        count(case when is_acknowledged then 1 end) as acknowledged_findings
    from findings
    group by 1
),

freshness as (
    select
        check_scope as table_name,
        day as landing_zone_day,
        numerator as lag_days,
        status as freshness_status
    from findings
    where check_name = 'freshness_lag_days'
),

state as (
    select
        loads.table_name,
        feeds.cadence,
        feeds.allowed_lag_days,
        feeds.severity,
        loads.files,
        loads.new_files,
        loads.changed_files,
        loads.newest_file_day,
        loads.last_loaded_at,
        {{ utc_to_local('loads.last_loaded_at') }} as last_loaded_at_local,
        freshness.landing_zone_day,
        cast(freshness.lag_days as integer) as lag_days,
        freshness.freshness_status,
        coalesce(findings_by_table.open_errors, 0) as open_errors,
        coalesce(findings_by_table.blocking_errors, 0) as blocking_errors,
        coalesce(findings_by_table.open_warnings, 0) as open_warnings,
        coalesce(findings_by_table.acknowledged_findings, 0) as acknowledged_findings
    from loads
    left join feeds
        on loads.table_name = feeds.table_name
    left join freshness
        on loads.table_name = freshness.table_name
    left join findings_by_table
        on loads.table_name = findings_by_table.table_name
)

select * from state
