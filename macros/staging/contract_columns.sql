{% macro contract_table(folder) -%}
    {#- The raw_contract() entry of one landing-zone table (`<system>/<table>`). -#}
    {%- for table in raw_contract() if table.table == folder -%}
        {{ return(table) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("contract_table: no table " ~ folder ~ " in the contract") }}
{%- endmacro %}


{% macro contract_enums(folder) -%}
    {#- The structural enums of a table (staged column -> accepted values), for reject_reason:
        a value outside them rejects the row. -#}
    {%- set enums = {} -%}
    {%- for column in contract_table(folder).columns if column.enum -%}
        {%- do enums.update({column.staged_as: column.enum}) -%}
    {%- endfor -%}
    {{ return(enums) }}
{%- endmacro %}


{% macro contract_columns(folder, parsed, transforms={}) -%}
    {#- The typed select list of a table's contract columns, in contract order. A column is
        cast to its contract kind and named as staged, unless `transforms` gives it an
        expression, or a mapping of output column -> expression (a column that is also
        normalized, or that yields more columns). Every column whose kind is parsed is
        recorded in `parsed`, in order, for unparseable_column(). -#}
    {%- set columns = contract_table(folder).columns -%}
    {%- for name in transforms if name not in columns | map(attribute='name') | list -%}
        {{ exceptions.raise_compiler_error(
            "contract_columns: '" ~ name ~ "' is not a column of " ~ folder ~ " in the contract"
        ) }}
    {%- endfor -%}
    {%- set items = [] -%}
    {%- for column in columns -%}
        {%- if column.parse_as not in ['str', 'list<str>'] -%}
            {%- do parsed.append((column.name, column.parse_as)) -%}
        {%- endif -%}
        {%- set transform = transforms.get(column.name) -%}
        {%- if transform is mapping -%}
            {%- for name, expression in transform.items() -%}
                {%- do items.append(expression ~ ' as ' ~ name) -%}
            {%- endfor -%}
        {%- elif transform is not none -%}
            {%- do items.append(transform ~ ' as ' ~ column.staged_as) -%}
        {%- elif column.parse_as == 'list<str>' -%}
            {%- do items.append(column.name) -%}
        {%- else -%}
            {%- do items.append(cast_as(column.name, column.parse_as) ~ ' as ' ~ column.staged_as) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ items | join(',\n        ') }}
{%- endmacro %}


{% macro typed_columns() -%}
    {#- A staging model's columns from its base model: every typed column (the contract's,
        and those the base model derives from them), without the file and check columns.
        A new contract column reaches staging with no edit. -#}
    {{ select_all_except(
        ['_source_file', '_file_date', '_file_row', '_unparseable_column', '_reject_reason', '_is_duplicate']
    ) }}
{%- endmacro %}
