{% macro flag_duplicates(relation, primary_key) -%}
    {#- Adds the outcome of each checked raw row: `_reject_reason` (also set for a key
        repeated inside one file) and `_is_duplicate` (an older file's copy of a key that a
        newer file re-exported: the newest file wins). One window over the rows. -#}
    {%- set key = primary_key | join(', ') -%}
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
            *,
            row_number() over key_versions as _key_rank,
            lag(_source_file) over key_versions as _newer_file
        from {{ relation }}
        window key_versions as (
            partition by {{ key }}, (_reject_reason is null)
            order by _file_date desc, _source_file desc, _file_row desc
        )
    ) as ranked
{%- endmacro %}
