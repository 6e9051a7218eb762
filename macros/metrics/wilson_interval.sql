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
