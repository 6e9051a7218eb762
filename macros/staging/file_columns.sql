{% macro file_columns() -%}
    {#- Where a raw row came from: its file (relative to the landing zone), the export day
        in the file name, and its position in the file (the newest file wins on re-exports). -#}
    replace(filename, '{{ raw_dir_absolute() }}/', '') as _source_file,
    {{ dbt.safe_cast(
        "nullif(regexp_extract(filename, '([0-9]{4}-[0-9]{2}-[0-9]{2})[.]parquet$', 1), '')",
        api.Column.translate_type('date')
    ) }} as _file_date,
    file_row_number as _file_row
{%- endmacro %}
