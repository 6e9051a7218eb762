{% test dq_checks_within_thresholds(model, status, blocking_only=false) %}
    {#- Fails on every data-quality check of the given status ('warn' or 'error'). Declared
        twice on mart_data_quality, with dbt severity warn and error: the thresholds live
        only in the dq_checks seed. With blocking_only, only the errors that block
        publishing: about what is new in this run, and not acknowledged. -#}
    select *
    from {{ model }}
    where status = '{{ status }}'
    {%- if blocking_only %}
        and blocks_publish
    {%- endif %}
{% endtest %}
