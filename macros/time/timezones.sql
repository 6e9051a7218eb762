{% macro to_utc(column) -%}
    {#- A timestamp with time zone (or its text) as a UTC timestamp without zone; null when
        it does not parse. -#}
    {{ return(adapter.dispatch('to_utc', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__to_utc(column) -%}
    {#- epoch arithmetic, not timezone('UTC', ...): the same values, 13x faster on DuckDB
        (timezone() goes through ICU for every row; 170M contact rows a year at scale). -#}
    make_timestamp(epoch_us(try_cast({{ column }} as timestamptz)))
{%- endmacro %}

{% macro spark__to_utc(column) -%}
    try_cast({{ column }} as timestamp)
{%- endmacro %}


{% macro local_text_to_utc(column, time_zone) -%}
    {#- Text `DD.MM.YYYY HH:MM:SS` in a local time zone (calltracking) as a UTC timestamp;
        null when it does not parse. -#}
    {{ return(adapter.dispatch('local_text_to_utc', 'marketing_warehouse')(column, time_zone)) }}
{%- endmacro %}

{% macro default__local_text_to_utc(column, time_zone) -%}
    {#- The contract's text, or the same wall-clock time written as a timestamp (or ISO
        text) without zone: both read as local time. A value with a zone is an instant. -#}
    case
        when typeof({{ column }}) = 'TIMESTAMP WITH TIME ZONE' then {{ default__to_utc(column) }}
        else timezone('UTC', timezone('{{ time_zone }}', coalesce(
            try_strptime(trim(cast({{ column }} as varchar)), '%d.%m.%Y %H:%M:%S'),
            try_cast(cast({{ column }} as varchar) as timestamp)
        )))
    end
{%- endmacro %}

{% macro spark__local_text_to_utc(column, time_zone) -%}
    to_utc_timestamp(coalesce(
        try_to_timestamp(trim(cast({{ column }} as string)), 'dd.MM.yyyy HH:mm:ss'),
        try_cast(cast({{ column }} as string) as timestamp)
    ), '{{ time_zone }}')
{%- endmacro %}


{% macro utc_to_local(column, time_zone=none) -%}
    {#- A UTC timestamp as wall-clock time in the reporting time zone (for calendar days). -#}
    {{ return(adapter.dispatch('utc_to_local', 'marketing_warehouse')(
        column, time_zone or var('reporting_tz')
    )) }}
{%- endmacro %}

{% macro default__utc_to_local(column, time_zone) -%}
    {#- A UTC offset looked up from the zone's transitions (tz_offset_minutes), not
        timezone(): ICU converts row by row, 20x slower on 20M rows (docs/benchmarks.md). -#}
    make_timestamp(epoch_us({{ column }}) + cast(60000000 as bigint) * ({{ tz_offset_minutes(column, time_zone) }}))
{%- endmacro %}

{% macro spark__utc_to_local(column, time_zone) -%}
    from_utc_timestamp({{ column }}, '{{ time_zone }}')
{%- endmacro %}


{% macro local_day(column, time_zone=none) -%}
    {#- The calendar day of a UTC timestamp in the reporting time zone. -#}
    cast({{ utc_to_local(column, time_zone) }} as date)
{%- endmacro %}


{% macro local_day_end_utc(day_column, time_zone=none) -%}
    {#- The UTC instant at which a local calendar day ends (its next midnight). -#}
    {{ return(adapter.dispatch('local_day_end_utc', 'marketing_warehouse')(
        day_column, time_zone or var('reporting_tz')
    )) }}
{%- endmacro %}

{% macro default__local_day_end_utc(day_column, time_zone) -%}
    timezone('UTC', timezone('{{ time_zone }}', cast({{ day_column }} as timestamp) + interval 1 day))
{%- endmacro %}

{% macro spark__local_day_end_utc(day_column, time_zone) -%}
    to_utc_timestamp(cast(date_add({{ day_column }}, 1) as timestamp), '{{ time_zone }}')
{%- endmacro %}


{% macro tz_offset_minutes(column, time_zone) -%}
    {#- The UTC offset in minutes of time_zone at the UTC instant `column`: a balanced tree
        of `case` over the zone's offset changes between 2000 and 2100, found at compile time
        with pytz (rows before 2000 are rejected by staging; after 2100 the last offset holds). -#}
    {%- set changes = tz_offset_changes(time_zone) -%}
    {{ offset_case_tree(column, changes, 0, changes | length) }}
{%- endmacro %}

{% macro tz_offset_changes(time_zone) -%}
    {#- [(first UTC instant, offset minutes)] of each period of constant offset, oldest
        first; the first period starts at none. Months are sampled, and a month whose offset
        differs from the month before is bisected to the hour. The offset is computed inline,
        not through a macro: tens of thousands of macro calls cost seconds per model. At parse
        time the SQL is not used, so nothing is computed. -#}
    {%- if not execute -%}
        {{ return([(none, 0)]) }}
    {%- endif -%}
    {%- set utc = modules.pytz.utc -%}
    {%- set datetime = modules.datetime -%}
    {%- set zone = modules.pytz.timezone(time_zone) -%}
    {%- set start = datetime.datetime(2000, 1, 1) -%}
    {%- set first_offset = utc.localize(start).astimezone(zone).utcoffset() -%}
    {%- set state = namespace(previous=start, offset=first_offset, changes=[(none, first_offset)]) -%}
    {%- for month_index in range(1, 12 * 100 + 1) -%}
        {%- set moment = datetime.datetime(2000 + month_index // 12, month_index % 12 + 1, 1) -%}
        {%- set offset = utc.localize(moment).astimezone(zone).utcoffset() -%}
        {%- if offset != state.offset -%}
            {%- set bounds = namespace(low=state.previous, high=moment) -%}
            {%- for step in range(22) -%}
                {%- set middle = bounds.low + (bounds.high - bounds.low) / 2 -%}
                {%- if utc.localize(middle).astimezone(zone).utcoffset() == state.offset -%}
                    {%- set bounds.low = middle -%}
                {%- else -%}
                    {%- set bounds.high = middle -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do state.changes.append((bounds.high.replace(second=0, microsecond=0), offset)) -%}
            {%- set state.offset = offset -%}
        {%- endif -%}
        {%- set state.previous = moment -%}
    {%- endfor -%}
    {%- set minutes = [] -%}
    {%- for instant, offset in state.changes -%}
        {%- do minutes.append((instant, (offset.total_seconds() // 60) | int)) -%}
    {%- endfor -%}
    {{ return(minutes) }}
{%- endmacro %}

{% macro offset_case_tree(column, changes, first, last) -%}
    {%- if last - first == 1 -%}
        {{ changes[first][1] }}
    {%- else -%}
        {%- set middle = (first + last) // 2 -%}
        case when {{ column }} < cast('{{ changes[middle][0] }}' as timestamp)
            then {{ offset_case_tree(column, changes, first, middle) }}
            else {{ offset_case_tree(column, changes, middle, last) }} end
    {%- endif -%}
{%- endmacro %}


{% macro end_of_time() -%}
    {#- The end of an open interval (a current version's valid_to) in a join condition:
        `or valid_to is null` there costs DuckDB its hash join on the key (a left join
        becomes a nested loop; 10 times slower on the demo, minutes at `l`). -#}
    cast('9999-12-31' as timestamp)
{%- endmacro %}
