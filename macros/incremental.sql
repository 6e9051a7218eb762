{% macro incremental_by_key(unique_key, day_column) -%}
    {#- Incremental config of a model that recomputes whole keys (e.g. sends): on DuckDB,
        delete+insert by unique_key; on Spark (plain parquet tables, no MERGE or DELETE),
        insert_overwrite of the day partitions the new rows fall in, so the model must
        recompute every key of those days (macro keys_to_rebuild). -#}
    {{ return(adapter.dispatch('incremental_by_key', 'marketing_warehouse')(unique_key, day_column)) }}
{%- endmacro %}

{% macro default__incremental_by_key(unique_key, day_column) -%}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) }}
{%- endmacro %}

{% macro spark__incremental_by_key(unique_key, day_column) -%}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [day_column],
        'file_format': 'parquet',
    }) }}
{%- endmacro %}


{% macro keys_to_rebuild(touched, key, key_days) -%}
    {#- The keys an incremental run recomputes, given the touched ones (relation `touched`,
        column `key`) and a query `key_days` giving each key's partition day (columns `key`,
        `day`). With insert_overwrite a run replaces whole days: every key of a day that has a
        touched key. -#}
    {{ return(adapter.dispatch('keys_to_rebuild', 'marketing_warehouse')(touched, key, key_days)) }}
{%- endmacro %}

{% macro default__keys_to_rebuild(touched, key, key_days) -%}
    select {{ key }} from {{ touched }}
{%- endmacro %}

{% macro spark__keys_to_rebuild(touched, key, key_days) -%}
    with key_days as (
        {{ key_days }}
    )

    select key_days.{{ key }}
    from key_days
    where key_days.day in (
        select key_days.day
        from key_days
        inner join {{ touched }} as touched_keys
            on key_days.{{ key }} = touched_keys.{{ key }}
    )
{%- endmacro %}
