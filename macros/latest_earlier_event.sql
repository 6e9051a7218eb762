{% macro latest_earlier_event(
    anchors, anchor_key, anchor_at, events, event_at, columns, match, tie_break, window
) -%}
    {#- For each row of `anchors` (one per anchor_key), the latest row of `events` that
        `match`es it at or before anchor_at and at most `window` = (length, datepart)
        earlier; ties on event_at go by `tie_break` (an order over the events' columns).
        Gives anchor_key and the events' `columns`; an anchor with no such event has no row. -#}
    select
        ranked.{{ anchor_key }},
        ranked.{{ columns | join(', ranked.') }}
    from (
        select
            {{ anchors }}.{{ anchor_key }},
            {{ events }}.{{ columns | join(', ' ~ events ~ '.') }},
            row_number() over (
                partition by {{ anchors }}.{{ anchor_key }}
                order by {{ events }}.{{ event_at }} desc, {{ tie_break }}
            ) as recency
        from {{ anchors }}
        inner join {{ events }}
            on
                ({{ match }})
                and {{ anchors }}.{{ anchor_at }} >= {{ events }}.{{ event_at }}
                and {{ dbt.dateadd(window[1], -window[0], anchors ~ '.' ~ anchor_at) }}
                <= {{ events }}.{{ event_at }}
    ) as ranked
    where ranked.recency = 1
{%- endmacro %}
