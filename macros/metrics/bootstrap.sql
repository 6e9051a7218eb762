{% macro poisson_weight(unit_id, replicate) -%}
    {#- The Poisson(1) bootstrap weight (0, 1, 2, ...) of one resampling unit in one replicate:
        a uniform in (0, 1) from an md5 hash of (unit_id, replicate), turned into a count by the
        inverse of the Poisson(1) distribution function (cumulative probabilities of 0..8;
        the uniform has a step of 1e-6, so 9 or more never occurs). Deterministic: the same
        unit and replicate give the same weight on every run and engine. -#}
    {%- set cumulative = [
        0.367879441171, 0.735758882343, 0.919698602929, 0.981011843124, 0.996340153173,
        0.999405815182, 0.999916758851, 0.999989750803, 0.999998874797,
    ] -%}
    {%- set uniform -%}
        ((({{ portable_hash_number([unit_id, replicate]) }} % 1000000) + 0.5) / 1000000.0)
    {%- endset -%}
    (
        {%- for probability in cumulative %}
            case when {{ uniform }} >= {{ probability }} then 1 else 0 end
            {{- ' +' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{% macro replicate_numbers() -%}
    {#- A one-column relation `replicate` with 1 .. var('bootstrap_replicates'). -#}
    {{ return(adapter.dispatch('replicate_numbers', 'marketing_warehouse')(
        var('bootstrap_replicates')
    )) }}
{%- endmacro %}

{% macro default__replicate_numbers(replicates) -%}
    select cast(generate_series as integer) as replicate from generate_series(1, {{ replicates }})
{%- endmacro %}

{% macro spark__replicate_numbers(replicates) -%}
    select explode(sequence(1, {{ replicates }})) as replicate
{%- endmacro %}


{% macro portable_hash_number(expressions) -%}
    {#- A number in 0 .. 2^32 - 1 from the md5 of the expressions' text, the same on every
        engine (key_hash is faster but engine-specific). -#}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ return(hex_to_number(dbt.hash(dbt.concat(parts)), 8)) }}
{%- endmacro %}

{% macro hex_to_number(hex_text, digits) -%}
    {{ return(adapter.dispatch('hex_to_number', 'marketing_warehouse')(hex_text, digits)) }}
{%- endmacro %}

{% macro default__hex_to_number(hex_text, digits) -%}
    cast(('0x' || substr({{ hex_text }}, 1, {{ digits }})) as bigint)
{%- endmacro %}

{% macro spark__hex_to_number(hex_text, digits) -%}
    cast(conv(substr({{ hex_text }}, 1, {{ digits }}), 16, 10) as bigint)
{%- endmacro %}


{% macro values_differ(expression) -%}
    {#- Whether the non-null values of `expression` in a group differ by more than rounding:
        1e-9 relative, 1e-12 absolute. Sums of the same doubles added in another order differ
        in their last bits, and that is no variation. False for no values. -#}
    coalesce(
        max({{ expression }}) - min({{ expression }})
        > 1e-9 * greatest(abs(max({{ expression }})), abs(min({{ expression }}))) + 1e-12,
        false
    )
{%- endmacro %}
