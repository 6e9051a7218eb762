{#- One row per CRM lead (a conversion, marts.md "Conversion") with its person, its
    calltracking link, the funnel stages its deal reached and its revenue. A stage counts
    as reached when the deal entered it or any later stage of the funnel (qualified →
    meeting → booking → payment → won), so the funnel never widens. Revenue is the amount
    of the lead's won deals. -#}
with

leads as (
    select * from {{ ref('int_leads_linked') }}
),

calls as (
    select * from {{ ref('stg_calltracking__calls') }}
),

sessions as (
    select * from {{ ref('stg_calltracking__sessions') }}
),

requests as (
    select * from {{ ref('stg_calltracking__requests') }}
),

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

deal_stages as (
    select * from {{ ref('stg_crm__deal_stages') }}
),

components as (
    select * from {{ ref('int_identity_components') }}
),

stage_depth as (
    select
        deal_id,
        max(case stage
            when 'qualified' then 1 when 'meeting' then 2 when 'booking' then 3
            when 'payment' then 4 when 'won' then 5 else 0
        end) as depth
    from deal_stages
    group by deal_id
),

lead_deals as (
    select
        deals.lead_id,
        max(
            case when deals.status = 'won' then 5 else coalesce(stage_depth.depth, 0) end
        ) as depth,
        {{ exact_sum("case when deals.status = 'won' then deals.amount_rub else 0 end") }}
            as revenue_rub,
        count(*) as deals
    from deals
    left join stage_depth
        on deals.deal_id = stage_depth.deal_id
    group by deals.lead_id
),

person_candidates as (
    select
        leads.lead_id,
        coalesce(
            contact_person.person_id,
            phone_person.person_id,
            email_person.person_id,
            cookie_person.person_id,
            caller_person.person_id
        ) as person_id
    from leads
    left join calls
        on leads.call_id = calls.call_id
    left join requests
        on leads.request_id = requests.request_id
    left join sessions
        on coalesce(calls.session_id, requests.session_id) = sessions.session_id
    left join components as contact_person
        on {{ identity_node('contact', 'leads.contact_id') }} = contact_person.node
    left join components as phone_person
        on {{ identity_node('phone', 'leads.phone') }} = phone_person.node
    left join components as email_person
        on {{ identity_node('email', 'leads.email') }} = email_person.node
    left join components as cookie_person
        on {{ identity_node('cookie', 'coalesce(sessions.client_id, requests.client_id)') }}
            = cookie_person.node
    left join components as caller_person
        on {{ identity_node('phone', 'calls.caller_phone') }} = caller_person.node
),

conversions as (
    select
        leads.lead_id,
        person_candidates.person_id,
        leads.contact_id,
        leads.created_at as converted_at,
        {{ utc_to_local('leads.created_at') }} as converted_at_local,
        {{ local_day('leads.created_at') }} as converted_date,
        leads.lead_channel,
        leads.brand_code,
        leads.call_id,
        leads.request_id,
        leads.calltracking_link,
        coalesce(lead_deals.deals, 0) > 0 as has_deal,
        coalesce(lead_deals.depth, 0) >= 1 as reached_qualified,
        coalesce(lead_deals.depth, 0) >= 2 as reached_meeting,
        coalesce(lead_deals.depth, 0) >= 3 as reached_booking,
        coalesce(lead_deals.depth, 0) >= 4 as reached_payment,
        coalesce(lead_deals.depth, 0) >= 5 as reached_won,
        coalesce(lead_deals.revenue_rub, 0) as revenue_rub
    from leads
    left join person_candidates
        on leads.lead_id = person_candidates.lead_id
    left join lead_deals
        on leads.lead_id = lead_deals.lead_id
)

select * from conversions
