{#- Every row of any system that names identifiers of a person: a contact card version,
    an ESP event, a site login, a call (with its session's cookie), a request, a lead, a
    session. Identifiers are normalized; each mention links the identifiers it names. -#}
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

mentions as (
    select
        'contact_card' as mention_source,
        valid_from as seen_at,
        {{ identity_node('contact', 'contact_id') }} as contact_node,
        {{ identity_node('email', 'email') }} as email_node,
        {{ identity_node('phone', 'phone') }} as phone_node,
        null as cookie_node
    from contact_versions
    union all
    select
        'esp_event',
        event_at,
        {{ identity_node('contact', 'contact_id') }},
        {{ identity_node('email', 'email') }},
        null,
        null
    from esp_events
    union all
    select
        'site_login',
        logged_in_at,
        {{ identity_node('contact', 'contact_id') }},
        null,
        null,
        {{ identity_node('cookie', 'client_id') }}
    from site_logins
    union all
    select
        'session',
        started_at,
        null,
        null,
        null,
        {{ identity_node('cookie', 'client_id') }}
    from sessions
    union all
    select
        'call',
        calls.call_started_at,
        null,
        null,
        {{ identity_node('phone', 'calls.caller_phone') }},
        {{ identity_node('cookie', 'sessions.client_id') }}
    from calls
    left join sessions
        on calls.session_id = sessions.session_id
    union all
    select
        'request',
        created_at,
        null,
        {{ identity_node('email', 'email') }},
        {{ identity_node('phone', 'phone') }},
        {{ identity_node('cookie', 'client_id') }}
    from requests
    union all
    select
        'lead',
        created_at,
        {{ identity_node('contact', 'contact_id') }},
        {{ identity_node('email', 'email') }},
        {{ identity_node('phone', 'phone') }},
        null
    from leads
)

select * from mentions
