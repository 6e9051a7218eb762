{#- The landing zone's parquet files as they are now, from the file system's listing (no
    file is read): table, export day from the file name, size and modification time. -#}
with

listed as (
    {{ landing_files_listing() }}
),

named as (
    select
        regexp_extract(file_path, '^([^/]+/[^/]+)/', 1) as table_name,
        file_path,
        {{ dbt.safe_cast(
            "nullif(regexp_extract(file_path, '_([0-9]{4}-[0-9]{2}-[0-9]{2})[.]parquet$', 1), '')",
            api.Column.translate_type('date')
        ) }} as file_date,
        size_bytes,
        modified_at
    from listed
)

select * from named
