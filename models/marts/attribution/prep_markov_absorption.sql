{{ config(post_hook="{{ fixed_point_drop_work_tables(['absorption']) }}") }}
{%- set transitions = ref('prep_markov_transitions') -%}
{%- set absorption = fixed_point(
    'absorption',
    start_sql=markov_absorption_start_sql(transitions),
    step=markov_absorption_round,
    residual=markov_absorption_change,
    args={'transitions': transitions},
    tolerance=1e-12,
    max_iterations=1000,
) -%}
with

absorption as (
    select * from {{ absorption }}
)

select * from absorption
