{% test dq_checks_within_thresholds(model, status) %}
    {#- Fails on every data-quality check of the given status ('warn' or 'error'). Declared
        twice on mart_data_quality, with dbt severity warn and error: the thresholds live
        only in the dq_checks seed. -#}
    select *
    from {{ model }}
    where status = '{{ status }}'
{% endtest %}
