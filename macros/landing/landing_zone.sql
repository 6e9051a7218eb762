{% macro raw_dir_absolute() -%}
    {%- set raw_dir = var('raw_dir') -%}
    {%- if not raw_dir.startswith('/') -%}
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
