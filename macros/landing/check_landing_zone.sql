{% macro check_landing_zone() %}
    {#- Fails the run when a landing-zone file breaks the contract: a folder without files, a
        file that is not parquet, a file whose name carries no export day, or a file missing
        a column of the contract (raw_contract()). Extra columns are allowed (sources add
        fields). -#}
    {%- if not execute or var('skip_landing_zone_check', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set raw_dir = raw_dir_absolute() -%}
    {%- for table in raw_contract() -%}
        {%- set folder = table.table -%}
        {%- set declared = table.columns | map(attribute='name') | list -%}
        {%- set files = landing_zone_files(raw_dir, folder) -%}
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
        {%- for file in files -%}
            {%- set name_error = landing_file_name_error(raw_dir, folder, file) -%}
            {%- if name_error -%}
                {{ exceptions.raise_compiler_error(name_error) }}
            {%- endif -%}
        {%- endfor -%}
        {%- if declared | length > 0 -%}
            {%- for row in landing_zone_missing_columns(raw_dir, folder, declared) -%}
                {{ exceptions.raise_compiler_error(
                    "Landing zone: file '" ~ row[0].replace(raw_dir ~ '/', '') ~ "' is missing column '"
                    ~ row[1] ~ "' (required by the contract for " ~ folder ~ ")"
                ) }}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro landing_zone_files(raw_dir, folder) -%}
    {#- Every file in a landing-zone folder (absolute paths), sorted. -#}
    {{ return(adapter.dispatch('landing_zone_files', 'marketing_warehouse')(raw_dir, folder)) }}
{%- endmacro %}

{% macro default__landing_zone_files(raw_dir, folder) -%}
    {%- set listing = run_query(
        "select file from glob('" ~ raw_dir ~ "/" ~ folder ~ "/*') order by file"
    ) -%}
    {{ return(listing.columns[0].values() | list) }}
{%- endmacro %}

{% macro spark__landing_zone_files(raw_dir, folder) -%}
    {#- binaryFile lists the files without reading them (only `path` is selected). -#}
    {%- set listing = run_query(
        "select distinct regexp_replace(path, '^file:', '') as file from binaryFile.`"
        ~ raw_dir ~ "/" ~ folder ~ "/*` order by file"
    ) -%}
    {{ return(listing.columns[0].values() | list) }}
{%- endmacro %}


{% macro landing_zone_missing_columns(raw_dir, folder, declared) -%}
    {#- (file, column) pairs: a declared column that a file lacks. -#}
    {{ return(adapter.dispatch('landing_zone_missing_columns', 'marketing_warehouse')(
        raw_dir, folder, declared
    )) }}
{%- endmacro %}

{% macro default__landing_zone_missing_columns(raw_dir, folder, declared) -%}
    {{ return(run_query(landing_zone_missing_columns_sql(raw_dir, folder, declared)).rows) }}
{%- endmacro %}

{% macro spark__landing_zone_missing_columns(raw_dir, folder, declared) -%}
    {#- Spark has no per-file parquet schema in SQL: the folder's merged schema is checked,
        so a column that no file of the folder has is reported (against the folder's glob);
        one missing from some files only reads as nulls there, which staging rejects when
        the column is required. DuckDB's build checks each file. -#}
    {%- set glob = raw_dir ~ "/" ~ folder ~ "/*.parquet" -%}
    {%- set present = run_query("select * from parquet.`" ~ glob ~ "` limit 0").column_names -%}
    {%- set missing = [] -%}
    {%- for column in declared if column not in present -%}
        {%- do missing.append((glob, column)) -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}


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
