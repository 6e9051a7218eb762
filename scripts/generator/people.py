"""True persons and their identifiers (the contact cards that describe some of them: cards.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import BRANDS, SPECIALTIES
from .common import (
    arrow_ids,
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
