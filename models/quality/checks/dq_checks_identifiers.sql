{#- Identifier checks: emails and phones present but invalid (per table and file day), and
    identifiers excluded from stitching as shared (as of the newest file day). -#}
{%- set identifier_columns = [
    ('stg_crm__contacts', 'crm/contacts', ['email', 'phone']),
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

{#- one pass over each table for all its identifier columns (a year of contacts exports
    is 170M rows) -#}
{%- for model, table, columns in identifier_columns %}
    identifiers_counted_{{ loop.index }} as (
        select
            {{ 'export_date' if table == 'crm/contacts' else '_file_date' }} as day,
        {%- for column in columns %}
            {%- set flag = 'is_phone_invalid' if 'phone' in column else 'is_email_invalid' %}
            count(case when {{ flag }} then 1 end) as invalid_{{ column }},
            count(case when {{ column }} is not null or {{ flag }} then 1 end)
                as present_{{ column }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ ref(model) }}
        group by 1
    ),

{% endfor -%}

invalid_identifiers as (
    {%- for model, table, columns in identifier_columns %}
        {%- set counted = 'identifiers_counted_' ~ loop.index %}
        {%- set last_model = loop.last %}
        {%- for column in columns %}
            select
                day,
                '{{ table }}.{{ column }}' as check_scope,
                invalid_{{ column }} as invalid_values,
                present_{{ column }} as present_values
            from {{ counted }}
            {%- if not (last_model and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
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
    group by 1
),

checks as (
    select
        day,
        'invalid_identifiers' as check_name,
        check_scope,
        cast(invalid_values as double) as numerator,
        cast(present_values as double) as denominator
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
