{#- One row per change of a contact's activity segment, from the snapshot history. A
    contact's first known segment is not a change; deletions are not segments. -#}
with

versions as (
    select * from {{ ref('int_contact_versions') }}
    where not is_deleted
),

with_previous as (
    select
        contact_id,
        valid_from,
        activity_segment,
        lag(activity_segment) over contact_history as previous_segment
    from versions
    window contact_history as (partition by contact_id order by valid_from)
),

segment_runs as (
    {#- A run is a stretch of consecutive versions in one segment; it starts at a change. -#}
    select
        *,
        sum(
            case
                when previous_segment is null or previous_segment <> activity_segment then 1
                else 0
            end
        ) over (
            partition by contact_id order by valid_from
            rows between unbounded preceding and current row
        ) as run_number
    from with_previous
),

run_starts as (
    select
        contact_id,
        run_number,
        min(valid_from) as run_started_at
    from segment_runs
    group by contact_id, run_number
),

transitions as (
    select
        segment_runs.contact_id,
        segment_runs.previous_segment as from_segment,
        segment_runs.activity_segment as to_segment,
        segment_runs.valid_from as changed_at,
        previous_run.run_started_at as from_segment_started_at,
        {{ dbt.datediff('previous_run.run_started_at', 'segment_runs.valid_from', 'day') }}
            as days_in_from_segment
    from segment_runs
    inner join run_starts as previous_run
        on
            segment_runs.contact_id = previous_run.contact_id
            and segment_runs.run_number - 1 = previous_run.run_number
    where
        segment_runs.previous_segment is not null
        and segment_runs.previous_segment <> segment_runs.activity_segment
),

with_key as (
    select
        {{ dbt.hash("contact_id || '|' || cast(changed_at as " ~ dbt.type_string() ~ ")") }}
            as transition_id,
        *,
        {{ utc_to_local('changed_at') }} as changed_at_local,
        {{ utc_to_local('from_segment_started_at') }} as from_segment_started_at_local
    from transitions
)

select * from with_key
