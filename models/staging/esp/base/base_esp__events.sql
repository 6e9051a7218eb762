{{ config(**load_by_file_config()) }}
{%- set parsed = [] %}
{%- set recipient = "coalesce(contact_id, 'email:' || coalesce(email, ''))" %}
with

source as {{ not_materialized() }} (
    select * from {{ landing_zone('esp', 'events') }}
    where {{ unloaded_files() }}
),

typed as {{ not_materialized() }} (
    select
        {{ file_columns() }},
        {{ contract_columns('esp/events', parsed, {
            'email': normalized_identifier('email', 'email'),
            'event_type': lower_text('event_type'),
            'url': {
                'url': cast_as('url', 'str'),
                'utm_source': url_parameter('url', 'utm_source'),
                'utm_medium': url_parameter('url', 'utm_medium'),
                'utm_campaign': url_parameter('url', 'utm_campaign'),
            },
            'bounce_kind': lower_text('bounce_kind'),
        }) }},
        {{ unparseable_column(parsed) }} as _unparseable_column
    from source
),

checked as {{ not_materialized() }} (
    select
        *,
        {{ reject_reason(
            required=['event_id', 'campaign_id', 'event_at'],
            enums=contract_enums('esp/events'),
            event_time='event_at'
        ) }} as _reject_reason
    from typed
),

{% if is_incremental() %}
    {#- The campaign and recipient pairs of the new files' rows. Every row of those pairs is
        judged again from its own reason, so their sends below are whole. Other pairs keep
        their sends: a re-export into another pair changes only which copy wins
        (newest_file_wins), and sends count every checked copy. Pairs are matched by hash:
        a collision adds whole pairs, never part of one. -#}
    touched_pairs as (
        select distinct
            campaign_id,
            {{ recipient }} as recipient
        from checked
    ),

    judged as {{ not_materialized() }} (
        select * from checked
        union all by name
        select *
        from (
            {{ loaded_rows_for_rerun(
                ['duplicate key within file', 'implausible event_at: before its send']
            ) }}
        ) as stored
        where {{ key_hash(['campaign_id', recipient]) }} in (
            select {{ key_hash(['campaign_id', 'recipient']) }} from touched_pairs
        )
    ),
{% else %}
    judged as {{ not_materialized() }} (
        select * from checked
    ),
{% endif %}

sends as (
    select
        campaign_id as send_campaign_id,
        {{ recipient }} as send_recipient,
        min(event_at) as sent_at
    from judged
    where event_type = 'sent' and _reject_reason is null
    group by 1, 2
),

sequenced as {{ not_materialized() }} (
    {#- an event of a send cannot happen before the send (same campaign and recipient) -#}
    select
        {{ select_all_except(
            ['_reject_reason', 'send_campaign_id', 'send_recipient', 'sent_at']
        ) }},
        coalesce(
            judged._reject_reason,
            case
                when judged.event_type <> 'sent' and judged.event_at < sends.sent_at
                    then 'implausible event_at: before its send'
            end
        ) as _reject_reason
    from judged
    left join sends
        on
            judged.campaign_id = sends.send_campaign_id
            and coalesce(judged.contact_id, 'email:' || coalesce(judged.email, ''))
            = sends.send_recipient
),

flagged as (
    {{ newest_file_wins('sequenced', ['event_id']) }}
)

select * from flagged
