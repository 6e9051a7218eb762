"""calltracking/sessions: paid, organic, referral and direct site visits, plus those opened by email clicks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..contract import BRANDS
from .ad_catalog import AdCatalog
from .common import SEC, Clock, Counter, arrow_ids, diurnal_time
from .people import KIND_ANON, KIND_DOCTOR, KIND_PROSPECT, People

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
