{% macro flag_duplicates(relation, primary_key, repeats=none) -%}
    {#- Adds the outcome of each checked raw row: `_reject_reason` (also set for a key
        repeated inside one file) and `_is_duplicate` (an older file's copy of a key that a
        newer file re-exported: the newest file wins). The ranks come from ranked_repeats,
        or from `repeats`, a relation that already holds them. -#}
    select
        {{ select_all_except(["_reject_reason", "_key_rank", "_newer_file"]) }},
        coalesce(
            _reject_reason,
            case
                when _key_rank > 1 and _newer_file = _source_file then 'duplicate key within file'
            end
        ) as _reject_reason,
        coalesce(_reject_reason is null and _key_rank > 1 and _newer_file <> _source_file, false)
            as _is_duplicate
    from (
        select
            checked_rows.*,
            repeated_rows._key_rank,
            repeated_rows._newer_file
        from {{ relation }} as checked_rows
        left join (
            {{ repeats and ('select * from ' ~ repeats) or ranked_repeats(relation, primary_key) }}
        ) as repeated_rows
            on
                checked_rows._source_file = repeated_rows._source_file
                and checked_rows._file_row = repeated_rows._file_row
    ) as ranked
{%- endmacro %}


{% macro ranked_repeats(relation, primary_key) -%}
    {#- The checked raw rows whose key (with its validity) repeats, by file and row, each
        with its rank among the copies (1 = the newest file, the last row) and the file of
        the copy ranked before it. Re-exports are rare, so only these rows are ranked; they
        are found by grouping a hash of the key (a number: several times cheaper to group
        than the key's text at 170M rows). A hash collision only ranks a few more rows, each
        alone in its window. -#}
    {%- set key_and_validity = primary_key + ['(_reject_reason is null)'] -%}
    select
        _source_file,
        _file_row,
        row_number() over key_versions as _key_rank,
        lag(_source_file) over key_versions as _newer_file
    from {{ relation }}
    where {{ key_hash(key_and_validity) }} in (
        select {{ key_hash(key_and_validity) }} from {{ relation }}
        group by {{ key_hash(key_and_validity) }}
        having count(*) > 1
    )
    window key_versions as (
        partition by {{ key_and_validity | join(', ') }}
        order by _file_date desc, _source_file desc, _file_row desc
    )
{%- endmacro %}


{% macro key_hash(expressions) -%}
    {#- One number (or, by default, text) per combination of the expressions' values. -#}
    {{ return(adapter.dispatch('key_hash', 'marketing_warehouse')(expressions)) }}
{%- endmacro %}

{% macro default__key_hash(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts | list)) }}
{%- endmacro %}

{% macro duckdb__key_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__key_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}
