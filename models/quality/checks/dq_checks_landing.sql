{#- Landing-zone checks: rows rejected and duplicates dropped per table and file day; each
    table's freshness lag, judged once for the run: days between its newest file and the
    newest file of the whole landing zone; and every loaded file that changed or vanished
    since it was loaded (dq_landing_files). -#}
with

accounting as (
    select * from {{ ref('dq_row_accounting') }}
),

rows_by_table_day as (
    select
        file_date as day,
        source_table,
        sum(raw_rows) as raw_rows,
        sum(duplicate_rows) as duplicate_rows,
        sum(rejected_rows) as rejected_rows
    from accounting
    where file_date is not null
    group by 1, 2
),

files as (
    select * from {{ ref('dq_landing_files') }}
),

present_files as (
    select * from files
    where file_status <> 'missing'
),

landing_zone_day as (
    {#- the newest export day of the whole landing zone: the day this run is judged on -#}
    select max(file_date) as day from present_files
),

newest_file_by_table as (
    select
        table_name,
        max(file_date) as newest_file_day
    from present_files
    group by 1
),

checks as (
    select
        day,
        'rows_rejected' as check_name,
        source_table as check_scope,
        cast(rejected_rows as double) as numerator,
        cast(raw_rows as double) as denominator
    from rows_by_table_day
    union all
    select
        day,
        'duplicates_dropped',
        source_table,
        duplicate_rows,
        raw_rows
    from rows_by_table_day
    union all
    select
        landing_zone_day.day,
        'freshness_lag_days',
        newest_file_by_table.table_name,
        {{ dbt.datediff('newest_file_by_table.newest_file_day', 'landing_zone_day.day', 'day') }},
        null
    from newest_file_by_table
    cross join landing_zone_day
    union all
    select
        file_date,
        'landing_file_changed',
        table_name,
        1,
        null
    from files
    where file_status <> 'loaded'
)

select * from checks
