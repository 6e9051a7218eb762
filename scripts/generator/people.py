"""True persons, their identifiers, and the CRM contact cards that describe some of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import BRANDS, SPECIALTIES
from .common import (
    DAY,
    SEC,
    Clock,
    arrow_ids,
    format_phones,
    type_emails,
    type_emails_styled,
    unique_perm,
)

FIRST_M = [
    ("Алексей", "aleksey"),
    ("Андрей", "andrey"),
    ("Дмитрий", "dmitry"),
    ("Сергей", "sergey"),
    ("Иван", "ivan"),
    ("Михаил", "mikhail"),
    ("Николай", "nikolay"),
    ("Павел", "pavel"),
    ("Владимир", "vladimir"),
    ("Игорь", "igor"),
    ("Олег", "oleg"),
    ("Артём", "artem"),
]
FIRST_F = [
    ("Анна", "anna"),
    ("Елена", "elena"),
    ("Ольга", "olga"),
    ("Наталья", "natalya"),
    ("Татьяна", "tatyana"),
    ("Мария", "maria"),
    ("Ирина", "irina"),
    ("Светлана", "svetlana"),
    ("Екатерина", "ekaterina"),
    ("Юлия", "yulia"),
    ("Марина", "marina"),
    ("Дарья", "darya"),
]
LAST = [
    ("Иванов", "ivanov"),
    ("Смирнов", "smirnov"),
    ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"),
    ("Васильев", "vasiliev"),
    ("Петров", "petrov"),
    ("Соколов", "sokolov"),
    ("Михайлов", "mikhailov"),
    ("Новиков", "novikov"),
    ("Фёдоров", "fedorov"),
    ("Морозов", "morozov"),
    ("Волков", "volkov"),
    ("Алексеев", "alekseev"),
    ("Лебедев", "lebedev"),
    ("Семёнов", "semenov"),
    ("Егоров", "egorov"),
    ("Павлов", "pavlov"),
    ("Козлов", "kozlov"),
    ("Степанов", "stepanov"),
    ("Николаев", "nikolaev"),
]
DOMAINS = np.array(
    [
        "mail.ru",
        "yandex.ru",
        "gmail.com",
        "bk.ru",
        "inbox.ru",
        "list.ru",
        "rambler.ru",
        "gkb1.ru",
        "medcenter.ru",
    ],
    dtype=object,
)
DOMAIN_P = np.array([0.3, 0.25, 0.15, 0.07, 0.06, 0.05, 0.04, 0.04, 0.04])

CITIES = [
    ("Москва", "Москва"),
    ("Санкт-Петербург", "Санкт-Петербург"),
    ("Новосибирск", "Новосибирская область"),
    ("Екатеринбург", "Свердловская область"),
    ("Казань", "Республика Татарстан"),
    ("Нижний Новгород", "Нижегородская область"),
    ("Самара", "Самарская область"),
    ("Ростов-на-Дону", "Ростовская область"),
    ("Краснодар", "Краснодарский край"),
    ("Уфа", "Республика Башкортостан"),
    ("Воронеж", "Воронежская область"),
    ("Пермь", "Пермский край"),
    ("Красноярск", "Красноярский край"),
    ("Омск", "Омская область"),
    ("Тюмень", "Тюменская область"),
    ("Подольск", "Московская область"),
]
CITY_P = np.array([0.30, 0.15] + [0.55 / 14] * 14)
SPECIALTY_P = np.array([0.28, 0.22, 0.10, 0.09, 0.08, 0.08, 0.08, 0.07])
WORKPLACES = np.array(["clinic", "hospital", "pharmacy", "private_practice"], dtype=object)
REG_SOURCES = np.array(
    ["website", "webinar", "conference", "medrep", "import", "partner"], dtype=object
)
REG_SOURCE_P = np.array([0.35, 0.2, 0.15, 0.15, 0.1, 0.05])
# brand affinity per specialty (rows follow SPECIALTIES, columns BRANDS)
AFFINITY = np.ones((len(SPECIALTIES), len(BRANDS)))
for _s, _brands in enumerate(
    [(0, 2, 3, 6, 8), (11, 6, 8, 3), (0, 7), (1, 5), (2, 6), (7, 0), (5, 6), (8, 6, 2, 4)]
):
    AFFINITY[_s, list(_brands)] = 8.0
UNKNOWN_SPECIALTY = "oncologist"
UNKNOWN_BRAND = "vitaminex"

KIND_DOCTOR, KIND_PROSPECT, KIND_OFFLINE, KIND_ANON = 0, 1, 2, 3


@dataclass
class People:
    """Every true person and the identifiers they own (canonical, normalized forms)."""

    kind: np.ndarray  # int8 KIND_*
    person_id: np.ndarray  # object
    first: np.ndarray  # object, Cyrillic
    last: np.ndarray
    email1: np.ndarray  # object or None
    email2: np.ndarray
    phone1: np.ndarray  # int64 10 digits, 0 = none
    phone2: np.ndarray
    cookie_off: np.ndarray  # int64 offsets into cookies
    cookies: np.ndarray  # object
    shared_phones: np.ndarray  # int64 10 digits

    def pick_cookie(self, rng: np.random.Generator, persons: np.ndarray) -> np.ndarray:
        """One of each person's cookies, at random."""
        lo = self.cookie_off[persons]
        n = self.cookie_off[persons + 1] - lo
        return self.cookies[lo + (rng.random(len(persons)) * n).astype(np.int64)]


def build_people(
    rng: np.random.Generator,
    n_doctors: int,
    n_prospects: int,
    n_offline: int,
    n_anon: int,
    n_shared: int,
) -> People:
    """Persons of all kinds with unique emails, phones and cookies."""
    kind = np.concatenate(
        [
            np.full(n, k, dtype=np.int8)
            for k, n in (
                (KIND_DOCTOR, n_doctors),
                (KIND_PROSPECT, n_prospects),
                (KIND_OFFLINE, n_offline),
                (KIND_ANON, n_anon),
            )
        ]
    )
    n = len(kind)
    female = rng.random(n) < 0.6
    fi = rng.integers(0, 12, n)
    li = rng.integers(0, len(LAST), n)
    first = np.where(
        female,
        np.array([f[0] for f in FIRST_F], dtype=object)[fi],
        np.array([f[0] for f in FIRST_M], dtype=object)[fi],
    )
    first_tr = np.where(
        female,
        np.array([f[1] for f in FIRST_F], dtype=object)[fi],
        np.array([f[1] for f in FIRST_M], dtype=object)[fi],
    )
    female_last = np.array([la + "а" for la, _ in LAST], dtype=object)
    male_last = np.array([la for la, _ in LAST], dtype=object)
    last = np.where(female, female_last[li], male_last[li])
    last_tr = pa.array(
        np.where(
            female,
            np.array([tr + "a" for _, tr in LAST], dtype=object)[li],
            np.array([tr for _, tr in LAST], dtype=object)[li],
        ),
        pa.string(),
    )
    first_tr_a = pa.array(first_tr, pa.string())
    number = pa.array(np.arange(n, dtype=np.int64)).cast(pa.string())
    dom1 = rng.choice(DOMAINS, size=n, p=DOMAIN_P)
    dom2 = rng.choice(DOMAINS, size=n, p=DOMAIN_P)
    has_email = kind <= KIND_PROSPECT
    # f"{first}.{last}{i}@{domain}" and f"{last}_{first[0]}{i}@{domain}" (None without email)
    email1 = np.full(n, None, dtype=object)
    email1[has_email] = pc.binary_join_element_wise(
        first_tr_a, ".", last_tr, number, "@", pa.array(dom1, pa.string()), ""
    ).to_numpy(zero_copy_only=False)[has_email]
    email2 = np.full(n, None, dtype=object)
    email2[has_email] = pc.binary_join_element_wise(
        last_tr,
        "_",
        pc.utf8_slice_codeunits(first_tr_a, 0, 1),
        number,
        "@",
        pa.array(dom2, pa.string()),
        "",
    ).to_numpy(zero_copy_only=False)[has_email]
    # phones: an injective scramble of a counter, 9XXXXXXXXX
    has_phone = kind <= KIND_OFFLINE
    k = np.arange(2 * n + n_shared, dtype=np.int64)
    mult = int(rng.integers(10_000_000, 99_999_999)) * 2 + 1
    while mult % 5 == 0:
        mult += 2
    scrambled = (
        unique_perm(k, 10**9, mult, int(rng.integers(0, 10**9))).astype(np.int64) + 9 * 10**9
    )
    phone1 = np.where(has_phone, scrambled[:n], 0)
    phone2 = np.where(has_phone, scrambled[n : 2 * n], 0)
    shared = scrambled[2 * n :]
    n_cookies = np.where(kind == KIND_ANON, 1, rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15]))
    n_cookies = np.where(kind == KIND_OFFLINE, 0, n_cookies)
    off = np.concatenate([[0], np.cumsum(n_cookies)]).astype(np.int64)
    ck = np.arange(off[-1], dtype=np.int64)
    cmult = int(rng.integers(10_000_000, 99_999_999)) * 2 + 1
    while cmult % 3 == 0 or cmult % 5 == 0:
        cmult += 2
    c1 = unique_perm(ck, 9 * 10**8, cmult, int(rng.integers(0, 9 * 10**8))).astype(np.int64) + 10**8
    c2 = rng.integers(1_690_000_000, 1_767_000_000, size=len(ck))
    cookies = pc.binary_join_element_wise(
        pa.array(c1).cast(pa.string()), pa.array(c2).cast(pa.string()), "."
    ).to_numpy(zero_copy_only=False)
    person_id = arrow_ids("P", np.arange(1, n + 1), 7).to_numpy(zero_copy_only=False)
    return People(
        kind, person_id, first, last, email1, email2, phone1, phone2, off, cookies, shared
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
