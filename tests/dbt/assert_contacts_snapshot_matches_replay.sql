-- The contact history holds exactly the versions that snapshotting every landed contacts
-- export in day order records (int_contacts_snapshot_replayed_keys): the same contacts,
-- exports, updated_at, deletion flags and validity. A difference means the history missed
-- an export: a day never snapshotted (a plain `dbt build` after two days landed, or from
-- an empty warehouse), or an export that landed late or changed after its day was
-- snapshotted. The versions' keys, not their cards, are compared: the cards would be one
-- more read of every export (about 10 min at the l preset), and a card changed without a
-- new updated_at is invisible to the snapshot's timestamp strategy anyway.
-- A warning, not an error: the marts stay current; dropping the snapshot and running
-- scripts/run_pipeline.py rebuilds the history from every export in the landing zone.
{{ config(severity='warn', enabled=dbt_snapshots_enabled(), tags=['contact_history_check']) }}

with

snapshot as (
    select
        contact_id,
        export_date,
        dbt_valid_from as updated_at,
        is_deleted,
        dbt_valid_to as valid_to
    from {{ ref('snp_crm__contacts') }}
),

replayed as (
    select
        contact_id,
        export_date,
        updated_at,
        is_deleted,
        valid_to
    from {{ ref('int_contacts_snapshot_replayed_keys') }}
),

only_in_snapshot as (
    select * from snapshot
    except
    select * from replayed
),

only_in_replay as (
    select * from replayed
    except
    select * from snapshot
),

differences as (
    select
        'only in the snapshot' as found,
        contact_id,
        updated_at as dbt_valid_from,
        export_date
    from only_in_snapshot
    union all
    select
        'only in the replay' as found,
        contact_id,
        updated_at as dbt_valid_from,
        export_date
    from only_in_replay
)

select * from differences
