{#- Every distinct combination of identifiers that a row of any system names together: a
    contact card version, an ESP event, a site login, a call (with its session's cookie), a
    request, a lead, a session. Rows naming the same identifiers are counted once, with
    their first sighting: the graph needs which identifiers go together, not how often (at
    the l preset 67.8M rows name 4.4M combinations; 52.1M ESP events name 0.9M).
    Identifiers are normalized into graph nodes. -#}
with

contact_versions as (
    select * from {{ ref('int_contact_versions') }}
),

esp_events as (
    select * from {{ ref('stg_esp__events') }}
),

site_logins as (
    select * from {{ ref('stg_crm__site_logins') }}
),

sessions as (
    select * from {{ ref('stg_calltracking__sessions') }}
),

calls as (
    select * from {{ ref('stg_calltracking__calls') }}
),

requests as (
    select * from {{ ref('stg_calltracking__requests') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

raw_combinations as (
    select
        'contact_card' as mention_source,
        min(valid_from) as first_seen_at,
        count(*) as n_mentions,
        {{ identity_node('contact', 'contact_id') }} as contact_node,
        {{ identity_node('email', 'email') }} as email_node,
        {{ identity_node('phone', 'phone') }} as phone_node,
        null as cookie_node
    from contact_versions
    group by contact_id, email, phone
    union all
    select
        'esp_event',
        min(event_at),
        count(*),
        {{ identity_node('contact', 'contact_id') }},
        {{ identity_node('email', 'email') }},
        null,
        null
    from esp_events
    group by contact_id, email
    union all
    select
        'site_login',
        min(logged_in_at),
        count(*),
        {{ identity_node('contact', 'contact_id') }},
        null,
        null,
        {{ identity_node('cookie', 'client_id') }}
    from site_logins
    group by contact_id, client_id
    union all
    select
        'session',
        min(started_at),
        count(*),
        null,
        null,
        null,
        {{ identity_node('cookie', 'client_id') }}
    from sessions
    group by client_id
    union all
    select
        'call',
        min(calls.call_started_at),
        count(*),
        null,
        null,
        {{ identity_node('phone', 'calls.caller_phone') }},
        {{ identity_node('cookie', 'sessions.client_id') }}
    from calls
    left join sessions
        on calls.session_id = sessions.session_id
    group by calls.caller_phone, sessions.client_id
    union all
    select
        'request',
        min(created_at),
        count(*),
        null,
        {{ identity_node('email', 'email') }},
        {{ identity_node('phone', 'phone') }},
        {{ identity_node('cookie', 'client_id') }}
    from requests
    group by email, phone, client_id
    union all
    select
        'lead',
        min(created_at),
        count(*),
        {{ identity_node('contact', 'contact_id') }},
        {{ identity_node('email', 'email') }},
        {{ identity_node('phone', 'phone') }},
        null
    from leads
    group by contact_id, email, phone
),

mentions as (
    -- raw values that differ only by blanks around them name the same nodes
    select
        mention_source,
        contact_node,
        email_node,
        phone_node,
        cookie_node,
        min(first_seen_at) as first_seen_at,
        sum(n_mentions) as n_mentions
    from raw_combinations
    group by mention_source, contact_node, email_node, phone_node, cookie_node
)

select * from mentions
