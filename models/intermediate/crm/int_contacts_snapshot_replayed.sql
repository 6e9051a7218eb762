{#- Every row that snapshotting each contacts export in day order (one `dbt snapshot` of
    int_contacts_snapshot_input per export_date) writes into snp_crm__contacts: the replayed
    keys (int_contacts_snapshot_replayed_keys) with the cards they carry, read once, and the
    meta columns computed as the snapshot materialization does. scripts/run_pipeline.py
    creates the snapshot from it when the snapshot does not exist yet (macro
    snapshot_bulk_load); the daily snapshots go on from there. -#}
{#- Where dbt snapshots are disabled (Spark without Delta) this model IS the contact
    history (macro contact_history), read by several models: a table there. -#}
{{ config(materialized='view' if dbt_snapshots_enabled() else 'table') }}
{%- set keys = replayed_snapshot_keys(
    'snp_crm__contacts', disabled_keys={'unique_key': 'contact_id', 'updated_at': 'updated_at'}
) -%}
{%- set unique_key = keys.unique_key -%}
{%- set updated_at = keys.updated_at -%}
with

recorded as (
    select * from {{ ref('int_contacts_snapshot_replayed_keys') }}
),

recorded_cards as (
    select
        {%- for column in contact_card_columns() %}
            cards.{{ column }},
        {%- endfor %}
        recorded.updated_at,
        recorded.is_deleted,
        recorded.export_date,
        recorded.valid_to as _valid_to
    from recorded
    inner join {{ ref('stg_crm__contacts') }} as cards
        on
            recorded.contact_id = cards.contact_id
            and recorded.card_export_date = cards.export_date
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
