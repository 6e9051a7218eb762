{#- Landing-zone checks: rows rejected and duplicates dropped per table and file day, and
    the freshness lag of every table on every calendar day between the first and the last
    file day (a table is fresh on a day when it has a file of that day). -#}
with

accounting as (
    select * from {{ ref('dq_row_accounting') }}
),

calendar as (
    select * from {{ ref('dim_date') }}
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

file_day_range as (
    select
        min(day) as first_day,
        max(day) as last_day
    from rows_by_table_day
),

tables as (
    select distinct source_table from rows_by_table_day
),

days as (
    select calendar.date as day
    from calendar
    inner join file_day_range
        on calendar.date between file_day_range.first_day and file_day_range.last_day
),

newest_file_by_day as (
    select
        days.day,
        tables.source_table,
        max(rows_by_table_day.day) as newest_file_day
    from days
    cross join tables
    inner join rows_by_table_day
        on
            tables.source_table = rows_by_table_day.source_table
            and days.day >= rows_by_table_day.day
    group by 1, 2
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
        day,
        'freshness_lag_days',
        source_table,
        {{ dbt.datediff('newest_file_day', 'day', 'day') }},
        null
    from newest_file_by_day
)

select * from checks
