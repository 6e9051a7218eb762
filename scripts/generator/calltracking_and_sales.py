"""The calltracking and sales side of a run: sessions, calls, requests, leads, deals and ad costs,
drawn after the CRM + ESP simulation (email clicks and webinar registrations feed them)."""

from __future__ import annotations

import numpy as np

from .ad_catalog import build_catalog
from .ad_costs import build_ad_costs
from .calls_and_requests import build_calls, build_requests, shared_phone_of_person
from .cards import Cards
from .common import Clock
from .crm_esp import SimOutput
from .esp_campaigns import Campaigns
from .leads_and_deals import build_deals, build_leads
from .people import People
from .presets import Volumes
from .sessions import build_sessions
from .spool import TableSpool


def simulate_calltracking_and_sales(
    rng: np.random.Generator,
    clock: Clock,
    people: People,
    cards: Cards,
    campaigns: Campaigns,
    sim: SimOutput,
    spools: dict[str, TableSpool],
    volumes: Volumes,
    vol: float,
    epoch_day: int,
) -> None:
    """Add the rows of these tables to their spools. vol: the run's size relative to the demo's
    3,000 contacts x 90 days; epoch_day: days since 1970 of day 0."""
    catalog = build_catalog(rng, volumes.extra_ad_campaigns)
    visits = build_sessions(
        rng,
        clock,
        people,
        catalog,
        sim.email_clicks,
        campaigns.utm,
        campaigns.brand,
        round(22_000 * vol * volumes.sessions),
    )
    shared_of = shared_phone_of_person(people, cards)
    calls, call_person = build_calls(
        rng,
        clock,
        people,
        cards,
        visits,
        shared_of,
        round(450 * vol * volumes.offline_calls),
        volumes.call_rate,
    )
    requests, req_person = build_requests(rng, clock, people, visits)
    # when each card left the CRM (removed, or deleted in its history): leads no longer match it
    gone_at = np.full(cards.n, np.iinfo(np.int64).max, np.int64)
    gone_at[sim.removals["idx"]] = sim.removals["ts"]
    deleted = sim.history["deleted"]
    np.minimum.at(gone_at, sim.history["idx"][deleted], sim.history["ts"][deleted])
    leads = build_leads(
        rng,
        clock,
        people,
        cards,
        calls,
        call_person,
        requests,
        req_person,
        sim.webinar_regs,
        round(280 * vol * volumes.offline_visits),
        gone_at,
        volumes.lead_rate,
    )
    build_deals(
        rng, clock, leads, spools["crm/deals"], spools["crm/deal_stages"], volumes.deal_rate
    )
    build_ad_costs(rng, clock, catalog, visits, spools["calltracking/ad_costs"], vol, epoch_day)
    spools["crm/leads"].add(clock.msk_day(leads["created_at"]), **leads)
    spools["calltracking/sessions"].add(clock.msk_day(visits.cols["started_at"]), **visits.cols)
    spools["calltracking/calls"].add(clock.msk_day(calls["_ts"]), **calls)
    spools["calltracking/requests"].add(clock.msk_day(requests["created_at"]), **requests)
