"""calltracking/ad_costs: daily spend per paid utm triple and per offline flight."""

from __future__ import annotations

import numpy as np

from .ad_catalog import OFFLINE, AdCatalog
from .common import Clock
from .sessions import Visits
from .spool import TableSpool


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
