{% test not_null_columns(model, columns) %}
    {#- Fails with one row per column that holds nulls (column_name, null_rows), counted for
        every column in one scan of the model: one test per model instead of a not_null per
        column, each of which scanned the table again. -#}
    {%- if columns is string or not columns %}
        {{ exceptions.raise_compiler_error("not_null_columns needs a non-empty list of columns, got " ~ columns) }}
    {%- endif %}
    with null_counts as (
        select
            {%- for column in columns %}
            sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ),

    checked_columns as (
        {%- for column in columns %}
        select {{ loop.index }} as column_position, {{ dbt.string_literal(column) }} as column_name
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    null_rows_by_column as (
        select
            checked_columns.column_name,
            case checked_columns.column_position
                {%- for column in columns %}
                when {{ loop.index }} then null_counts.null_rows_{{ loop.index }}
                {%- endfor %}
            end as null_rows
        from null_counts
        cross join checked_columns
    )

    select
        column_name,
        null_rows
    from null_rows_by_column
    where null_rows > 0
{% endtest %}
