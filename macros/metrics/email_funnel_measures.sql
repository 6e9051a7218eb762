{% macro email_funnel(sends, segment) -%}
    {#- The email funnel over `sends` (rows of int_email_funnel_sends) by day × campaign ×
        brand × specialty × email type × the column `segment`: the counts, then the rates
        with their intervals. -#}
    select
        counted.*,
        {{ email_funnel_rates() }}
    from (
        select
            {{ sends }}.sent_date,
            {{ sends }}.campaign_id,
            {{ sends }}.brand_code,
            {{ sends }}.specialty,
            {{ sends }}.email_type,
            {{ sends }}.{{ segment }},
            {{ email_funnel_measures(sends) }}
        from {{ sends }}
        group by
            {{ sends }}.sent_date,
            {{ sends }}.campaign_id,
            {{ sends }}.brand_code,
            {{ sends }}.specialty,
            {{ sends }}.email_type,
            {{ sends }}.{{ segment }}
    ) as counted
{%- endmacro %}


{% macro email_funnel_measures(sends) -%}
    {#- The counts of the email funnel over int_email_funnel_sends rows. -#}
    count(*) as sent,
    count(case when {{ sends }}.is_delivered then 1 end) as delivered,
    count(case when {{ sends }}.is_bounced then 1 end) as bounced,
    count(case when {{ sends }}.is_opened then 1 end) as unique_opens,
    cast(sum({{ sends }}.opens) as {{ dbt.type_bigint() }}) as total_opens,
    count(case when {{ sends }}.is_clicked then 1 end) as unique_clicks,
    cast(sum({{ sends }}.clicks) as {{ dbt.type_bigint() }}) as total_clicks,
    count(case when {{ sends }}.is_unsubscribed then 1 end) as unsubscribes,
    count(case when {{ sends }}.is_complained then 1 end) as complaints,
    cast(sum({{ sends }}.registrations) as {{ dbt.type_bigint() }}) as registrations
{%- endmacro %}


{% macro email_funnel_rates() -%}
    {#- The funnel's rates (marts.md, "Rates and confidence"), each with its 95% Wilson
        interval; numerators and denominators are the count columns beside them. -#}
    {{ rate_with_interval('delivery_rate', 'delivered', 'sent') }},
    {{ rate_with_interval('open_rate', 'unique_opens', 'delivered') }},
    {{ rate_with_interval('ctr', 'unique_clicks', 'delivered') }},
    {{ rate_with_interval('ctor', 'unique_clicks', 'unique_opens') }},
    {{ rate_with_interval('unsubscribe_rate', 'unsubscribes', 'delivered') }},
    {{ rate_with_interval('registration_rate', 'registrations', 'delivered') }}
{%- endmacro %}
