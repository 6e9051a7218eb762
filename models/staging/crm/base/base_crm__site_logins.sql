{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('crm', 'site_logins') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('crm/site_logins', parsed) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['login_id', 'logged_in_at'],
            event_time='logged_in_at'
        ) }} as _reject_reason
    from typed
),

flagged as (
    {{ newest_file_wins('checked', ['login_id']) }}
)

select * from flagged
