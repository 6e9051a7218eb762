{% macro load_by_file_config(unique_key=['_source_file', '_file_row']) -%}
    {#- The config of a base model loaded by file. On DuckDB it is incremental: a run reads
        only the files the table has not loaded (unloaded_files) and rewrites, by file and
        row, their rows and the stored copies of the keys they repeat (newest_file_wins).
        Spark's plain parquet tables take no DELETE: there the table is rebuilt from every
        file. -#}
    {{ return(adapter.dispatch('load_by_file_config', 'marketing_warehouse')(unique_key)) }}
{%- endmacro %}

{% macro default__load_by_file_config(unique_key) -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__load_by_file_config(unique_key) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}


{% macro unloaded_files(source_file=none) -%}
    {#- A predicate on read_parquet's `filename` (or on a view's `_source_file` column, named
        by source_file): in an incremental run, the files whose rows the model's table does
        not hold yet; otherwise every file. DuckDB applies it to the file list, through
        views too, so the loaded files are not read (their footers still give the schema).
        A file with no rows is never recorded, and is read again (as nothing) each run. -#}
    {%- if not (execute and is_incremental()) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set loaded = run_query('select distinct _source_file from ' ~ this ~ ' order by 1') -%}
    {%- set files = loaded.columns[0].values() -%}
    {%- if files | length == 0 -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append(dbt.string_literal(file)) -%}
    {%- endfor -%}
    {%- set file = source_file or "replace(filename, '" ~ raw_dir_absolute() ~ "/', '')" -%}
    {{ return(file ~ " not in (" ~ quoted | join(', ') ~ ")") }}
{%- endmacro %}


{% macro loaded_rows_for_rerun(derived_reasons) -%}
    {#- The table's stored rows with the columns of a checked row: `_is_duplicate` dropped,
        and the reasons a run derives from other rows (derived_reasons) cleared, so that the
        rows can be judged again beside the new files' rows. -#}
    select
        {{ select_all_except(['_reject_reason', '_is_duplicate']) }},
        case
            when _reject_reason not in (
                {%- for reason in derived_reasons %}{{ dbt.string_literal(reason) }}{{ ', ' if not loop.last }}{% endfor -%}
            ) then _reject_reason
        end as _reject_reason
    from {{ this }}
{%- endmacro %}


{% macro newest_file_wins(relation, primary_key) -%}
    {#- flag_duplicates over the checked rows of `relation`. In an incremental run those are
        the new files' rows (and any stored rows the model judges again): each key they
        carry is ranked again with every stored valid copy of it, and those copies are
        rewritten with their new outcome. Rows with a reason of their own keep it whatever
        their rank, so only valid copies take part. Stored copies are found by the hash of
        the key, so a collision adds whole keys, never part of one. -#}
    {%- if not is_incremental() -%}
        {{ return(flag_duplicates(relation, primary_key)) }}
    {%- endif -%}
    with

    stored_copies as (
        select stored.*
        from ({{ loaded_rows_for_rerun(['duplicate key within file']) }}) as stored
        where
            stored._reject_reason is null
            and {{ key_hash(primary_key) }} in (
                select {{ key_hash(primary_key) }} from {{ relation }}
            )
            and not exists (
                select 1
                from {{ relation }} as judged
                where
                    judged._source_file = stored._source_file
                    and judged._file_row = stored._file_row
            )
    ),

    candidates as (
        select * from {{ relation }}
        union all by name
        select * from stored_copies
    )

    {{ flag_duplicates('candidates', primary_key) }}
{%- endmacro %}
