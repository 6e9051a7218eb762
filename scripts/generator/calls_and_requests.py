"""calltracking/calls (from sessions and to offline numbers) and calltracking/requests (forms, callbacks, chats)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .ad_catalog import OFFLINE
from .cards import Cards
from .common import (
    DAY,
    MSK,
    SEC,
    Clock,
    Counter,
    arrow_ids,
    format_phones,
    make_ids,
    normalize_phones_arrow,
    rand_time_in_day,
    type_emails,
)
from .people import KIND_DOCTOR, KIND_OFFLINE, KIND_PROSPECT, People
from .sessions import Visits


def shared_phone_of_person(people: People, cards: Cards) -> np.ndarray:
    """10-digit clinic phone on each person's card (0 when their card has a personal phone)."""
    out = np.zeros(len(people.kind), np.int64)
    norm = normalize_phones_arrow(pa.array(cards.phone_raw, pa.string(), from_pandas=True))
    at = pc.index_in(norm, value_set=arrow_ids("+7", people.shared_phones, 10))
    hit = pc.is_valid(at).to_numpy(zero_copy_only=False)
    out[cards.person[hit]] = people.shared_phones[at.filter(pc.is_valid(at)).to_numpy()]
    return out


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
