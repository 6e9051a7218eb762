"""Calltracking (sessions, calls, requests, ad costs) and the CRM sales side (leads, deals, stages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..contract import BRANDS, TABLES_BY_FOLDER
from .common import (
    DAY,
    MSK,
    NULL_TS,
    SEC,
    Clock,
    Counter,
    arrow_ids,
    diurnal_time,
    format_phones,
    make_ids,
    normalize_phones,
    rand_time_in_day,
    type_emails,
)
from .people import KIND_ANON, KIND_DOCTOR, KIND_OFFLINE, KIND_PROSPECT, Cards, People
from .spool import TableSpool

COLS = {
    name: tuple(c for c, _ in TABLES_BY_FOLDER[name].columns)
    for name in (
        "calltracking/sessions",
        "calltracking/calls",
        "calltracking/requests",
        "calltracking/ad_costs",
        "crm/leads",
        "crm/deals",
        "crm/deal_stages",
    )
}

SEARCH_TERMS = np.array(
    [
        "препарат от давления",
        "лечение гастрита",
        "инструкция по применению",
        "клинические рекомендации",
        "вебинар для врачей",
        "дозировка детям",
        None,
    ],
    dtype=object,
)
REFERRALS = np.array(
    [
        "https://medvestnik.ru/",
        "https://rosmedportal.com/",
        "https://vrachirf.ru/",
        "https://pubmed.ncbi.nlm.nih.gov/",
        "https://www.rlsnet.ru/",
    ],
    dtype=object,
)
ENGINES = np.array(
    [
        "https://yandex.ru/",
        "https://www.google.com/",
        "https://go.mail.ru/",
        "https://www.bing.com/",
    ],
    dtype=object,
)
AD_CONTENT = np.array([None] + [f"ad_{k}" for k in range(1, 30)], dtype=object)
LANDINGS = np.array([f"https://pharma.example/{b}" for b in BRANDS], dtype=object)
CHANNELS = (
    "paid_search",
    "paid_social",
    "display",
    "affiliate",
    "messenger",
    "organic",
    "referral",
    "direct",
)
CHANNEL_P = np.array([0.30, 0.12, 0.07, 0.04, 0.04, 0.21, 0.07, 0.15])
OFFLINE = (
    ("offline", "billboard", "billboard_msk_q1", "+74952160001"),
    ("offline", "print", "print_medgazeta", "+74952160002"),
    ("offline", "tv", "tv_spring_flight", "+74952160003"),
    ("offline", "radio", "radio_doctor_fm", "+74952160004"),
)


@dataclass
class AdCatalog:
    """Paid utm triples with their economics (lowercase canonical values)."""

    channel: np.ndarray
    source: np.ndarray
    medium: np.ndarray
    campaign: np.ndarray
    weight: np.ndarray
    unit_cost: np.ndarray
    ctr: np.ndarray
    touched: np.ndarray  # False for spend no session ever carries


EXTRA_CHANNELS = (
    ("paid_search", "yandex", "cpc", "ya_search"),
    ("paid_search", "google", "cpc", "gg_search"),
    ("paid_social", "vk", "cpc", "vk_doctors"),
    ("paid_social", "telegram", "paid_social", "tg_channels"),
    ("display", "adriver", "display", "banner"),
    ("affiliate", "medportal", "affiliate", "partner"),
    ("messenger", "whatsapp", "messenger", "msg"),
)


def build_catalog(rng: np.random.Generator, extra: int = 0) -> AdCatalog:
    """~45 paid triples: search, social, display, affiliate, messenger, plus three never seen on the site;
    then `extra` more (ad groups per brand and channel) for the large presets."""
    rows: list[tuple[str, str, str, str, bool]] = []
    for b in BRANDS[:8]:
        rows.append(("paid_search", "yandex", "cpc", f"ya_search_{b}", True))
    for b in BRANDS[8:]:
        rows.append(("paid_search", "yandex", "cpc", f"ya_rsya_{b}", True))
    for b in BRANDS[:6]:
        rows.append(("paid_search", "google", "cpc", f"gg_search_{b}", True))
    for i, b in enumerate(BRANDS[:6]):
        rows.append(
            ("paid_social", "vk", "cpc" if i % 2 else "paid_social", f"vk_doctors_{b}", True)
        )
    for i, b in enumerate(BRANDS[6:10]):
        rows.append(
            ("paid_social", "telegram", "cpc" if i % 2 else "paid_social", f"tg_channels_{b}", True)
        )
    for i, b in enumerate(BRANDS[:5]):
        rows.append(
            (
                "display",
                "adriver" if i % 2 else "dv360",
                "display" if i % 2 else "cpm",
                f"banner_{b}",
                True,
            )
        )
    for s in ("medportal", "doktornarabote", "vrachirf"):
        rows.append(("affiliate", s, "affiliate", f"partner_{s}_q1", True))
    for s in ("whatsapp", "telegram_bot"):
        rows.append(("messenger", s, "messenger", f"msg_{s}_bot", True))
    rows += [
        ("paid_search", "yandex", "cpc", "ya_search_test_campaign", False),
        ("paid_social", "vk", "cpc", "vk_retarget_archive", False),
        ("display", "adriver", "display", "banner_brand_awareness", False),
    ]
    for k in range(extra):
        ch, src, med, prefix = EXTRA_CHANNELS[k % len(EXTRA_CHANNELS)]
        rows.append(
            (
                ch,
                src,
                med,
                f"{prefix}_{BRANDS[(k // len(EXTRA_CHANNELS)) % len(BRANDS)]}_g{k:05d}",
                True,
            )
        )
    n = len(rows)
    channel = np.array([r[0] for r in rows], dtype=object)
    cost = np.where(
        channel == "display",
        rng.uniform(120, 300, n),
        np.where(channel == "messenger", rng.uniform(5, 15, n), rng.uniform(18, 95, n)),
    )
    return AdCatalog(
        channel,
        np.array([r[1] for r in rows], dtype=object),
        np.array([r[2] for r in rows], dtype=object),
        np.array([r[3] for r in rows], dtype=object),
        rng.lognormal(0, 0.6, n),
        np.round(cost, 2),
        np.where(channel == "display", rng.uniform(0.002, 0.006, n), rng.uniform(0.02, 0.09, n)),
        np.array([r[4] for r in rows]),
    )


def random_case(rng: np.random.Generator, values: np.ndarray, p: float) -> np.ndarray:
    """Now and then upper/capitalize a utm value (matching is case-insensitive)."""
    out = values.copy()
    hit = np.flatnonzero((rng.random(len(values)) < p) & (values != None))  # noqa: E711
    styles = rng.integers(0, 2, len(hit))
    out[hit] = [v.upper() if s else v.capitalize() for v, s in zip(values[hit], styles)]
    return out


@dataclass
class Visits:
    """Sessions with the person behind each one (internal columns)."""

    person: np.ndarray
    ts: np.ndarray
    cols: dict[str, np.ndarray]
    pick: np.ndarray  # catalog row of a paid session, -1 for the others
    numbers: np.ndarray  # session number (session_id is "S" + 8 digits)


def build_sessions(
    rng: np.random.Generator,
    clock: Clock,
    people: People,
    cat: AdCatalog,
    clicks: dict[str, np.ndarray],
    camp_utm: np.ndarray,
    camp_brand: np.ndarray,
    n_sessions: int,
) -> Visits:
    """Site sessions: paid/organic/referral/direct of all kinds of people, plus sessions from email clicks."""
    kinds = people.kind
    pools = {k: np.flatnonzero(kinds == k) for k in (KIND_DOCTOR, KIND_PROSPECT, KIND_ANON)}
    who = rng.choice([KIND_DOCTOR, KIND_PROSPECT, KIND_ANON], size=n_sessions, p=[0.25, 0.25, 0.5])
    person = np.empty(n_sessions, np.int64)
    for k, pool in pools.items():
        sel = who == k
        w = rng.lognormal(0, 1.0, len(pool))
        person[sel] = rng.choice(pool, size=sel.sum(), p=w / w.sum())
    ts = diurnal_time(rng, clock, rng.integers(0, clock.days, n_sessions))
    ch = rng.choice(len(CHANNELS), size=n_sessions, p=CHANNEL_P)
    src = np.full(n_sessions, None, dtype=object)
    pick_all = np.full(n_sessions, -1, np.int32)
    med, camp, content, term, ref = (np.full(n_sessions, None, dtype=object) for _ in range(5))
    for c, name in enumerate(CHANNELS[:5]):
        sel = np.flatnonzero(ch == c)
        rows = np.flatnonzero((cat.channel == name) & cat.touched)
        w = cat.weight[rows] / cat.weight[rows].sum()
        pick = rows[rng.choice(len(rows), size=len(sel), p=w)]
        src[sel], med[sel], camp[sel] = cat.source[pick], cat.medium[pick], cat.campaign[pick]
        pick_all[sel] = pick
        content[sel] = AD_CONTENT[rng.integers(1, 30, len(sel))]
        if name == "paid_search":
            term[sel] = rng.choice(SEARCH_TERMS, len(sel))
            ref[sel] = np.where(
                cat.source[pick] == "yandex", "https://yandex.ru/", "https://www.google.com/"
            )
        elif name == "paid_social":
            ref[sel] = np.where(cat.source[pick] == "vk", "https://vk.com/", "https://t.me/")
    ref[ch == 5] = rng.choice(ENGINES, (ch == 5).sum(), p=[0.6, 0.3, 0.05, 0.05])
    ref[ch == 6] = rng.choice(REFERRALS, (ch == 6).sum())
    landing = LANDINGS[rng.choice(len(BRANDS), n_sessions)]
    # sessions opened by email clicks (~70% of clicks reach the tag)
    take = np.flatnonzero(rng.random(len(clicks["person"])) < 0.7)
    e_camp = clicks["camp"][take]
    e_n = len(take)
    camp_landing = np.array(
        ["https://pharma.example/" + ("digest" if b is None else b) for b in camp_brand],
        dtype=object,
    )
    person = np.concatenate([person, clicks["person"][take]])
    ts = np.concatenate([ts, clicks["ts"][take] + rng.integers(1, 8, e_n) * SEC])
    src = np.concatenate([src, np.full(e_n, "esp", dtype=object)])
    med = np.concatenate([med, np.full(e_n, "email", dtype=object)])
    camp = np.concatenate([camp, camp_utm[e_camp]])
    content = np.concatenate([content, np.full(e_n, None, dtype=object)])
    term = np.concatenate([term, np.full(e_n, None, dtype=object)])
    ref = np.concatenate(
        [ref, np.where(rng.random(e_n) < 0.3, "https://e.mail.ru/", None).astype(object)]  # type: ignore[call-overload]  # numpy's stubs reject None
    )
    landing = np.concatenate([landing, camp_landing[e_camp]])
    pick_all = np.concatenate([pick_all, np.full(e_n, -1, np.int32)])
    keep = ts < clock.end
    order = np.lexsort((person[keep], ts[keep]))
    sl = lambda a: a[keep][order]  # noqa: E731
    person, ts = sl(person), sl(ts)
    n = len(ts)
    numbers = Counter().take_numbers("S", n)
    cols = {
        "session_id": arrow_ids("S", numbers, 8),
        "client_id": people.pick_cookie(rng, person),
        "started_at": ts,
        "utm_source": random_case(rng, sl(src), 0.03),
        "utm_medium": random_case(rng, sl(med), 0.02),
        "utm_campaign": random_case(rng, sl(camp), 0.01),
        "utm_content": sl(content),
        "utm_term": sl(term),
        "referrer": sl(ref),
        "landing_url": sl(landing),
        "device": rng.choice(
            np.array(["desktop", "mobile", "tablet"], dtype=object), n, p=[0.55, 0.4, 0.05]
        ),
    }
    return Visits(person, ts, cols, sl(pick_all), numbers)


def _msk_text(ts: np.ndarray) -> np.ndarray:
    """'DD.MM.YYYY HH:MM:SS' in Moscow local time."""
    return pd.to_datetime(ts + MSK, unit="us").strftime("%d.%m.%Y %H:%M:%S").to_numpy(dtype=object)


def _caller_phone(
    rng: np.random.Generator,
    people: People,
    cards: Cards,
    person: np.ndarray,
    shared_of_person: np.ndarray,
) -> np.ndarray:
    """A person's phone as 10 digits: personal, second, or the clinic reception phone on their card."""
    d10 = np.where(rng.random(len(person)) < 0.8, people.phone1[person], people.phone2[person])
    shared = shared_of_person[person]
    use_shared = (shared > 0) & (rng.random(len(person)) < 0.35)
    return np.where(use_shared, shared, d10)


def build_calls(
    rng: np.random.Generator,
    clock: Clock,
    people: People,
    cards: Cards,
    visits: Visits,
    shared_of_person: np.ndarray,
    n_offline: int,
    rate: float = 1.0,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Calls from sessions (dynamic numbers; rate scales their probability) and to static offline numbers.
    Returns columns and caller persons."""
    kinds = people.kind[visits.person]
    p_call = np.select([kinds == KIND_DOCTOR, kinds == KIND_PROSPECT], [0.015, 0.07], 0.0) * rate
    s = np.flatnonzero(rng.random(len(kinds)) < p_call)
    s_person = visits.person[s]
    s_ts = visits.ts[s] + rng.integers(30, 1200, len(s)) * SEC
    who = rng.choice(
        [KIND_PROSPECT, KIND_OFFLINE, KIND_DOCTOR], size=n_offline, p=[0.5, 0.35, 0.15]
    )
    o_person = np.empty(n_offline, np.int64)
    for k in (KIND_PROSPECT, KIND_OFFLINE, KIND_DOCTOR):
        sel = who == k
        o_person[sel] = rng.choice(np.flatnonzero(people.kind == k), size=sel.sum())
    o_ts = rand_time_in_day(rng, clock, rng.integers(0, clock.days, n_offline), 8, 21)
    o_camp = rng.integers(0, len(OFFLINE), n_offline)
    person = np.concatenate([s_person, o_person])
    ts = np.concatenate([s_ts, o_ts])
    n = len(ts)
    off = np.array(OFFLINE, dtype=object)
    session_id = np.concatenate(
        [make_ids("S", visits.numbers[s], 8), np.full(n_offline, None, dtype=object)]
    )
    src = np.concatenate([visits.cols["utm_source"][s], off[o_camp, 0]])
    med = np.concatenate([visits.cols["utm_medium"][s], off[o_camp, 1]])
    camp = np.concatenate([visits.cols["utm_campaign"][s], off[o_camp, 2]])
    dyn = make_ids("+7495215", rng.integers(0, 40, len(s)), 4)
    tracking = np.concatenate([dyn, off[o_camp, 3]])
    d10 = _caller_phone(rng, people, cards, person, shared_of_person)
    keep = ts < clock.end
    order = np.lexsort((person[keep], ts[keep]))
    sl = lambda a: a[keep][order]  # noqa: E731
    person, ts, d10 = sl(person), sl(ts), sl(d10)
    n = len(ts)
    answered = rng.random(n) < 0.85
    duration = np.where(answered, np.clip(rng.lognormal(np.log(110), 0.9, n), 8, 2400), 0).astype(
        np.int64
    )
    # first call from this number in 30 days
    frame = pd.DataFrame({"p": d10, "t": ts})
    prev = frame.groupby("p")["t"].shift(1)
    unique = (prev.isna() | (frame["t"] - prev > 30 * DAY)).to_numpy()
    cols = {
        "call_id": Counter().take("CL", n, 7),
        "session_id": sl(session_id),
        "caller_phone": format_phones(rng, d10),
        "call_started_at": _msk_text(ts),
        "duration_sec": duration,
        "is_answered": answered,
        "is_unique": unique,
        "is_target": answered & (duration >= 60),
        "utm_source": sl(src),
        "utm_medium": sl(med),
        "utm_campaign": sl(camp),
        "tracking_number": sl(tracking),
        "_ts": ts,
        "_d10": d10,
    }
    return cols, person


def build_requests(
    rng: np.random.Generator, clock: Clock, people: People, visits: Visits
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Web forms, callbacks and chats left during sessions."""
    kinds = people.kind[visits.person]
    p = np.select([kinds == KIND_DOCTOR, kinds == KIND_PROSPECT], [0.008, 0.035], 0.0)
    s = np.flatnonzero(rng.random(len(kinds)) < p)
    person = visits.person[s]
    ts = visits.ts[s] + rng.integers(60, 900, len(s)) * SEC
    keep = ts < clock.end
    s, person, ts = s[keep], person[keep], ts[keep]
    n = len(s)
    rtype = rng.choice(np.array(["form", "callback", "chat"], dtype=object), n, p=[0.5, 0.3, 0.2])
    u = rng.random(n)
    has_phone = np.where(rtype == "callback", True, np.where(rtype == "form", u < 0.85, u < 0.5))
    has_email = np.where(
        rtype == "form", rng.random(n) < 0.6, np.where(rtype == "chat", rng.random(n) < 0.45, False)
    )
    has_email |= ~has_phone
    d10 = np.where(rng.random(n) < 0.8, people.phone1[person], people.phone2[person])
    phone = np.where(has_phone, format_phones(rng, d10), None)  # type: ignore[call-overload]  # numpy's stubs reject None
    em = np.where(rng.random(n) < 0.8, people.email1[person], people.email2[person])
    email = np.where(has_email, type_emails(rng, em, 0.3), None)  # type: ignore[call-overload]  # numpy's stubs reject None
    full = rng.random(n) < 0.4
    name = np.where(
        full,
        np.char.add(
            np.char.add(people.first[person].astype(str), " "), people.last[person].astype(str)
        ).astype(object),
        people.first[person],
    )
    name = np.where(rng.random(n) < 0.1, np.char.lower(name.astype(str)).astype(object), name)
    cols = {
        "request_id": Counter().take("RQ", n, 7),
        "session_id": make_ids("S", visits.numbers[s], 8),
        "client_id": visits.cols["client_id"][s],
        "request_type": rtype,
        "phone": phone,
        "email": email,
        "name": name,
        "created_at": ts,
    }
    return cols, person


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


def build_ad_costs(
    rng: np.random.Generator,
    clock: Clock,
    cat: AdCatalog,
    visits: Visits,
    buf: TableSpool,
    scale: float,
    epoch_day: int,
) -> None:
    """Daily spend per paid triple (clicks >= the sessions the site saw) and offline flights.
    The `date` column is days since 1970 (epoch_day is the first business day's)."""
    days = np.arange(clock.days)
    # sessions per catalog row and day (their utm values differ from the catalog's only in case)
    paid = visits.pick >= 0
    flat = visits.pick[paid].astype(np.int64) * clock.days + clock.msk_day(visits.ts[paid])
    per_day = np.bincount(flat, minlength=len(cat.channel) * clock.days).reshape(
        len(cat.channel), clock.days
    )
    rows: list[dict[str, np.ndarray]] = []
    for i in range(len(cat.channel)):
        seen = per_day[i]
        active = rng.random(clock.days) < (0.97 if cat.touched[i] else 0.6)
        clicks = np.maximum(
            np.ceil(seen * rng.uniform(1.05, 1.6, clock.days)),
            rng.poisson(3 * scale * cat.weight[i], clock.days),
        ).astype(np.int64)
        active |= seen > 0
        impressions = np.ceil(clicks / cat.ctr[i] * rng.uniform(0.8, 1.2, clock.days)).astype(
            np.int64
        )
        cost = np.where(
            cat.channel[i] == "display",
            impressions / 1000 * cat.unit_cost[i],
            clicks * cat.unit_cost[i],
        )
        cost = np.round(cost * rng.uniform(0.9, 1.1, clock.days), 2)
        d = days[active]
        rows.append(
            dict(
                day=d,
                date=d + epoch_day,
                utm_source=np.full(len(d), cat.source[i], dtype=object),
                utm_medium=np.full(len(d), cat.medium[i], dtype=object),
                utm_campaign=np.full(len(d), cat.campaign[i], dtype=object),
                impressions=impressions[active],
                clicks=clicks[active],
                cost_rub=cost[active],
            )
        )
    for src, med, camp, _ in OFFLINE:
        d = days[days % 7 == 0]
        rows.append(
            dict(
                day=d,
                date=d + epoch_day,
                utm_source=np.full(len(d), src, dtype=object),
                utm_medium=np.full(len(d), med, dtype=object),
                utm_campaign=np.full(len(d), camp, dtype=object),
                impressions=rng.integers(50_000, 400_000, len(d)),
                clicks=np.zeros(len(d), np.int64),
                cost_rub=np.round(rng.uniform(80_000, 300_000, len(d)) * max(scale, 0.1), 2),
            )
        )
    # one add: a stable sort by day keeps the order of the rows above within each day
    cols = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    buf.add(cols.pop("day"), **cols)


def shared_phone_of_person(people: People, cards: Cards) -> np.ndarray:
    """10-digit clinic phone on each person's card (0 when their card has a personal phone)."""
    out = np.zeros(len(people.kind), np.int64)
    norm = normalize_phones(pd.Series(cards.phone_raw, dtype="object"))
    shared = {f"+7{p:010d}": p for p in people.shared_phones.tolist()}
    hit = norm.isin(list(shared)).to_numpy()
    out[cards.person[hit]] = [shared[v] for v in norm[hit]]
    return out
