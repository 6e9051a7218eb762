{#- Value iteration of the absorbing Markov chain of prep_markov_transitions, in every
    removal scenario, run to convergence by fixed_point in prep_markov_absorption:
    v(s) = P(s, conversion) + sum over channels t of P(s, t) * v(t), from v = 0, so v after
    n rounds is the probability of converting within n steps; it grows monotonically to
    the absorption probability, geometrically at the rate of the chain's spectral radius
    (< 1: every state reaches an absorbing one). -#}

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


{% macro markov_absorption_round(absorption, transitions) %}
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


{% macro markov_absorption_change(previous, current) %}
    {#- The largest change of any (scenario, state) in a round. -#}
    select
        max(abs(current_absorption.conversion_probability
        - previous_absorption.conversion_probability))
    from {{ current }} as current_absorption
    inner join {{ previous }} as previous_absorption
        on
            current_absorption.scenario = previous_absorption.scenario
            and current_absorption.state = previous_absorption.state
{% endmacro %}
