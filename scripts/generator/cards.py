"""The CRM contact cards: which person each describes, its identifiers as typed, and the
card's static attributes (its time-varying state lives in the simulation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..contract import BRANDS, SPECIALTIES
from .common import DAY, SEC, Clock, arrow_ids, format_phones, type_emails, type_emails_styled
from .people import (
    AFFINITY,
    CITIES,
    CITY_P,
    REG_SOURCE_P,
    REG_SOURCES,
    SPECIALTY_P,
    UNKNOWN_SPECIALTY,
    WORKPLACES,
    People,
)


@dataclass
class Cards:
    """Static attributes of the CRM contact cards (time-varying state lives in the simulation)."""

    n: int
    contact_id: np.ndarray
    person: np.ndarray
    is_primary: np.ndarray
    email_raw: np.ndarray
    email_alt_raw: np.ndarray  # the other email for edits
    phone_raw: np.ndarray
    phone_alt_raw: np.ndarray
    email_invalid: np.ndarray
    first: np.ndarray
    last: np.ndarray
    specialty: np.ndarray
    spec_idx: np.ndarray
    workplace: np.ndarray
    city: np.ndarray
    region: np.ndarray
    reg_code: np.ndarray  # 0 moscow, 1 spb, 2 regions
    registered_us: np.ndarray
    reg_source: np.ndarray
    consents: np.ndarray  # bool (n, 6)
    email_status: np.ndarray  # int8 0 valid 1 invalid 2 unsubscribed
    brand_mask: np.ndarray  # int64 bits over BRANDS (+ bit 12 for the unknown brand)
    val_tier: np.ndarray  # 0 high 1 medium 2 low
    open_affinity: np.ndarray  # float, persistent engagement propensity
    shared_card: (
        np.ndarray
    )  # bool: the card carries a clinic reception phone (never edited/deleted)


def _top_k_brands(rng: np.random.Generator, spec_idx: np.ndarray) -> np.ndarray:
    """1-4 brands per card, weighted by specialty affinity (Gumbel top-k), as a bit mask."""
    n = len(spec_idx)
    k = rng.choice([1, 2, 3, 4], size=n, p=[0.35, 0.35, 0.2, 0.1])
    scores = np.log(AFFINITY[spec_idx]) + rng.gumbel(size=(n, len(BRANDS)))
    order = np.argsort(-scores, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(len(BRANDS))[None, :].repeat(n, 0), axis=1)
    chosen = rank < k[:, None]
    return (
        (chosen * (1 << np.arange(len(BRANDS), dtype=np.int64))[None, :])
        .sum(axis=1)
        .astype(np.int64)
    )


def build_cards(
    rng: np.random.Generator,
    people: People,
    n_cards: int,
    n_doctors: int,
    clock: Clock,
    new_share: float,
) -> Cards:
    """Contact cards: one per doctor plus ~3% duplicates, sorted by registration (contact ids in order)."""
    n_dup = n_cards - n_doctors
    dup_person = rng.choice(n_doctors, size=n_dup, replace=False)
    person = np.concatenate([np.arange(n_doctors), dup_person]).astype(np.int64)
    is_primary = np.concatenate([np.ones(n_doctors, bool), np.zeros(n_dup, bool)])
    # registration: ~3 years before start, a share during the period
    start = clock.day_start(0)
    is_new = rng.random(n_cards) < new_share
    old_reg = start - (rng.integers(1, 3 * 365 * 86_400, n_cards)) * SEC
    new_day = rng.integers(0, clock.days, n_cards)
    new_reg = clock.day_start(new_day) + rng.integers(7 * 3600, 22 * 3600, n_cards) * SEC
    reg = np.where(is_new, new_reg, old_reg)
    # the primary card of a person registered first
    pri_reg = reg[:n_doctors]
    dup_reg = reg[n_doctors:]
    swap = dup_reg < pri_reg[dup_person]
    lo = np.minimum(dup_reg, pri_reg[dup_person])
    hi = np.maximum(dup_reg, pri_reg[dup_person])
    hi = np.where(hi - lo < DAY, lo + DAY + rng.integers(0, 3600, n_dup) * SEC, hi)
    pri_reg[dup_person] = lo
    reg[n_doctors:] = hi
    del swap
    order = np.argsort(reg, kind="stable")
    person, is_primary, reg = person[order], is_primary[order], reg[order]
    n = n_cards
    contact_id = arrow_ids("C", np.arange(1, n + 1), 6).to_numpy(zero_copy_only=False)

    dup_kind_b = (
        rng.random(n) < 0.4
    )  # same email typed differently (else another email, same phone)
    e1, e2 = people.email1[person], people.email2[person]
    p1, p2 = people.phone1[person], people.phone2[person]
    email_canon = np.where(is_primary | dup_kind_b, e1, e2)
    email_alt = np.where(is_primary | dup_kind_b, e2, e1)
    styles = np.where(rng.random(n) < 0.2, rng.integers(1, 5, n), 0)
    styles = np.where(~is_primary & dup_kind_b, rng.integers(1, 5, n), styles)
    email_raw = type_emails_styled(email_canon, styles)
    email_alt_raw = type_emails(rng, email_alt, 0.2)
    phone_canon = np.where(is_primary | ~dup_kind_b, p1, p2)
    phone_raw = format_phones(rng, phone_canon)
    phone_alt_raw = format_phones(rng, np.where(is_primary | ~dup_kind_b, p2, p1))
    phone_raw[rng.random(n) < 0.07] = None
    # shared clinic reception phones: 6-12 primary cards (different persons) each
    prim_idx = np.flatnonzero(is_primary)
    sizes = rng.integers(6, 13, len(people.shared_phones))
    take = rng.choice(prim_idx, size=min(int(sizes.sum()), len(prim_idx)), replace=False)
    owners = np.repeat(people.shared_phones, sizes)[: len(take)]
    phone_raw[take] = format_phones(rng, owners)
    # a few invalid identifiers
    bad_e = rng.random(n) < 0.004
    email_raw[bad_e] = np.array(
        [
            e.replace("@", ".", 1) if i % 2 == 0 else e.rsplit(".", 1)[0].replace(".", "")
            for i, e in enumerate(email_canon[bad_e])
        ],
        dtype=object,
    )
    shared_card = np.zeros(n, bool)
    shared_card[take] = True
    bad_p = (rng.random(n) < 0.004) & ~shared_card
    phone_raw[bad_p] = np.array(
        [
            f"+7 (9{int(a):02d}) {int(b):03d}-{int(c):02d}"
            for a, b, c in zip(
                rng.integers(0, 99, bad_p.sum()),
                rng.integers(0, 999, bad_p.sum()),
                rng.integers(0, 99, bad_p.sum()),
            )
        ],
        dtype=object,
    )

    spec_idx = rng.choice(len(SPECIALTIES), size=n, p=SPECIALTY_P)
    specialty = np.array(SPECIALTIES, dtype=object)[spec_idx]
    specialty[rng.choice(n, size=2, replace=False)] = UNKNOWN_SPECIALTY
    workplace = rng.choice(WORKPLACES, size=n, p=[0.5, 0.3, 0.05, 0.15])
    workplace = np.where(spec_idx == SPECIALTIES.index("pharmacist"), "pharmacy", workplace).astype(
        object
    )
    ci = rng.choice(len(CITIES), size=n, p=CITY_P)
    city = np.array([c[0] for c in CITIES], dtype=object)[ci]
    region = np.array([c[1] for c in CITIES], dtype=object)[ci]
    reg_code = np.minimum(ci, 2)
    consents = np.stack([rng.random(n) < p for p in (0.92, 0.4, 0.35, 0.3, 0.98, 0.25)], axis=1)
    email_status = np.zeros(n, dtype=np.int8)
    unsub = ~is_new & (rng.random(n) < 0.04)
    email_status[unsub] = 2
    consents[unsub, 0] = False
    email_status[bad_e | (rng.random(n) < 0.01)] = 1
    brand_mask = _top_k_brands(rng, spec_idx)
    brand_mask[rng.choice(n, size=2, replace=False)] |= 1 << len(BRANDS)
    val_tier = rng.choice(3, size=n, p=[0.2, 0.4, 0.4])
    affinity = np.clip(rng.lognormal(0, 0.35, n), 0.4, 2.0)
    return Cards(
        n,
        contact_id,
        person,
        is_primary,
        email_raw,
        email_alt_raw,
        phone_raw,
        phone_alt_raw,
        bad_e,
        people.first[person],
        people.last[person],
        specialty,
        spec_idx,
        workplace,
        city,
        region,
        reg_code,
        reg,
        rng.choice(REG_SOURCES, size=n, p=REG_SOURCE_P),
        consents,
        email_status,
        brand_mask,
        val_tier,
        affinity,
        shared_card,
    )
