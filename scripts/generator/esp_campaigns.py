"""The ESP campaign calendar (digests, activations, webinar invitations, triggers) and esp/campaigns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..contract import BRANDS
from .common import HOUR, MIN, Clock, Counter
from .spool import TableSpool

TRIGGERS = ("welcome", "winback", "lastchance")
PAGES = np.array(["article", "webinar", "samples", "news", "dosage", "research"], dtype=object)
SUBJECTS = {
    "digest": "Дайджест недели: новости медицины",
    "activation": "Новые данные о препарате {brand}",
    "webinar_invitation": "Приглашаем на вебинар: {brand} в клинической практике",
    "trigger_welcome": "Добро пожаловать в профессиональное сообщество",
    "trigger_winback": "Мы скучаем: подборка материалов для вас",
    "trigger_lastchance": "Оставаться ли вам в рассылке?",
}


@dataclass
class Campaigns:
    """The ESP campaign calendar."""

    campaign_id: np.ndarray
    email_type: np.ndarray
    brand: np.ndarray  # object, None for digests
    launched_us: np.ndarray
    utm: np.ndarray
    pages: np.ndarray  # object: the page path used by the campaign's links
    trigger_key: dict[tuple[str, int], int]  # (trigger type, yyyymm) -> campaign index


def build_campaigns(rng: np.random.Generator, clock: Clock, counter: Counter) -> Campaigns:
    """Weekly digests, monthly activations, webinar invitations every 2-3 weeks, monthly trigger programmes."""
    rows: list[tuple[str, str | None, int, str]] = []  # type, brand, launched_us, trigger
    for d in range(0, clock.days, 7):
        rows.append(("digest", None, clock.day_start(d) + 10 * HOUR, ""))
    for b, brand in enumerate(BRANDS):
        for m0 in range(0, clock.days, 30):
            d = m0 + (b * 5) % 28 + (0 if m0 == 0 and b == 0 else int(rng.integers(0, 3)))
            if d < clock.days:
                rows.append(
                    ("activation", brand, clock.day_start(d) + int(rng.integers(11, 16)) * HOUR, "")
                )
        d = (b * 3 + 2) % 14
        while d < clock.days:
            rows.append(
                ("webinar_invitation", brand, clock.day_start(d) + 12 * HOUR + 30 * MIN, "")
            )
            d += int(rng.integers(14, 22))
    months = sorted({int(m) for m in clock.month_key(clock.day_start(np.arange(clock.days)))})
    for m in months:
        first_day = max(
            0, int(np.argmax(clock.month_key(clock.day_start(np.arange(clock.days))) == m))
        )
        for t, trig in enumerate(TRIGGERS):
            brand = BRANDS[(m + t) % len(BRANDS)]
            rows.append(("trigger", brand, clock.day_start(first_day), f"{trig}:{m}"))
    rows.sort(key=lambda r: (r[2], r[0], r[1] or "", r[3]))
    n = len(rows)
    ids = counter.take("cmp-", n, 4)
    etype = np.array([r[0] for r in rows], dtype=object)
    brands = np.array([r[1] for r in rows], dtype=object)
    launched = np.array([r[2] for r in rows], dtype=np.int64)
    utm, trigger_key = [], {}
    for i, r in enumerate(rows):
        day = clock.day_str(int(clock.msk_day(np.array([r[2]]))[0]))
        if r[0] == "trigger":
            trig, month = r[3].split(":")
            trigger_key[(trig, int(month))] = i
            utm.append(f"trg_{trig}_{month}")
        elif r[0] == "digest":
            utm.append(f"digest_{day.replace('-', '')}")
        else:
            short = "act" if r[0] == "activation" else "webinar"
            utm.append(f"{short}_{r[1]}_{day.replace('-', '')}")
    pages = rng.choice(PAGES, size=n)
    return Campaigns(ids, etype, brands, launched, np.array(utm, dtype=object), pages, trigger_key)


def campaign_table_rows(
    rng: np.random.Generator, clock: Clock, cmp: Campaigns, buf: TableSpool
) -> None:
    """esp/campaigns rows, exported on their launch day."""
    names: list[str] = []
    subjects: list[str] = []
    for t, b, u in zip(cmp.email_type, cmp.brand, cmp.utm):
        key = f"trigger_{u.split('_')[1]}" if t == "trigger" else t
        subjects.append(SUBJECTS[key].format(brand=(b or "").capitalize()))
        names.append(f"{t} | {b or 'multi-brand'} | {u}")
    base = {"digest": 20000, "activation": 40000, "webinar_invitation": 35000, "trigger": 15000}
    costs = np.round(
        np.array([base[t] for t in cmp.email_type]) * rng.uniform(0.7, 1.4, len(cmp.utm)), 2
    )
    buf.add(
        np.maximum(clock.msk_day(cmp.launched_us), 0),
        campaign_id=cmp.campaign_id,
        campaign_name=np.array(names, dtype=object),
        email_type=cmp.email_type,
        brand_code=cmp.brand,
        launched_at=cmp.launched_us,
        utm_campaign=cmp.utm,
        subject=np.array(subjects, dtype=object),
        cost_rub=costs,
    )
