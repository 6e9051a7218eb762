{% macro markov_absorption(
    transitions_sql, inputs, tolerance=1e-12, max_iterations=1000, unrolled_rounds=none
) %}
    {#- Conversion probabilities of an absorbing first-order Markov chain, for the chain as
        it is and for the chain with each channel removed (the removal scenarios).

        transitions_sql selects (from_state, to_state, probability, transitions,
        revenue_rub): from `(start)` or a channel to a channel, `(conversion)` or `(null)`;
        probabilities of one from_state sum to 1. In scenario `(base)` every channel
        stays; in scenario <channel> that channel is removed, i.e. every transition into it
        goes to `(null)`.

        Value iteration: v(s) = P(s, conversion) + sum over channels t of P(s, t) * v(t),
        from v = 0, so v after n rounds is the probability of converting within n steps;
        it grows monotonically to the absorption probability, geometrically at the rate of
        the chain's spectral radius (< 1: every state reaches an absorbing one). Rounds
        stop when the largest change of any (scenario, state) is below `tolerance`. Each
        round is one join and one group-by over scenarios x transitions.

        Returns {'transitions': ..., 'absorption': ...}, two relations to select from
        (`from {{ chain.absorption }}`, no alias):
        the transitions, and (scenario, state, conversion_probability) for every scenario
        and every state left in it. On a run they are tables next to the model (drop them
        in a post-hook). When the relations transitions_sql reads (`inputs`) cannot be
        queried while compiling (a unit test, whose inputs are CTEs; sqlfluff or
        `dbt compile` before they are built), the same round is instead unrolled
        `unrolled_rounds` times in one query: exact for the small acyclic chains of unit
        tests, which converge in path-length rounds. -#}
    {%- set unrolled_rounds = unrolled_rounds or markov_unrolled_rounds() -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(markov_absorption_unrolled(transitions_sql, unrolled_rounds)) }}
    {%- endif -%}
    {%- if execute and flags.WHICH not in ['run', 'build'] -%}
        {#- compile, docs generate, show: no scratch tables outside a real run -#}
        {{ return(markov_absorption_unrolled(transitions_sql, unrolled_rounds)) }}
    {%- endif -%}
    {%- if execute -%}
        {%- for input in inputs if load_relation(input) is none -%}
            {%- if loop.first -%}
                {%- do log('markov_absorption: ' ~ input ~ ' is not built, rounds unrolled',
                    info=false) -%}
                {{ return(markov_absorption_unrolled(transitions_sql, unrolled_rounds)) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set transitions = api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__transitions', type='table'
    ) -%}
    {%- set absorption = transitions.incorporate(
        path={'identifier': this.identifier ~ '__absorption'}
    ) -%}
    {%- if not execute -%}
        {{ return({'transitions': transitions, 'absorption': absorption}) }}
    {%- endif -%}
    {%- set next_absorption = transitions.incorporate(
        path={'identifier': this.identifier ~ '__absorption_next'}
    ) -%}
    {%- do adapter.drop_relation(transitions) -%}
    {%- do adapter.drop_relation(absorption) -%}
    {%- do run_query(get_create_table_as_sql(False, transitions, transitions_sql)) -%}
    {%- do run_query(get_create_table_as_sql(False, absorption,
        markov_absorption_start_sql(transitions))) -%}
    {%- for round in range(max_iterations) -%}
        {%- do adapter.drop_relation(next_absorption) -%}
        {%- do run_query(get_create_table_as_sql(False, next_absorption,
            markov_absorption_round_sql(transitions, absorption))) -%}
        {%- set change = run_query(
            'select coalesce(max(abs(next_absorption.conversion_probability'
            ~ ' - absorption.conversion_probability)), 0) from ' ~ next_absorption
            ~ ' as next_absorption inner join ' ~ absorption ~ ' as absorption'
            ~ ' on next_absorption.scenario = absorption.scenario'
            ~ ' and next_absorption.state = absorption.state'
        ).columns[0].values()[0] | float -%}
        {%- do adapter.drop_relation(absorption) -%}
        {%- do adapter.rename_relation(next_absorption, absorption) -%}
        {%- if change < tolerance -%}
            {%- do log('markov_absorption: converged after ' ~ (round + 1)
                ~ ' rounds (last change ' ~ change ~ ')', info=false) -%}
            {{ return({'transitions': transitions, 'absorption': absorption}) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        'markov_absorption: no convergence after ' ~ max_iterations ~ ' rounds'
    ) }}
{% endmacro %}


{% macro markov_absorption_unrolled(transitions_sql, rounds) %}
    {#- The rounds of markov_absorption chained as CTEs of one query (for unit tests). Each
        round's CTE is materialized where the engine allows it: DuckDB's planner inlines
        the chain and its planning time doubles with every round. -#}
    {%- set absorption -%}
        (
            with

            transitions as (
                select * from ({{ transitions_sql }}) as transitions_query
            ),

            absorption_0 as (
                {{ markov_absorption_start_sql('transitions') }}
            ),
            {%- for round in range(1, rounds + 1) %}

            absorption_{{ round }} as {{ markov_materialized_cte() }} (
                {{ markov_absorption_round_sql('transitions', 'absorption_' ~ (round - 1)) }}
            ){{ ',' if not loop.last }}
            {%- endfor %}

            select * from absorption_{{ rounds }}
        ) as unrolled_absorption
    {%- endset -%}
    {{ return({
        'transitions': '(' ~ transitions_sql ~ ') as unrolled_transitions',
        'absorption': absorption,
    }) }}
{% endmacro %}


{% macro markov_scenarios_sql(transitions) %}
    {#- `(base)` and one removal scenario per channel (every state but `(start)`). -#}
    select '(base)' as scenario
    union all
    select distinct from_state as scenario
    from {{ transitions }}
    where from_state <> '(start)'
{% endmacro %}


{% macro markov_absorption_start_sql(transitions) %}
    {#- v = 0 for every state of every scenario (a removed channel is no state of its own
        scenario). -#}
    select distinct
        scenarios.scenario,
        transitions.from_state as state,
        cast(0 as double) as conversion_probability
    from {{ transitions }} as transitions
    cross join ({{ markov_scenarios_sql(transitions) }}) as scenarios
    where transitions.from_state <> scenarios.scenario
{% endmacro %}


{% macro markov_absorption_round_sql(transitions, absorption) %}
    {#- One round of value iteration in every scenario: a transition into the removed
        channel or into `(null)` finds no value and counts 0. -#}
    select
        scenarios.scenario,
        transitions.from_state as state,
        {{ exact_sum(
            "transitions.probability * case when transitions.to_state = '(conversion)' then 1"
            ~ " else coalesce(absorption.conversion_probability, 0) end",
            18,
        ) }} as conversion_probability
    from {{ transitions }} as transitions
    cross join ({{ markov_scenarios_sql(transitions) }}) as scenarios
    left join {{ absorption }} as absorption
        on
            scenarios.scenario = absorption.scenario
            and transitions.to_state = absorption.state
    where transitions.from_state <> scenarios.scenario
    group by scenarios.scenario, transitions.from_state
{% endmacro %}



{% macro markov_unrolled_rounds() -%}
    {#- Rounds of the unrolled chain: 20 by default. Spark cannot materialize a CTE and its
        planning time grows steeply with the chain's depth (20 rounds: ~3 min); 8 rounds are
        exact for the unit tests' chains, whose longest path has 3 touches (5 rounds). -#}
    {{ return(adapter.dispatch('markov_unrolled_rounds', 'marketing_warehouse')()) }}
{%- endmacro %}

{% macro default__markov_unrolled_rounds() -%}
    {{ return(20) }}
{%- endmacro %}

{% macro spark__markov_unrolled_rounds() -%}
    {{ return(8) }}
{%- endmacro %}


{% macro markov_materialized_cte() -%}
    {{ return(adapter.dispatch('markov_materialized_cte', 'marketing_warehouse')()) }}
{%- endmacro %}

{% macro default__markov_materialized_cte() -%}
{%- endmacro %}

{% macro duckdb__markov_materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro postgres__markov_materialized_cte() -%}
    materialized
{%- endmacro %}
