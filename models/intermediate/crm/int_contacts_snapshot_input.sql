{#- The one export the snapshot records on this run: var `contacts_export_date`
    (scripts/run_pipeline.py sets it day by day), by default the newest export. Each
    snapshot version keeps the export_date that introduced it. That export plus the
    tombstones of contacts it lost, computed from it and the export before it only. -#}
{%- set contacts = ref('stg_crm__contacts') -%}
{{ compare_contact_exports(
    contacts,
    export_date=contacts_export_date(
        "(select max(newest.export_date) from " ~ contacts ~ " as newest)"
    ),
) }}
