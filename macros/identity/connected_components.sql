{% macro connected_components(edges, nodes, max_iterations=50) %}
    {#- Labels every node with the smallest node of its connected component.

        Min-label propagation with pointer jumping: each round a node takes the smallest
        label among itself and its neighbours, then the label of that label. Labels only
        decrease and stay inside the component, so at the fixed point every node holds its
        component's minimum. A round is two joins and a group-by over the edges (no
        pairwise self-join of a component), and rounds stop as soon as no label changes.
        Returns the relation that holds (node, component). -#}
    {%- set labels = api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__labels',
        type='table'
    ) -%}
    {%- if not execute -%}
        {{ return(labels) }}
    {%- endif -%}
    {%- set next_labels = labels.incorporate(path={'identifier': this.identifier ~ '__labels_next'}) -%}
    {%- do adapter.drop_relation(labels) -%}
    {%- do run_query(get_create_table_as_sql(False, labels,
        'select distinct node, node as component from ' ~ nodes)) -%}
    {%- for round in range(max_iterations) -%}
        {%- do adapter.drop_relation(next_labels) -%}
        {%- do run_query(get_create_table_as_sql(False, next_labels,
            connected_components_round_sql(edges, labels))) -%}
        {%- set changed = run_query(
            'select count(*) from ' ~ next_labels ~ ' as next_labels inner join ' ~ labels
            ~ ' as labels on next_labels.node = labels.node'
            ~ ' where next_labels.component <> labels.component'
        ).columns[0].values()[0] -%}
        {%- do adapter.drop_relation(labels) -%}
        {%- do adapter.rename_relation(next_labels, labels) -%}
        {%- if changed == 0 -%}
            {%- do log('connected_components: converged after ' ~ (round + 1) ~ ' rounds', info=false) -%}
            {{ return(labels) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'connected_components: no convergence after ' ~ max_iterations ~ ' rounds'
    ) }}
{% endmacro %}


{% macro connected_components_round_sql(edges, labels) %}
    with

    candidates as (
        select node, component from {{ labels }}
        union all
        select edges.node_b as node, labels.component
        from {{ edges }} as edges
        inner join {{ labels }} as labels on edges.node_a = labels.node
        union all
        select edges.node_a as node, labels.component
        from {{ edges }} as edges
        inner join {{ labels }} as labels on edges.node_b = labels.node
    ),

    hooked as (
        select node, min(component) as component
        from candidates
        group by node
    )

    select
        hooked.node,
        least(hooked.component, coalesce(parent.component, hooked.component)) as component
    from hooked
    left join hooked as parent on hooked.component = parent.node
{% endmacro %}
