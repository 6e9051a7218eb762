{#- The one export the snapshot records on this run: var `contacts_export_date`
    (scripts/run_pipeline.py sets it day by day), by default the newest export. Each
    snapshot version keeps the export_date that introduced it. -#}
with

exported as (
    select * from {{ ref('int_contact_exports_compared') }}
),

export_of_the_run as (
    select *
    from exported
    where export_date = {{ contacts_export_date(
        "(select max(newest.export_date) from exported as newest)"
    ) }}
)

select * from export_of_the_run
