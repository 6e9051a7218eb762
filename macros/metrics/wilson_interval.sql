{% macro wilson_bound(successes, trials, side, z=1.959963984540054) -%}
    {#- One bound of the Wilson score interval of successes / trials (95% by default);
        null when there are no trials, or when successes exceed trials (then the ratio is
        not a proportion: clicks without a tracked open for ctor, repeat registrations). -#}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case
        when {{ trials }} > 0 and {{ successes }} between 0 and {{ trials }} then
            (
                cast({{ successes }} as double) / {{ trials }}
                + {{ z }} * {{ z }} / (2.0 * {{ trials }})
                {{ sign }} {{ z }} * sqrt(
                    (cast({{ successes }} as double) / {{ trials }})
                    * (1 - cast({{ successes }} as double) / {{ trials }}) / {{ trials }}
                    + {{ z }} * {{ z }} / (4.0 * {{ trials }} * {{ trials }})
                )
            ) / (1 + {{ z }} * {{ z }} / {{ trials }})
    end
{%- endmacro %}


{% macro rate_with_interval(name, successes, trials) -%}
    {#- `<name>`, `<name>_ci_low`, `<name>_ci_high`: a rate, null on a zero denominator,
        with its 95% Wilson interval. -#}
    {{ safe_divide(successes, trials) }} as {{ name }},
    {{ wilson_bound(successes, trials, 'low') }} as {{ name }}_ci_low,
    {{ wilson_bound(successes, trials, 'high') }} as {{ name }}_ci_high
{%- endmacro %}


{% macro safe_divide(numerator, denominator, scale=1) -%}
    {#- numerator / denominator, null (never infinite) when the denominator is 0 or null. -#}
    case
        when {{ denominator }} <> 0
            then cast({{ numerator }} as double) {{ '* ' ~ scale if scale != 1 }} / {{ denominator }}
    end
{%- endmacro %}


{% macro newcombe_bound(successes_1, trials_1, successes_2, trials_2, side) -%}
    {#- One bound of Newcombe's hybrid score interval (his method 10) for the difference of two
        proportions successes_1 / trials_1 − successes_2 / trials_2, built from each one's
        95% Wilson interval; null when either has no trials. Trials may be fractional (an
        effective sample size). -#}
    {%- set p1 = 'cast(' ~ successes_1 ~ ' as double) / ' ~ trials_1 -%}
    {%- set p2 = 'cast(' ~ successes_2 ~ ' as double) / ' ~ trials_2 -%}
    {%- if side == 'low' -%}
        {%- set gap_1 = p1 ~ ' - ' ~ wilson_bound(successes_1, trials_1, 'low') -%}
        {%- set gap_2 = wilson_bound(successes_2, trials_2, 'high') ~ ' - ' ~ p2 -%}
    {%- else -%}
        {%- set gap_1 = wilson_bound(successes_1, trials_1, 'high') ~ ' - ' ~ p1 -%}
        {%- set gap_2 = p2 ~ ' - ' ~ wilson_bound(successes_2, trials_2, 'low') -%}
    {%- endif -%}
    case
        when {{ trials_1 }} > 0 and {{ trials_2 }} > 0 then
            {{ p1 }} - {{ p2 }}
            {{ '-' if side == 'low' else '+' }} sqrt(
                power({{ gap_1 }}, 2) + power({{ gap_2 }}, 2)
            )
    end
{%- endmacro %}
