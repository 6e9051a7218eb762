"""The CRM sales side: crm/leads from calls, requests, webinars and visits; crm/deals and crm/deal_stages."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..contract import BRANDS
from .cards import Cards
from .common import NULL_TS, SEC, Clock, Counter, format_phones, rand_time_in_day, type_emails
from .people import KIND_DOCTOR, KIND_OFFLINE, KIND_PROSPECT, People
from .spool import TableSpool


def _contact_for(
    rng: np.random.Generator,
    cards: Cards,
    first_card: np.ndarray,
    person: np.ndarray,
    ts: np.ndarray,
    p_match: float,
    gone_at: np.ndarray,
) -> np.ndarray:
    """The CRM contact a lead gets matched to (None when the person has no card yet or the CRM misses)."""
    card = first_card[person]
    ok = (card >= 0) & (rng.random(len(person)) < p_match)
    safe = np.where(card >= 0, card, 0)
    ok &= (cards.registered_us[safe] < ts) & (gone_at[safe] > ts)
    return np.where(ok, cards.contact_id[safe], None).astype(object)  # type: ignore[call-overload]  # numpy's stubs reject None


def build_leads(
    rng: np.random.Generator,
    clock: Clock,
    people: People,
    cards: Cards,
    calls: dict[str, np.ndarray],
    call_person: np.ndarray,
    requests: dict[str, np.ndarray],
    req_person: np.ndarray,
    wregs: dict[str, np.ndarray],
    n_offline_visits: int,
    gone_at: np.ndarray,
    rate: float = 1.0,
) -> dict[str, np.ndarray]:
    """crm/leads from calls, requests, webinar registrations (rate scales the share that become leads)
    and offline visits."""
    first_card = np.full(len(people.kind), -1, np.int64)
    prim = np.flatnonzero(cards.is_primary)
    first_card[cards.person[prim]] = prim
    parts: list[dict[str, Any]] = []  # columns (arrays) and p_match (a float)
    # calls: target unique calls; the CRM loses the call id for ~20%
    c = np.flatnonzero(
        calls["is_target"] & calls["is_unique"] & (rng.random(len(calls["_ts"])) < 0.7 * rate)
    )
    ts = calls["_ts"][c] + (calls["duration_sec"][c] + rng.integers(60, 900, len(c))) * SEC
    parts.append(
        {
            "ts": ts,
            "person": call_person[c],
            "phone": format_phones(rng, calls["_d10"][c]),
            "email": np.full(len(c), None, dtype=object),
            "channel": np.full(len(c), "call", dtype=object),
            "call_id": np.where(rng.random(len(c)) < 0.8, calls["call_id"][c], None),  # type: ignore[call-overload]  # numpy's stubs reject None
            "req_id": np.full(len(c), None, dtype=object),
            "p_match": 0.85,
        }
    )
    r = np.flatnonzero(rng.random(len(requests["created_at"])) < 0.85 * rate)
    parts.append(
        {
            "ts": requests["created_at"][r] + rng.integers(30, 600, len(r)) * SEC,
            "person": req_person[r],
            "phone": requests["phone"][r],
            "email": requests["email"][r],
            "channel": requests["request_type"][r],
            "call_id": np.full(len(r), None, dtype=object),
            "req_id": np.where(rng.random(len(r)) < 0.9, requests["request_id"][r], None),  # type: ignore[call-overload]  # numpy's stubs reject None
            "p_match": 0.85,
        }
    )
    w = np.flatnonzero(rng.random(len(wregs["idx"])) < 0.15 * rate)
    widx = wregs["idx"][w]
    wper = cards.person[widx]
    parts.append(
        {
            "ts": wregs["ts"][w] + rng.integers(600, 86400, len(w)) * SEC,
            "person": wper,
            "phone": np.where(  # type: ignore[call-overload]  # numpy's stubs reject None
                rng.random(len(w)) < 0.5, format_phones(rng, people.phone1[wper]), None
            ),
            "email": type_emails(rng, people.email1[wper], 0.2),
            "channel": np.full(len(w), "webinar", dtype=object),
            "call_id": np.full(len(w), None, dtype=object),
            "req_id": np.full(len(w), None, dtype=object),
            "p_match": 1.0,
        }
    )
    who = rng.choice(
        [KIND_OFFLINE, KIND_PROSPECT, KIND_DOCTOR], size=n_offline_visits, p=[0.6, 0.25, 0.15]
    )
    o_person = np.empty(n_offline_visits, np.int64)
    for k in (KIND_OFFLINE, KIND_PROSPECT, KIND_DOCTOR):
        sel = who == k
        o_person[sel] = rng.choice(np.flatnonzero(people.kind == k), size=sel.sum())
    parts.append(
        {
            "ts": rand_time_in_day(
                rng, clock, rng.integers(0, clock.days, n_offline_visits), 10, 20
            ),
            "person": o_person,
            "phone": format_phones(rng, people.phone1[o_person]),
            "email": np.full(n_offline_visits, None, dtype=object),
            "channel": np.full(n_offline_visits, "offline_visit", dtype=object),
            "call_id": np.full(n_offline_visits, None, dtype=object),
            "req_id": np.full(n_offline_visits, None, dtype=object),
            "p_match": 0.7,
        }
    )
    contact = [
        _contact_for(rng, cards, first_card, p["person"], p["ts"], p["p_match"], gone_at)
        for p in parts
    ]
    # webinar leads always name the registering card
    contact[2] = cards.contact_id[widx].astype(object)
    cat = lambda k: np.concatenate(  # noqa: E731
        [np.asarray(p[k], dtype=object if k not in ("ts", "person") else np.int64) for p in parts]
    )
    ts, person = cat("ts"), cat("person")
    keep = ts < clock.end
    order = np.argsort(ts[keep], kind="stable")
    sl = lambda a: a[keep][order]  # noqa: E731
    n = int(keep.sum())
    return {
        "lead_id": Counter().take("L", n, 7),
        "created_at": sl(ts),
        "contact_id": sl(np.concatenate(contact)),
        "phone": sl(cat("phone")),
        "email": sl(cat("email")),
        "lead_channel": sl(cat("channel")),
        "calltracking_call_id": sl(cat("call_id")),
        "calltracking_request_id": sl(cat("req_id")),
        "brand_code": rng.choice(np.array(BRANDS, dtype=object), n),
        "_person": sl(person),
    }


def build_deals(
    rng: np.random.Generator,
    clock: Clock,
    leads: dict[str, np.ndarray],
    deals: TableSpool,
    stages: TableSpool,
    rate: float = 1.0,
) -> None:
    """~20% of leads (times rate) become deals; stage history qualified -> ... -> won, or lost on the way."""
    ch = leads["lead_channel"]
    p = (
        np.where(np.isin(ch, ["call", "offline_visit"]), 0.25, np.where(ch == "webinar", 0.1, 0.2))
        * rate
    )
    sel = np.flatnonzero(rng.random(len(ch)) < p)
    n = len(sel)
    created = leads["created_at"][sel] + rng.integers(600, 3 * 86400, n) * SEC
    order = np.argsort(created, kind="stable")
    sel, created = sel[order], created[order]
    ids = Counter().take("D", n, 6)
    advance = np.array([0.7, 0.7, 0.75, 0.85])  # meeting, booking, payment, won
    names = ["qualified", "meeting", "booking", "payment", "won"]
    reached = np.ones(n, np.int64)
    alive = np.ones(n, bool)
    for p_adv in advance:
        step = alive & (rng.random(n) < p_adv)
        alive &= step
        reached += step
    lost = reached < 5
    gaps = (rng.exponential(4 * 86400, (n, 5)) + 3600).astype(np.int64) * SEC
    gaps[:, 0] = 0
    times = created[:, None] + np.cumsum(gaps, axis=1)
    final_ts = np.where(lost, times[np.arange(n), np.minimum(reached, 4)], times[:, 4])
    expected = np.round(np.exp(rng.uniform(np.log(50_000), np.log(2_000_000), n)), -3)
    won_amount = np.round(expected * rng.uniform(0.8, 1.2, n), -2)
    # stage rows
    for k in range(5):
        has = reached > k
        t = times[has, k]
        ok = t < clock.end
        stages.add(
            clock.msk_day(t[ok]),
            deal_id=ids[has][ok],
            stage=np.full(ok.sum(), names[k], dtype=object),
            entered_at=t[ok],
        )
    lt = final_ts[lost]
    ok = lt < clock.end
    stages.add(
        clock.msk_day(lt[ok]),
        deal_id=ids[lost][ok],
        stage=np.full(ok.sum(), "lost", dtype=object),
        entered_at=lt[ok],
    )
    # deal rows: exported at creation (open) and again when closed (newest file wins)
    closed = final_ts < clock.end
    c_day, f_day = clock.msk_day(created), clock.msk_day(final_ts)
    first = created < clock.end
    open_row = first & ~(closed & (f_day == c_day))
    status = np.where(lost, "lost", "won").astype(object)
    base = {
        "deal_id": ids,
        "lead_id": leads["lead_id"][sel],
        "contact_id": leads["contact_id"][sel],
        "created_at": created,
    }
    deals.add(
        c_day[open_row],
        **{k: v[open_row] for k, v in base.items()},
        status=np.full(open_row.sum(), "open", dtype=object),
        amount_rub=expected[open_row],
        closed_at=np.full(open_row.sum(), NULL_TS, np.int64),
    )
    deals.add(
        f_day[closed],
        **{k: v[closed] for k, v in base.items()},
        status=status[closed],
        amount_rub=np.where(lost, expected, won_amount)[closed],
        closed_at=final_ts[closed],
    )
