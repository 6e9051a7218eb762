{% macro enum_values(folder, column) -%}
    {#- Structural enums of the landing-zone contract (raw_exports.md): a value outside them
        rejects the row. Mirrors scripts/contract.py (a test keeps them equal). -#}
    {%- set enums = {
        'esp/campaigns': {'email_type': ['activation', 'digest', 'webinar_invitation', 'trigger']},
        'esp/events': {'event_type': [
            'sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'
        ]},
        'crm/contacts': {'activity_segment': ['new', 'active', 'at_risk', 'churned']},
        'crm/activities': {'activity_type': [
            'webinar_registration', 'webinar_attendance', 'content_download', 'sample_request'
        ]},
        'crm/leads': {'lead_channel': ['call', 'callback', 'form', 'chat', 'webinar', 'offline_visit']},
        'crm/deals': {'status': ['open', 'won', 'lost']},
        'crm/deal_stages': {'stage': ['qualified', 'meeting', 'booking', 'payment', 'won', 'lost']},
        'calltracking/requests': {'request_type': ['form', 'callback', 'chat']},
    } -%}
    {{ return(enums[folder][column]) }}
{%- endmacro %}
