{% test sums_to_one(model, column_name, group_by, tolerance=1e-9) %}
    {#- Fails on every group whose values of the column do not sum to 1. -#}
    select
        {{ group_by | join(', ') }},
        sum({{ column_name }}) as total
    from {{ model }}
    group by {{ group_by | join(', ') }}
    having abs(sum({{ column_name }}) - 1) > {{ tolerance }}
{% endtest %}
