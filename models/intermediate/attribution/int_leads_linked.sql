{#- Every lead with the calltracking call or request it came from: by the id the CRM
    stored, else (call leads) the nearest call from the lead's phone, or (form, callback
    and chat leads) the nearest request with its phone or email, made at most
    `lead_link_window_minutes` before the lead. -#}
{%- set link_window = [var('lead_link_window_minutes'), 'minute'] %}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

calls as (
    select * from {{ ref('stg_calltracking__calls') }}
),

requests as (
    select * from {{ ref('stg_calltracking__requests') }}
),

call_leads as (
    select *
    from leads
    where calltracking_call_id is null and lead_channel = 'call'
),

calls_by_phone as (
    {{ latest_earlier_event(
        'call_leads', 'lead_id', 'created_at', 'calls', 'call_started_at', ['call_id'],
        'call_leads.phone = calls.caller_phone', 'calls.call_id asc', link_window
    ) }}
),

request_leads as (
    select *
    from leads
    where calltracking_request_id is null and lead_channel in ('form', 'callback', 'chat')
),

requests_by_contact as (
    {{ latest_earlier_event(
        'request_leads', 'lead_id', 'created_at', 'requests', 'created_at', ['request_id'],
        'request_leads.phone = requests.phone or request_leads.email = requests.email',
        'requests.request_id asc', link_window
    ) }}
),

linked as (
    select
        leads.*,
        coalesce(leads.calltracking_call_id, calls_by_phone.call_id) as call_id,
        coalesce(leads.calltracking_request_id, requests_by_contact.request_id) as request_id,
        case
            when leads.calltracking_call_id is not null or leads.calltracking_request_id is not null
                then 'id'
            when calls_by_phone.call_id is not null or requests_by_contact.request_id is not null
                then 'phone_and_time'
            else 'none'
        end as calltracking_link
    from leads
    left join calls_by_phone
        on leads.lead_id = calls_by_phone.lead_id
    left join requests_by_contact
        on leads.lead_id = requests_by_contact.lead_id
)

select * from linked
