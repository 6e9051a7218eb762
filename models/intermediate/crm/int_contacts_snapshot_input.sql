{#- The one export the snapshot records on this run: var `contacts_export_date`
    (scripts/run_pipeline.py sets it day by day), by default the newest export. Each
    snapshot version keeps the export_date that introduced it. The rows of
    int_contact_exports_compared of that export_date, computed from that export and the one
    before it only (the same macro, so the same rows). -#}
{%- set contacts = ref('stg_crm__contacts') -%}
{{ compare_contact_exports(
    contacts,
    export_date=contacts_export_date(
        "(select max(newest.export_date) from " ~ contacts ~ " as newest)"
    ),
) }}
