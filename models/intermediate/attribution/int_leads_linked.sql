{#- Every lead with the calltracking call or request it came from: by the id the CRM
    stored, else (call leads) the nearest call from the lead's phone, or (form, callback
    and chat leads) the nearest request with its phone or email, made at most
    `lead_link_window_minutes` before the lead. -#}
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

calls_by_phone as (
    select
        leads.lead_id,
        calls.call_id,
        row_number() over (
            partition by leads.lead_id
            order by calls.call_started_at desc, calls.call_id asc
        ) as recency
    from leads
    inner join calls
        on
            leads.phone = calls.caller_phone
            and leads.created_at >= calls.call_started_at
            and {{ dbt.dateadd(
                'minute', -var('lead_link_window_minutes'), 'leads.created_at'
            ) }} <= calls.call_started_at
    where leads.calltracking_call_id is null and leads.lead_channel = 'call'
),

requests_by_contact as (
    select
        leads.lead_id,
        requests.request_id,
        row_number() over (
            partition by leads.lead_id
            order by requests.created_at desc, requests.request_id asc
        ) as recency
    from leads
    inner join requests
        on
            (leads.phone = requests.phone or leads.email = requests.email)
            and leads.created_at >= requests.created_at
            and {{ dbt.dateadd(
                'minute', -var('lead_link_window_minutes'), 'leads.created_at'
            ) }} <= requests.created_at
    where
        leads.calltracking_request_id is null
        and leads.lead_channel in ('form', 'callback', 'chat')
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
        on leads.lead_id = calls_by_phone.lead_id and calls_by_phone.recency = 1
    left join requests_by_contact
        on leads.lead_id = requests_by_contact.lead_id and requests_by_contact.recency = 1
)

select * from linked
