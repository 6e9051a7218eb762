{% macro flag_duplicates(relation, primary_key) -%}
    {#- Adds the outcome of each checked raw row: `_reject_reason` (also set for a key
        repeated inside one file) and `_is_duplicate` (an older file's copy of a key that a
        newer file re-exported: the newest file wins). Re-exports are rare, so only the rows
        whose key repeats are ranked: a window over every row of the largest table costs
        several times the scan itself. -#}
    {%- set key_match = [] -%}
    {%- for column in primary_key -%}
        {%- do key_match.append('checked_rows.' ~ column ~ ' = repeated_keys.' ~ column) -%}
    {%- endfor -%}
    {%- set joined = '
        left join (
            select ' ~ primary_key | join(', ') ~ ', (_reject_reason is null) as _is_valid
            from ' ~ relation ~ '
            group by ' ~ primary_key | join(', ') ~ ', (_reject_reason is null)
            having count(*) > 1
        ) as repeated_keys
            on ' ~ key_match | join(' and ') ~ '
            and (checked_rows._reject_reason is null) = repeated_keys._is_valid' -%}
    select
        {{ select_all_except(["_reject_reason", "_key_rank", "_newer_file"]) }},
        coalesce(
            _reject_reason,
            case when _key_rank > 1 and _newer_file = _source_file then 'duplicate key within file' end
        ) as _reject_reason,
        coalesce(_reject_reason is null and _key_rank > 1 and _newer_file <> _source_file, false)
            as _is_duplicate
    from (
        select
            checked_rows.*,
            1 as _key_rank,
            cast(null as {{ dbt.type_string() }}) as _newer_file
        from {{ relation }} as checked_rows
        {{ joined }}
        where repeated_keys._is_valid is null
        union all
        select
            checked_rows.*,
            row_number() over key_versions as _key_rank,
            lag(checked_rows._source_file) over key_versions as _newer_file
        from {{ relation }} as checked_rows
        {{ joined | replace('left join', 'inner join') }}
        window key_versions as (
            partition by {% for column in primary_key %}checked_rows.{{ column }}, {% endfor %}(checked_rows._reject_reason is null)
            order by checked_rows._file_date desc, checked_rows._source_file desc, checked_rows._file_row desc
        )
    ) as ranked
{%- endmacro %}
