{% macro check_landing_zone() %}
    {#- Fails the run when a landing-zone file breaks the contract: a folder without files, a
        file that is not parquet, or a file missing a column its source declares. Extra
        columns are allowed (sources add fields). -#}
    {%- if not execute or var('skip_landing_zone_check', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set raw_dir = raw_dir_absolute() -%}
    {%- for node in graph.sources.values() if node.package_name == project_name -%}
        {%- set folder = node.source_name ~ '/' ~ node.name -%}
        {%- set declared = node.columns.keys() | list -%}
        {%- set listing = run_query(
            "select file from glob('" ~ raw_dir ~ "/" ~ folder ~ "/*') order by file"
        ) -%}
        {%- set files = listing.columns[0].values() | list -%}
        {%- if files | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Landing zone: no files in '" ~ folder ~ "' (looked in " ~ raw_dir ~ "/" ~ folder ~ ")"
            ) }}
        {%- endif -%}
        {%- for file in files if not file.endswith('.parquet') -%}
            {{ exceptions.raise_compiler_error(
                "Landing zone: file '" ~ file.replace(raw_dir ~ '/', '') ~ "' is not a parquet file"
                ~ " (only <table>_YYYY-MM-DD.parquet files belong in " ~ folder ~ ")"
            ) }}
        {%- endfor -%}
        {%- if declared | length > 0 -%}
            {%- set missing = run_query(landing_zone_missing_columns_sql(raw_dir, folder, declared)) -%}
            {%- for row in missing.rows -%}
                {{ exceptions.raise_compiler_error(
                    "Landing zone: file '" ~ row[0].replace(raw_dir ~ '/', '') ~ "' is missing column '"
                    ~ row[1] ~ "' (required by the contract for " ~ folder ~ ")"
                ) }}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro landing_zone_missing_columns_sql(raw_dir, folder, declared) %}
    {#- parquet_schema fails with the file's name when a file is not parquet. -#}
    with

    file_schema as (
        select file_name, name
        from parquet_schema('{{ raw_dir }}/{{ folder }}/*.parquet')
    ),

    files as (
        select distinct file_name from file_schema
    ),

    declared as (
        select unnest([{% for column in declared %}'{{ column }}'{{ ", " if not loop.last }}{% endfor %}]) as name
    )

    select files.file_name, declared.name
    from files
    cross join declared
    where not exists (
        select 1
        from file_schema
        where file_schema.file_name = files.file_name and file_schema.name = declared.name
    )
    order by files.file_name, declared.name
{% endmacro %}
