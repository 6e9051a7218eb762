{% macro connected_components(edges, nodes, max_rounds=64, max_jumps=64) %}
    {#- Labels every node with the smallest node of its connected component.

        Each round, every tree of nodes sharing a label hooks onto the smallest label among
        its neighbouring trees, when that label is smaller; then labels jump to their
        label's label until nothing changes (pointer jumping). Only trees that are local
        minima survive a round, so rounds grow with the log of the component size, and
        jumps with the log of the hook chains, even on a long path. The smallest node of a
        component never hooks, so it ends as the label of all its nodes. A round is a join
        of the edges with the labels and a group-by: no pairwise self-join of a component.

        Rounds and jumps are two nested fixed points (macro fixed_point) over the work
        tables `<model>__labels_*` and `<model>__jumps_*`, which the model drops after use
        (post-hook connected_components_drop_work_tables). Returns the relation holding
        (node, component). -#}
    {{ return(fixed_point(
        'labels',
        start_sql='select distinct node, node as component from ' ~ nodes,
        step=connected_components_round,
        residual=connected_components_changed,
        args={'edges': edges, 'max_jumps': max_jumps},
        max_iterations=max_rounds,
    )) }}
{% endmacro %}


{% macro connected_components_drop_work_tables() %}
    {%- do fixed_point_drop_work_tables(['labels', 'jumps']) -%}
{% endmacro %}


{% macro connected_components_round(labels, edges, max_jumps) %}
    {#- One round: hooking, then pointer jumping to its own fixed point. -#}
    {%- set jumped = fixed_point(
        'jumps',
        start_sql=connected_components_hooked_sql(edges, labels),
        step=connected_components_jump,
        residual=connected_components_changed,
        max_iterations=max_jumps,
    ) -%}
    {{ return('select node, component from ' ~ jumped) }}
{% endmacro %}


{% macro connected_components_jump(labels) %}
    select
        labels.node,
        parent.component
    from {{ labels }} as labels
    inner join {{ labels }} as parent on labels.component = parent.node
{% endmacro %}


{% macro connected_components_changed(previous, current) %}
    {#- Nodes whose label changed (every iterate holds the same nodes). -#}
    select count(*)
    from {{ current }} as current_labels
    inner join {{ previous }} as previous_labels
        on current_labels.node = previous_labels.node
    where current_labels.component <> previous_labels.component
{% endmacro %}


{% macro connected_components_hooked_sql(edges, labels) %}
    {#- Every label with a smaller label across an edge moves to the smallest such label. -#}
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
    ),

    hooks as (
        select
            root,
            min(hook_to) as hook_to
        from proposals
        group by root
    )

    select
        labels.node,
        coalesce(hooks.hook_to, labels.component) as component
    from {{ labels }} as labels
    left join hooks on labels.component = hooks.root
{% endmacro %}
