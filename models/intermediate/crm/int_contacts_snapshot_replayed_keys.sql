{#- The keys of every row that snapshotting each contacts export in day order (one `dbt
    snapshot` of int_contacts_snapshot_input per export_date) writes into snp_crm__contacts,
    computed from the condensed exports (int_contact_export_spans) alone: which export
    records a version of which contact, at which updated_at, deleted or not, valid to when,
    and which export's card it carries. int_contacts_snapshot_replayed adds the cards.

    Each export day's input is that export plus a tombstone for each live contact the export
    before it had and it lacks (compare_contact_exports). dbt's timestamp strategy (hard
    deletes ignored) records an input row when its updated_at is later than every updated_at
    of the key's earlier input rows, and the recorded row closes the previous version at its
    own updated_at. Only the first export of a (contact_id, updated_at) can be recorded, and
    the newest earlier updated_at is the newest among those first exports, so the spans'
    first rows stand in for every exported row. A contact present in every export from its
    first to its last (its rows = those exports, none of them split over several files) gets
    a tombstone only on the export after its last; any other contact is replayed from its
    exported rows one by one. -#}
{%- set spans = ref('int_contact_export_spans') -%}
{%- set contacts = ref('stg_crm__contacts') -%}
{%- set condensed -%}
export_days as (
    select
        export_date,
        lead(export_date) over (order by export_date) as next_export_date,
        row_number() over (order by export_date) as export_number,
        -- exports split over several files, up to and before this one
        sum(case when has_several_files then 1 else 0 end) over (
            order by export_date rows between unbounded preceding and current row
        ) as split_exports_through,
        coalesce(sum(case when has_several_files then 1 else 0 end) over (
            order by export_date rows between unbounded preceding and 1 preceding
        ), 0) as split_exports_before
    from {{ spans }}
    where not is_span
),

spans as (
    select * from {{ spans }}
    where is_span
),

exported_contacts as (
    select
        contact_id,
        sum(exported_rows) as exported_rows,
        min(first_export_date) as first_export_date,
        max(last_export_date) as last_export_date,
        max_by(is_deleted_last, last_export_date) as is_deleted_last
    from spans
    group by contact_id
),

irregular_contacts as (
    -- missing from an export between its first and last, or in an export split over files
    select exported_contacts.contact_id
    from exported_contacts
    inner join export_days as first_day
        on exported_contacts.first_export_date = first_day.export_date
    inner join export_days as last_day
        on exported_contacts.last_export_date = last_day.export_date
    where
        exported_contacts.exported_rows <> last_day.export_number - first_day.export_number + 1
        or last_day.split_exports_through > first_day.split_exports_before
)
{%- endset -%}
{#- Replaying contacts one by one reads every export again: only when there are any. -#}
{%- set any_irregular = true -%}
{%- if execute and flags.WHICH in ['run', 'build'] and load_relation(spans) is not none -%}
    {%- set found = run_query('with ' ~ condensed ~ ' select count(*) from irregular_contacts') -%}
    {%- set any_irregular = found.columns[0].values()[0] > 0 -%}
{%- endif %}
with

{{ condensed }},

regular_first_rows as (
    select
        spans.contact_id,
        spans.first_export_date as export_date,
        spans.updated_at,
        spans.first_export_date as card_export_date,
        false as is_tombstone,
        spans.is_deleted_first as is_deleted
    from spans
    left join irregular_contacts
        on spans.contact_id = irregular_contacts.contact_id
    where irregular_contacts.contact_id is null
),

regular_tombstones as (
    select
        exported_contacts.contact_id,
        last_day.next_export_date as export_date,
        {{ local_day_end_utc('last_day.next_export_date') }} as updated_at,
        exported_contacts.last_export_date as card_export_date,
        true as is_tombstone,
        true as is_deleted
    from exported_contacts
    inner join export_days as last_day
        on exported_contacts.last_export_date = last_day.export_date
    left join irregular_contacts
        on exported_contacts.contact_id = irregular_contacts.contact_id
    where
        irregular_contacts.contact_id is null
        and last_day.next_export_date is not null
        and not exported_contacts.is_deleted_last
),

irregular_rows as (
    select
        exported.contact_id,
        exported.export_date,
        exported.updated_at,
        exported.is_deleted
    from {{ contacts }} as exported
    inner join irregular_contacts
        on exported.contact_id = irregular_contacts.contact_id
    {%- if not any_irregular %}
        where false
    {%- endif %}
),

irregular_first_rows as (
    select
        irregular_rows.contact_id,
        irregular_rows.export_date,
        irregular_rows.updated_at,
        irregular_rows.export_date as card_export_date,
        false as is_tombstone,
        irregular_rows.is_deleted
    from irregular_rows
),

irregular_tombstones as (
    select
        irregular_rows.contact_id,
        export_days.next_export_date as export_date,
        {{ local_day_end_utc('export_days.next_export_date') }} as updated_at,
        irregular_rows.export_date as card_export_date,
        true as is_tombstone,
        true as is_deleted
    from irregular_rows
    inner join export_days
        on irregular_rows.export_date = export_days.export_date
    left join irregular_rows as next_export
        on
            irregular_rows.contact_id = next_export.contact_id
            and export_days.next_export_date = next_export.export_date
    where
        export_days.next_export_date is not null
        and not irregular_rows.is_deleted
        and next_export.contact_id is null
),

candidates as (
    select * from regular_first_rows
    union all
    select * from regular_tombstones
    union all
    select * from irregular_first_rows
    union all
    select * from irregular_tombstones
),

updates as (
    select
        *,
        max(updated_at) over (
            partition by contact_id
            order by export_date
            rows between unbounded preceding and 1 preceding
        ) as newest_earlier_update
    from candidates
),

recorded as (
    select
        contact_id,
        export_date,
        updated_at,
        card_export_date,
        is_tombstone,
        is_deleted,
        lead(updated_at) over (
            partition by contact_id
            order by export_date
        ) as valid_to
    from updates
    where
        newest_earlier_update is null
        or updated_at > newest_earlier_update
)

select * from recorded
