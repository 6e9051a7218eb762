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
        {{ cast_as('login_id', 'str') }} as login_id,
        {{ cast_as('contact_id', 'str') }} as contact_id,
        {{ cast_as('client_id', 'str') }} as client_id,
        {{ cast_as('logged_in_at', 'tstz', parsed) }} as logged_in_at,
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
