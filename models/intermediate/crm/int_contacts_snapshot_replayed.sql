{#- Every row that snapshotting each contacts export in day order (one `dbt snapshot` of
    int_contacts_snapshot_input per export_date) writes into snp_crm__contacts, computed in
    one pass over all exports. scripts/run_pipeline.py creates the snapshot from it when the
    snapshot does not exist yet (macro snapshot_bulk_load); the daily snapshots go on from
    there.

    dbt's timestamp strategy (hard deletes ignored) records an exported row when its key has
    no version yet or its updated_at is later than the current version's valid_from, which
    is the newest updated_at recorded for the key so far, and hence the newest updated_at of
    any earlier export of it. The recorded row closes the previous version at its own
    updated_at. The meta columns are computed as the snapshot materialization does. The
    windows run over the key columns only; the cards are joined back to the few rows that
    become versions. -#}
{#- Where dbt snapshots are disabled (Spark without Delta) this model IS the contact
    history (macro contact_history), read by several models: a table there. -#}
{{ config(materialized='view' if dbt_snapshots_enabled() else 'table') }}
{%- set keys = replayed_snapshot_keys(
    'snp_crm__contacts', disabled_keys={'unique_key': 'contact_id', 'updated_at': 'updated_at'}
) -%}
{%- set unique_key = keys.unique_key -%}
{%- set updated_at = keys.updated_at -%}
with

exported as (
    select * from {{ ref('int_contact_exports_compared') }}
),

updates as (
    select
        {{ unique_key }},
        export_date,
        {{ updated_at }},
        max({{ updated_at }}) over (
            partition by {{ unique_key }}
            order by export_date
            rows between unbounded preceding and 1 preceding
        ) as newest_earlier_update
    from exported
),

recorded as (
    select
        {{ unique_key }},
        export_date,
        lead({{ updated_at }}) over (
            partition by {{ unique_key }}
            order by export_date
        ) as valid_to
    from updates
    where
        newest_earlier_update is null
        or {{ updated_at }} > newest_earlier_update
),

recorded_cards as (
    select
        exported.*,
        recorded.valid_to as _valid_to
    from exported
    inner join recorded
        on
            exported.{{ unique_key }} = recorded.{{ unique_key }}
            and exported.export_date = recorded.export_date
),

versions as (
    select
        {{ select_all_except(['_valid_to']) }},
        {{ snapshot_hash_arguments(api.Relation.scd_args(unique_key, updated_at)) }} as dbt_scd_id,
        {{ updated_at }} as dbt_updated_at,
        {{ updated_at }} as dbt_valid_from,
        _valid_to as dbt_valid_to
    from recorded_cards
)

select * from versions
