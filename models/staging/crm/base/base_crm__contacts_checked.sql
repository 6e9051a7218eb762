{#- Every raw row of the daily full exports of the contact cards, typed and checked, before
    duplicates are flagged (base_crm__contacts). A view: at a year of exports (170M rows)
    writing every row down costs more than the few passes that read it, each over the
    columns it needs. The raw files are read straight in `typed`, not through a `select *`
    CTE: through one, DuckDB stops pruning files by a filter on the file's export day, and a
    reader of one export (the snapshot input) would read all of them. -#}
{{ config(materialized="view") }}
{%- set parsed = [] %}
with

typed as (
    select
        {{ file_columns() }},
        {{ contract_columns('crm/contacts', parsed, {
            'email': normalized_identifier('email', 'email'),
            'phone': normalized_identifier('phone', 'phone'),
            'specialty': lower_text('specialty'),
            'workplace_type': lower_text('workplace_type'),
            'registration_source': lower_text('registration_source'),
            'email_status': lower_text('email_status'),
            'activity_segment': lower_text('activity_segment'),
            'is_deleted': 'coalesce(' ~ cast_as('is_deleted', 'bool') ~ ', false)',
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from {{ landing_zone('crm', 'contacts') }}
),

checked as (
    select
        *,
        {{ reject_reason(
            required=['contact_id', 'updated_at', '_file_date'],
            enums=contract_enums('crm/contacts')
        ) }} as _reject_reason
    from typed
)

select * from checked
