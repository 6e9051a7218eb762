{% macro send_id(campaign_id, contact_id, email) -%}
    {#- A send is one campaign to one contact; without a known contact, to one email. -#}
    {{ dbt.hash(
        campaign_id ~ " || '|' || coalesce(" ~ contact_id ~ ", 'email:' || coalesce(" ~ email ~ ", ''))"
    ) }}
{%- endmacro %}
