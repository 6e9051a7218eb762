{% macro connected_components(edges, nodes, max_rounds=64, max_jumps=64) %}
    {#- Labels every node with the smallest node of its connected component.

        Each round, every tree of nodes sharing a label hooks onto the smallest label among
        its neighbouring trees, when that label is smaller; then labels jump to their
        label's label until nothing changes (pointer jumping). Only trees that are local
        minima survive a round, so rounds grow with the log of the component size, and
        jumps with the log of the hook chains, even on a long path. The smallest node of a
        component never hooks, so it ends as the label of all its nodes. A round is a join
        of the edges with the labels and a group-by: no pairwise self-join of a component.

        Work tables `<model>__labels_a`, `__labels_b` (the current labels alternate between
        them, no renames) and `__hooks`; the model drops them after use (post-hook). Returns
        the relation holding (node, component). -#}
    {%- set tables = connected_components_work_tables() -%}
    {%- if not execute or flags.WHICH not in ['run', 'build'] -%}
        {#- Compiling (dbt compile, docs, the sqlfluff templater) never runs the loop. -#}
        {{ return(tables.labels_a) }}
    {%- endif -%}
    {%- set state = {'current': tables.labels_a, 'other': tables.labels_b} -%}
    {%- do connected_components_write(tables.labels_a,
        'select distinct node, node as component from ' ~ nodes) -%}
    {%- for round in range(max_rounds) -%}
        {%- do connected_components_write(tables.hooks,
            connected_components_hooks_sql(edges, state.current)) -%}
        {%- if run_query('select count(*) from ' ~ tables.hooks).columns[0].values()[0] == 0 -%}
            {%- do log('connected_components: converged after ' ~ round ~ ' rounds', info=false) -%}
            {{ return(state.current) }}
        {%- endif -%}
        {%- do connected_components_step(state,
            'select labels.node, coalesce(hooks.hook_to, labels.component) as component from '
            ~ state.current ~ ' as labels left join ' ~ tables.hooks
            ~ ' as hooks on labels.component = hooks.root') -%}
        {%- set jumping = {'settled': false} -%}
        {%- for jump in range(max_jumps) if not jumping.settled -%}
            {%- set moved = run_query(
                'select count(*) from ' ~ state.current ~ ' as labels inner join ' ~ state.current
                ~ ' as parent on labels.component = parent.node'
                ~ ' where parent.component <> labels.component'
            ).columns[0].values()[0] -%}
            {%- if moved > 0 -%}
                {%- do connected_components_step(state,
                    'select labels.node, parent.component from ' ~ state.current
                    ~ ' as labels inner join ' ~ state.current
                    ~ ' as parent on labels.component = parent.node') -%}
            {%- else -%}
                {%- do jumping.update({'settled': true}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'connected_components: no convergence after ' ~ max_rounds ~ ' rounds'
    ) }}
{% endmacro %}


{% macro connected_components_work_tables() %}
    {%- set labels_a = api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__labels_a',
        type='table'
    ) -%}
    {{ return({
        'labels_a': labels_a,
        'labels_b': labels_a.incorporate(path={'identifier': this.identifier ~ '__labels_b'}),
        'hooks': labels_a.incorporate(path={'identifier': this.identifier ~ '__hooks'}),
    }) }}
{% endmacro %}


{% macro connected_components_drop_work_tables() %}
    {%- for relation in connected_components_work_tables().values() -%}
        {%- do adapter.drop_relation(relation) -%}
    {%- endfor -%}
{% endmacro %}


{% macro connected_components_write(relation, sql) %}
    {%- do adapter.drop_relation(relation) -%}
    {%- do run_query(get_create_table_as_sql(False, relation, sql)) -%}
{% endmacro %}


{% macro connected_components_step(state, sql) %}
    {#- Writes new labels computed from the current ones into the other table, then swaps. -#}
    {%- do connected_components_write(state.other, sql) -%}
    {%- set previous = state.current -%}
    {%- do state.update({'current': state.other, 'other': previous}) -%}
{% endmacro %}


{% macro connected_components_hooks_sql(edges, labels) %}
    {#- For every label with a smaller label across an edge: the smallest such label. -#}
    with

    crossings as (
        select
            labels_a.component as label_a,
            labels_b.component as label_b
        from {{ edges }} as edges
        inner join {{ labels }} as labels_a on edges.node_a = labels_a.node
        inner join {{ labels }} as labels_b on edges.node_b = labels_b.node
        where labels_a.component <> labels_b.component
    ),

    proposals as (
        select
            greatest(label_a, label_b) as root,
            least(label_a, label_b) as hook_to
        from crossings
    )

    select root, min(hook_to) as hook_to
    from proposals
    group by root
{% endmacro %}
