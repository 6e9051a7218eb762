{#- The channel of every utm_source/utm_medium pair seen on touches or spend, from the
    channel_mapping seed (case-insensitive LIKE patterns, the lowest priority number
    wins; a pair no row matches is `other`). Touches and spend both take their channel
    from here, so a campaign's spend and its touches always land on the same channel. -#}
with

mapping as (
    select * from {{ ref('channel_mapping') }}
),

pairs as (
    select
        utm_source,
        utm_medium
    from {{ ref('stg_calltracking__sessions') }}
    union
    select
        utm_source,
        utm_medium
    from {{ ref('stg_calltracking__calls') }}
    union
    select
        utm_source,
        utm_medium
    from {{ ref('stg_calltracking__ad_costs') }}
    union
    select
        utm_source,
        utm_medium
    from {{ ref('stg_esp__events') }}
    where event_type = 'clicked'
),

matches as (
    select
        pairs.utm_source,
        pairs.utm_medium,
        mapping.channel,
        row_number() over (
            partition by pairs.utm_source, pairs.utm_medium
            order by mapping.priority
        ) as match_rank
    from pairs
    inner join mapping
        on
            coalesce(pairs.utm_source, '') like lower(mapping.utm_source_pattern)
            and coalesce(pairs.utm_medium, '') like lower(mapping.utm_medium_pattern)
    where pairs.utm_source is not null or pairs.utm_medium is not null
),

channels as (
    select
        pairs.utm_source,
        pairs.utm_medium,
        coalesce(matches.channel, 'other') as channel
    from pairs
    left join matches
        on
            coalesce(pairs.utm_source, '') = coalesce(matches.utm_source, '')
            and coalesce(pairs.utm_medium, '') = coalesce(matches.utm_medium, '')
            and matches.match_rank = 1
    where pairs.utm_source is not null or pairs.utm_medium is not null
)

select * from channels
