{% macro raw_dir_absolute() -%}
    {%- set raw_dir = var('raw_dir') -%}
    {#- A URI (s3a://…, abfss://…, dbfs:/… on a Spark cluster) is absolute too. -#}
    {%- if not raw_dir.startswith('/') and ':' not in raw_dir -%}
        {%- set raw_dir = invocation_args_dict.get('project_dir', '.') ~ '/' ~ raw_dir -%}
    {%- endif -%}
    {{ return(raw_dir.rstrip('/')) }}
{%- endmacro %}


{% macro landing_zone(source_name, table_name) -%}
    {#- source() registers the lineage; the path is rebuilt as an absolute one so that the
        staging views resolve from any working directory. -#}
    {%- set _lineage = source(source_name, table_name) -%}
    {{ return(adapter.dispatch('landing_zone', 'marketing_warehouse')(source_name ~ '/' ~ table_name)) }}
{%- endmacro %}


{% macro default__landing_zone(folder) -%}
    read_parquet(
        '{{ raw_dir_absolute() }}/{{ folder }}/*.parquet',
        filename = true,
        file_row_number = true,
        union_by_name = true
    )
{%- endmacro %}


{% macro spark__landing_zone(folder) -%}
    {#- The files as a parquet relation (columns unioned by name through the session's
        spark.sql.parquet.mergeSchema), with DuckDB's filename and file_row_number taken from
        Spark's hidden _metadata column. A local file comes back as a `file:` URI. -#}
    (
        select
            *,
            regexp_replace(_metadata.file_path, '^file:', '') as filename,
            _metadata.row_index as file_row_number
        from parquet.`{{ raw_dir_absolute() }}/{{ folder }}/*.parquet`
    )
{%- endmacro %}
