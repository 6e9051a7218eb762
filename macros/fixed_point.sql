{% macro fixed_point(
    name, start_sql, step, residual, args={}, tolerance=0, max_iterations=64
) %}
    {#- The one loop of the project: iterates x(k+1) = step(x(k)) from x(0) = start_sql
        until residual(x(k), x(k+1)) <= tolerance, and returns the relation holding the
        last x. See macros/_macros.yml. Compiling (dbt compile, docs, show, unit tests, the
        sqlfluff templater) never runs the loop: it returns the relation's name. -#}
    {%- set tables = fixed_point_work_tables(name) -%}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {{ return(tables[0]) }}
    {%- endif -%}
    {%- set loop_name = this.identifier ~ ' / ' ~ name -%}
    {%- set last = {'residual': none} -%}
    {%- do fixed_point_write(tables[0], start_sql) -%}
    {%- for iteration in range(1, max_iterations + 1) -%}
        {%- set previous = tables[(iteration - 1) % 2] -%}
        {%- set current = tables[iteration % 2] -%}
        {%- do fixed_point_write(current, step(previous, **args)) -%}
        {%- set change = run_query(residual(previous, current)).columns[0].values()[0] -%}
        {%- set change = (change or 0) | float -%}
        {%- do last.update({'residual': change}) -%}
        {#- each iteration in dbt's debug log (logs/dbt.log), the outcome on the console -#}
        {%- do log('fixed_point ' ~ loop_name ~ ': iteration ' ~ iteration
            ~ ', residual ' ~ change, info=false) -%}
        {%- if change <= tolerance -%}
            {%- do log('fixed_point ' ~ loop_name ~ ': converged after ' ~ iteration
                ~ ' iterations', info=true) -%}
            {%- do adapter.drop_relation(previous) -%}
            {{ return(current) }}
        {%- endif -%}
    {%- endfor -%}
    {%- do fixed_point_drop_work_tables([name]) -%}
    {{ exceptions.raise_compiler_error(
        'fixed_point ' ~ loop_name ~ ': no convergence after ' ~ max_iterations
        ~ ' iterations (residual ' ~ last.residual ~ ', tolerance ' ~ tolerance ~ ')'
    ) }}
{% endmacro %}


{% macro fixed_point_work_tables(name) %}
    {#- The two tables the iterates alternate between: `<model>__<name>_a` and `_b`. -#}
    {%- set first = api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__' ~ name ~ '_a', type='table'
    ) -%}
    {%- set second = first.incorporate(
        path={'identifier': this.identifier ~ '__' ~ name ~ '_b'}
    ) -%}
    {{ return([first, second]) }}
{% endmacro %}


{% macro fixed_point_drop_work_tables(names) %}
    {#- For the post-hook of the model that read the result. -#}
    {%- for name in names -%}
        {%- for relation in fixed_point_work_tables(name) -%}
            {%- do adapter.drop_relation(relation) -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}


{% macro fixed_point_write(relation, sql) %}
    {%- do adapter.drop_relation(relation) -%}
    {%- do run_query(get_create_table_as_sql(False, relation, sql)) -%}
{% endmacro %}
