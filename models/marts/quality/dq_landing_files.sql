{#- Every landing-zone file the warehouse has loaded or sees now: the manifest against the
    current listing. A file whose size or modification time changed since it was loaded,
    or that disappeared, is named here and in mart_data_quality (landing_file_changed). -#}
with

manifest as (
    select * from {{ ref('int_landing_files') }}
),

listed as (
    select * from {{ ref('int_landing_files_listed') }}
),

compared as (
    select
        manifest.table_name,
        manifest.file_path,
        manifest.file_date,
        manifest.size_bytes,
        manifest.modified_at,
        manifest.first_loaded_at,
        manifest.loaded_invocation_id,
        listed.size_bytes as listed_size_bytes,
        listed.modified_at as listed_modified_at,
        case
            when listed.file_path is null then 'missing'
            when
                listed.size_bytes <> manifest.size_bytes
                or listed.modified_at <> manifest.modified_at
                then 'changed'
            else 'loaded'
        end as file_status,
        {{ is_new_landing_file('manifest') }} as is_new,
        {{ utc_to_local('manifest.modified_at') }} as modified_at_local,
        {{ utc_to_local('manifest.first_loaded_at') }} as first_loaded_at_local,
        {{ utc_to_local('listed.modified_at') }} as listed_modified_at_local
    from manifest
    left join listed
        on manifest.file_path = listed.file_path
)

select * from compared
