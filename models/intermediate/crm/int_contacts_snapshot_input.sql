{#- The one export the snapshot records on this run: var `contacts_export_date`
    (scripts/run_pipeline.py sets it day by day), by default the newest export. -#}
with

exported as (
    select * from {{ ref('int_contact_exports_compared') }}
),

export_of_the_run as (
    select {{ select_all_except(['export_date']) }}
    from exported
    where export_date = {{ contacts_export_date("(select max(export_date) from exported)") }}
)

select * from export_of_the_run
