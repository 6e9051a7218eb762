{#- One row per touch of a person (marts.md, "Touchpoints"): site sessions, email clicks
    (utm from the link) and calls to static numbers (their own utm). The channel comes
    from the utm pair through int_utm_channels; without utm, from the referrer:
    a search engine is organic_search, another site referral, none direct. -#}
with

sessions as (
    select * from {{ ref('stg_calltracking__sessions') }}
),

email_events as (
    select * from {{ ref('int_email_events_matched') }}
),

calls as (
    select * from {{ ref('stg_calltracking__calls') }}
),

components as (
    select * from {{ ref('int_identity_components') }}
),

utm_channels as (
    select * from {{ ref('int_utm_channels') }}
),

search_engines as (
    select * from {{ ref('search_engines') }}
),

touches as (
    select
        'session:' || session_id as touch_id,
        'session' as touch_type,
        {{ identity_node('cookie', 'client_id') }} as person_node,
        started_at as touched_at,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer
    from sessions
    union all
    select
        'email_click:' || event_id,
        'email_click',
        coalesce(
            {{ identity_node('contact', 'contact_id') }}, {{ identity_node('email', 'email') }}
        ),
        event_at,
        utm_source,
        utm_medium,
        utm_campaign,
        null
    from email_events
    where event_type = 'clicked'
    union all
    select
        'call:' || call_id,
        'static_call',
        {{ identity_node('phone', 'caller_phone') }},
        call_started_at,
        utm_source,
        utm_medium,
        utm_campaign,
        null
    from calls
    where session_id is null
),

referrer_hosts as (
    select
        touch_id,
        lower(regexp_extract(referrer, '^[a-zA-Z]+://([^/:?#]+)', 1)) as referrer_host
    from touches
    where referrer is not null and utm_source is null and utm_medium is null
),

organic as (
    select distinct referrer_hosts.touch_id
    from referrer_hosts
    inner join search_engines
        on referrer_hosts.referrer_host like search_engines.referrer_host_pattern
),

channelled as (
    select
        touches.touch_id,
        components.person_id,
        touches.touched_at,
        {{ utc_to_local('touches.touched_at') }} as touched_at_local,
        touches.touch_type,
        case
            when touches.utm_source is not null or touches.utm_medium is not null
                then utm_channels.channel
            when organic.touch_id is not null then 'organic_search'
            when touches.referrer is not null then 'referral'
            else 'direct'
        end as channel,
        touches.utm_source,
        touches.utm_medium,
        touches.utm_campaign,
        touches.referrer is null
        and touches.utm_source is null
        and touches.utm_medium is null
        and touches.touch_type = 'session' as is_direct
    from touches
    left join components
        on touches.person_node = components.node
    left join utm_channels
        on
            coalesce(touches.utm_source, '') = coalesce(utm_channels.utm_source, '')
            and coalesce(touches.utm_medium, '') = coalesce(utm_channels.utm_medium, '')
    left join organic
        on touches.touch_id = organic.touch_id
)

select * from channelled
