{#- The contact card history from the snapshot, in business time: a version is valid from
    its updated_at (inclusive) to the next version's (exclusive). -#}
with

snapshot as (
    select * from {{ contact_history() }}
),

versions as (
    select
        contact_id,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to,
        is_deleted,
        activity_segment,
        coalesce(segment_codes, {{ empty_text_list() }}) as segment_codes,
        specialty,
        email,
        phone,
        consent_email,
        email_status,
        export_date
    from snapshot
)

select * from versions
