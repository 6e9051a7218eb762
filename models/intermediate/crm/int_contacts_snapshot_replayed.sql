{#- Every row that snapshotting each contacts export in day order (one `dbt snapshot` of
    int_contacts_snapshot_input per export_date) writes into snp_crm__contacts, computed in
    one pass over all exports. scripts/run_pipeline.py creates the snapshot from it when the
    snapshot does not exist yet (macro snapshot_bulk_load); the daily snapshots go on from
    there.

    dbt's timestamp strategy (hard deletes ignored) records an exported row when its key has
    no version yet or its updated_at is later than the current version's valid_from, which
    is the newest updated_at recorded for the key so far, and hence the newest updated_at of
    any earlier export of it. The recorded row closes the previous version at its own
    updated_at. The meta columns are computed as the snapshot materialization does. -#}
{%- set keys = replayed_snapshot_keys('snp_crm__contacts') -%}
{%- set unique_key = keys.unique_key -%}
{%- set updated_at = keys.updated_at -%}
with

exported as (
    select * from {{ ref('int_contact_exports_compared') }}
),

with_newest_earlier_update as (
    select
        *,
        max({{ updated_at }}) over (
            partition by {{ unique_key }}
            order by export_date
            rows between unbounded preceding and 1 preceding
        ) as _newest_earlier_update
    from exported
),

recorded as (
    select {{ select_all_except(['_newest_earlier_update']) }}
    from with_newest_earlier_update
    where
        _newest_earlier_update is null
        or {{ updated_at }} > _newest_earlier_update
),

versions as (
    select
        *,
        {{ snapshot_hash_arguments(api.Relation.scd_args(unique_key, updated_at)) }} as dbt_scd_id,
        {{ updated_at }} as dbt_updated_at,
        {{ updated_at }} as dbt_valid_from,
        lead({{ updated_at }}) over (
            partition by {{ unique_key }}
            order by export_date
        ) as dbt_valid_to
    from recorded
)

select * from versions
