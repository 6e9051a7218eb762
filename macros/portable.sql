{% macro unnest_list(column) -%}
    {#- One row per element of a list column (a table function in the select list). -#}
    {{ return(adapter.dispatch('unnest_list', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__unnest_list(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro spark__unnest_list(column) -%}
    explode({{ column }})
{%- endmacro %}


{% macro empty_text_list() -%}
    {{ return(adapter.dispatch('empty_text_list', 'marketing_warehouse')()) }}
{%- endmacro %}

{% macro default__empty_text_list() -%}
    cast([] as varchar[])
{%- endmacro %}

{% macro spark__empty_text_list() -%}
    cast(array() as array<string>)
{%- endmacro %}


{% macro list_size(column) -%}
    {{ return(adapter.dispatch('list_size', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__list_size(column) -%}
    len({{ column }})
{%- endmacro %}

{% macro spark__list_size(column) -%}
    size({{ column }})
{%- endmacro %}


{% macro date_series(start_date, end_date) -%}
    {#- A one-column relation `date_day` with every day from start_date to end_date. -#}
    {{ return(adapter.dispatch('date_series', 'marketing_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date) -%}
    select cast(generate_series as date) as date_day
    from generate_series(cast('{{ start_date }}' as date), cast('{{ end_date }}' as date), interval 1 day)
{%- endmacro %}

{% macro spark__date_series(start_date, end_date) -%}
    select explode(sequence(to_date('{{ start_date }}'), to_date('{{ end_date }}'))) as date_day
{%- endmacro %}


{% macro text_list(values) -%}
    {{ return(adapter.dispatch('text_list', 'marketing_warehouse')(values)) }}
{%- endmacro %}

{% macro default__text_list(values) -%}
    [{% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %}]
{%- endmacro %}

{% macro spark__text_list(values) -%}
    array({% for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}


{% macro half_year_start(date_column) -%}
    {#- 1 January or 1 July of the date's year. -#}
    cast({{ dbt.dateadd(
        'month',
        "case when extract(month from " ~ date_column ~ ") > 6 then 6 else 0 end",
        dbt.date_trunc('year', date_column),
    ) }} as date)
{%- endmacro %}


{% macro not_materialized() -%}
    {#- For a CTE read more than once: asks the engine to inline it into each reader, so each
        reads only the columns it needs, instead of first writing every column of every row
        (DuckDB materializes such a CTE by default). -#}
    {{ return(adapter.dispatch('not_materialized', 'marketing_warehouse')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}


{% macro list_to_text(column) -%}
    {#- A list of text as one text: its elements sorted, comma-separated ('' when empty). -#}
    {{ return(adapter.dispatch('list_to_text', 'marketing_warehouse')(column)) }}
{%- endmacro %}

{% macro default__list_to_text(column) -%}
    array_to_string(list_sort({{ column }}), ',')
{%- endmacro %}

{% macro spark__list_to_text(column) -%}
    array_join(array_sort({{ column }}), ',')
{%- endmacro %}


{% macro list_contains(column, value) -%}
    {#- True when the list column holds the value. -#}
    {{ return(adapter.dispatch('list_contains', 'marketing_warehouse')(column, value)) }}
{%- endmacro %}

{% macro default__list_contains(column, value) -%}
    list_contains({{ column }}, {{ value }})
{%- endmacro %}

{% macro spark__list_contains(column, value) -%}
    array_contains({{ column }}, {{ value }})
{%- endmacro %}


{% macro percentile_value(expression, fraction) -%}
    {#- The interpolated `fraction` quantile of expression over a group (an aggregate). -#}
    {{ return(adapter.dispatch('percentile_value', 'marketing_warehouse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_value(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_value(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
