"""crm/activities (webinars, downloads, sample requests) and crm/site_logins of the simulated contacts."""

from __future__ import annotations

import numpy as np

from ..contract import BRANDS
from .cards import Cards
from .common import SEC, Clock, Counter, diurnal_time
from .contact_state import ContactState
from .people import People
from .spool import TableSpool


class ContactActivities(ContactState):
    """Contacts that also act on their own: activities (with engagement feedback) and logins."""

    def __init__(
        self,
        rng: np.random.Generator,
        clock: Clock,
        people: People,
        cards: Cards,
        counter: Counter,
        spools: dict[str, TableSpool],
    ) -> None:
        super().__init__(rng, clock, people, cards, counter)
        self.act = spools.get("crm/activities") or TableSpool("crm/activities")
        self.logins = spools.get("crm/site_logins") or TableSpool("crm/site_logins")
        self.wregs: list[tuple[np.ndarray, ...]] = []

    def _activities(
        self,
        idx: np.ndarray,
        ts: np.ndarray,
        atype: str,
        brand: np.ndarray,
        utm_campaign: np.ndarray,
        utm_source: np.ndarray | None = None,
        utm_medium: np.ndarray | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        """crm/activities rows (webinar registrations get attendance later) and their engagement feedback."""
        if len(idx) == 0:
            return
        rng, clock = rng or self.rng, self.clock
        brand = np.where(brand == None, rng.choice(np.array(BRANDS, dtype=object), len(idx)), brand)  # noqa: E711
        has = utm_campaign != None  # noqa: E711
        src = np.where(has, "esp", None) if utm_source is None else utm_source  # type: ignore[call-overload]  # numpy's stubs reject None
        med = np.where(has, "email", None) if utm_medium is None else utm_medium  # type: ignore[call-overload]  # numpy's stubs reject None
        ids = self.counter.take("act", len(idx), 8)
        day = clock.msk_day(ts)
        keep = day < clock.days
        self.act.add(
            day[keep],
            activity_id=ids[keep],
            contact_id=self.cards.contact_id[idx[keep]],
            activity_type=np.full(keep.sum(), atype, dtype=object),
            occurred_at=ts[keep],
            brand_code=brand[keep].astype(object),
            utm_source=np.asarray(src, dtype=object)[keep],
            utm_medium=np.asarray(med, dtype=object)[keep],
            utm_campaign=np.asarray(utm_campaign, dtype=object)[keep],
        )
        kind = {
            "webinar_registration": 2,
            "webinar_attendance": 3,
            "content_download": 4,
            "sample_request": 4,
        }[atype]
        self.pending.append((idx, ts, np.full(len(idx), kind)))
        if atype == "webinar_registration":
            self.wregs.append((idx[keep], ts[keep], brand[keep]))
            att = rng.random(len(idx)) < 0.5
            self._activities(
                idx[att],
                ts[att] + rng.integers(86400, 6 * 86400, att.sum()) * SEC,
                "webinar_attendance",
                brand[att],
                np.full(att.sum(), None, dtype=object),
            )

    def _background(self, d: int) -> None:
        """Unprompted activities and personal-account logins of day d."""
        rng = self.rng
        alive = np.flatnonzero(
            self.present & ~self.deleted & (self.cards.registered_us < self.clock.day_start(d))
        )
        for atype, rate in (
            ("webinar_registration", 0.0006),
            ("content_download", 0.0008),
            ("sample_request", 0.0003),
        ):
            idx = rng.choice(
                alive, size=min(len(alive), int(rng.poisson(rate * len(alive)))), replace=False
            )
            ts = diurnal_time(rng, self.clock, np.full(len(idx), d))
            social = rng.random(len(idx)) < 0.3
            src = np.where(  # type: ignore[call-overload]  # numpy's stubs reject None
                social, rng.choice(np.array(["telegram", "vk"], dtype=object), len(idx)), None
            )
            med = np.where(social, "social", None)  # type: ignore[call-overload]  # numpy's stubs reject None
            camp = np.where(social, "webinar_announce", None)  # type: ignore[call-overload]  # numpy's stubs reject None
            self._activities(
                idx,
                ts,
                atype,
                np.full(len(idx), None, dtype=object),
                camp.astype(object),
                src.astype(object),
                med.astype(object),
            )
        idx = rng.choice(
            alive, size=min(len(alive), int(rng.poisson(0.004 * len(alive)))), replace=False
        )
        ts = diurnal_time(rng, self.clock, np.full(len(idx), d))
        self.logins.add(
            np.full(len(idx), d),
            login_id=self.counter.take("lg", len(idx), 8),
            contact_id=self.cards.contact_id[idx],
            client_id=self.people.pick_cookie(rng, self.cards.person[idx]),
            logged_in_at=ts,
        )
