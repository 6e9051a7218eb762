{% macro landing_files_listing() -%}
    {#- Every parquet file of the landing zone with its size and modification time, read
        from the file system's listing, never from the files' content: a relation of
        file_path (relative to the landing zone), size_bytes and modified_at (UTC). -#}
    {{ return(adapter.dispatch('landing_files_listing', 'marketing_warehouse')(raw_dir_absolute())) }}
{%- endmacro %}

{% macro default__landing_files_listing(raw_dir) -%}
    {#- read_blob projects only the columns selected: without `content` it reads no file. -#}
    select
        replace(filename, '{{ raw_dir }}/', '') as file_path,
        cast(size as bigint) as size_bytes,
        {{ to_utc('last_modified') }} as modified_at
    from read_blob('{{ raw_dir }}/*/*/*.parquet')
{%- endmacro %}

{% macro spark__landing_files_listing(raw_dir) -%}
    {#- binaryFile reads a file's bytes only when `content` is selected. -#}
    select
        replace(regexp_replace(path, '^file:', ''), '{{ raw_dir }}/', '') as file_path,
        cast(length as bigint) as size_bytes,
        modificationTime as modified_at
    from binaryFile.`{{ raw_dir }}/*/*/*.parquet`
{%- endmacro %}


{% macro landing_file_day(folder, file) -%}
    {#- The export day (YYYY-MM-DD) in a landing file's name `<table>_YYYY-MM-DD.parquet`,
        or none; whether it is a real day is landing_file_name_error's check. -#}
    {%- set table = folder.split('/')[-1] -%}
    {%- set matched = modules.re.match(
        '^' ~ table ~ '_([0-9]{4}-[0-9]{2}-[0-9]{2})[.]parquet$', file.split('/')[-1]
    ) -%}
    {{ return(matched.group(1) if matched else none) }}
{%- endmacro %}


{% macro landing_file_name_error(raw_dir, folder, file) -%}
    {#- The message for a file whose name is not `<table>_YYYY-MM-DD.parquet` (a real day),
        or '' for a good name. The export day in the name decides which copy of a record
        wins, so it cannot be guessed. -#}
    {%- set table = folder.split('/')[-1] -%}
    {%- set day = landing_file_day(folder, file) -%}
    {%- set is_day = false -%}
    {%- if day -%}
        {%- set year, month, day_of_month = day.split('-') | map('int') | list -%}
        {%- set is_leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) -%}
        {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- set is_day = 1 <= month <= 12 and 1 <= day_of_month <= month_days[month - 1] -%}
    {%- endif -%}
    {%- if is_day -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(
        "Landing zone: file '" ~ file.replace(raw_dir ~ '/', '') ~ "' has no export day in its name"
        ~ " (the contract names files " ~ table ~ "_YYYY-MM-DD.parquet; the day decides which copy"
        ~ " of a re-exported record wins). Rename it after its export day, or move it out of "
        ~ folder
    ) }}
{%- endmacro %}
