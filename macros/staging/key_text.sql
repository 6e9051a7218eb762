{% macro raw_tables() -%}
    {#- Every landing-zone table with its base model and primary key, for the models that
        account for raw rows across all tables. -#}
    {{ return([
        {'table': 'esp/campaigns', 'model': 'base_esp__campaigns', 'key': ['campaign_id']},
        {'table': 'esp/events', 'model': 'base_esp__events', 'key': ['event_id']},
        {'table': 'crm/contacts', 'model': 'base_crm__contacts', 'key': ['contact_id']},
        {'table': 'crm/activities', 'model': 'base_crm__activities', 'key': ['activity_id']},
        {'table': 'crm/site_logins', 'model': 'base_crm__site_logins', 'key': ['login_id']},
        {'table': 'crm/leads', 'model': 'base_crm__leads', 'key': ['lead_id']},
        {'table': 'crm/deals', 'model': 'base_crm__deals', 'key': ['deal_id']},
        {'table': 'crm/deal_stages', 'model': 'base_crm__deal_stages', 'key': ['deal_id', 'stage']},
        {'table': 'calltracking/sessions', 'model': 'base_calltracking__sessions', 'key': ['session_id']},
        {'table': 'calltracking/calls', 'model': 'base_calltracking__calls', 'key': ['call_id']},
        {'table': 'calltracking/requests', 'model': 'base_calltracking__requests', 'key': ['request_id']},
        {'table': 'calltracking/ad_costs', 'model': 'base_calltracking__ad_costs',
            'key': ['cost_date', 'utm_source', 'utm_medium', 'utm_campaign']},
    ]) }}
{%- endmacro %}


{% macro key_text(columns) -%}
    {#- A (possibly composite) key as one text value, parts joined by '|'. -#}
    {%- for column in columns -%}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}
