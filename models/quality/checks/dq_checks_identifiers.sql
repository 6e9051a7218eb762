{#- Identifier checks: emails and phones present but invalid (per table and file day), and
    identifiers excluded from stitching as shared (as of the newest file day). The contacts
    exports are counted once per file in dq_contacts_export_counts. -#}
{%- set identifier_columns = [
    ('stg_esp__events', 'esp/events', ['email']),
    ('stg_crm__leads', 'crm/leads', ['email', 'phone']),
    ('stg_calltracking__calls', 'calltracking/calls', ['caller_phone']),
    ('stg_calltracking__requests', 'calltracking/requests', ['email', 'phone']),
] -%}
with

mentions as (
    select * from {{ ref('int_identity_mentions') }}
),

shared as (
    select * from {{ ref('int_identifiers_shared') }}
),

accounting as (
    select * from {{ ref('dq_row_accounting') }}
),

invalid_identifiers as (
    {{ contacts_export_counts('invalid_identifiers') }}
    {%- for model, table, columns in identifier_columns %}
        union all
        select * from {{ invalid_identifier_counts(
            ref(model), table, columns, '_file_date'
        ) }} as counted
    {%- endfor %}
),

newest_file_day as (
    select max(file_date) as day from accounting
),

identifier_nodes as (
    select
        email_node as node,
        'email' as kind
    from mentions
    where email_node is not null
    union all
    select
        phone_node,
        'phone'
    from mentions
    where phone_node is not null
    union all
    select
        cookie_node,
        'cookie'
    from mentions
    where cookie_node is not null
),

identifiers_by_kind as (
    select
        identifier_nodes.kind,
        count(distinct identifier_nodes.node) as identifiers,
        count(distinct shared.node) as shared_identifiers
    from identifier_nodes
    left join shared
        on identifier_nodes.node = shared.node
    group by identifier_nodes.kind
),

checks as (
    select
        day,
        'invalid_identifiers' as check_name,
        check_scope,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator
    from invalid_identifiers
    union all
    select
        newest_file_day.day,
        'identifiers_shared',
        identifiers_by_kind.kind,
        identifiers_by_kind.shared_identifiers,
        identifiers_by_kind.identifiers
    from identifiers_by_kind
    cross join newest_file_day
)

select * from checks
