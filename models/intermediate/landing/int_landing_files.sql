{#- The landing-file manifest: every file once, as the run that first saw it found it. A
    file already recorded is never written again, so a later change of its size or
    modification time shows against this row (dq_landing_files). -#}
{{ config(materialized='incremental', on_schema_change='fail') }}
with

listed as (
    select * from {{ ref('int_landing_files_listed') }}
),

{% if is_incremental() %}
    recorded as (
        select file_path from {{ this }}
    ),
{% endif %}

first_seen as (
    select
        listed.table_name,
        listed.file_path,
        listed.file_date,
        listed.size_bytes,
        listed.modified_at,
        {{ to_utc(dbt.current_timestamp()) }} as first_loaded_at,
        '{{ invocation_id }}' as loaded_invocation_id
    from listed
    {% if is_incremental() %}
        left join recorded
            on listed.file_path = recorded.file_path
        where recorded.file_path is null
    {% endif %}
)

select * from first_seen
