"""CRM contacts through the period: segments, segment codes, edits, deletions and registrations.

ContactState holds every card's state and its version history (ground_truth/contact_history);
the layers above it add the traffic that moves it: contact_activities.py (activities, site
logins), esp_traffic.py (ESP sends and events) and crm_esp.py (the day-by-day loop).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..contract import BRANDS, SEGMENT_CODES_BY_GROUP, SPECIALTIES
from .cards import Cards
from .common import DAY, HOUR, NULL_TS, SEC, Clock, Counter, rand_time_in_day
from .people import UNKNOWN_BRAND, People

SEGMENTS = np.array(["new", "active", "at_risk", "churned"], dtype=object)
NEW, ACTIVE, AT_RISK, CHURNED = 0, 1, 2, 3
CODES = [c for group in SEGMENT_CODES_BY_GROUP.values() for c in group] + [f"int_{UNKNOWN_BRAND}"]
BIT = {c: i for i, c in enumerate(CODES)}
CODE_ARR = np.array(CODES, dtype=object)
SEGMENTS_ARROW = pa.array(SEGMENTS, type=pa.string())
NEVER = -(10**17)


class ContactState:
    """State of every contact card, changed by the nightly batch, manual edits and registrations."""

    def __init__(
        self,
        rng: np.random.Generator,
        clock: Clock,
        people: People,
        cards: Cards,
        counter: Counter,
    ) -> None:
        self.rng, self.clock, self.people, self.cards, self.counter = (
            rng,
            clock,
            people,
            cards,
            counter,
        )
        n = cards.n
        self.n = n
        start = clock.day_start(0)
        reg = cards.registered_us
        self.present = reg < start
        self.deleted = np.zeros(n, bool)
        self.purge_day = np.full(n, -1, np.int64)
        self.email_raw = cards.email_raw.copy()
        self.email_alt = cards.email_alt_raw.copy()
        self.phone_raw = cards.phone_raw.copy()
        self.phone_alt = cards.phone_alt_raw.copy()
        self.email_flip = np.zeros(
            n, bool
        )  # email_raw and email_alt swapped (an odd number of edits)
        self.phone_flip = np.zeros(n, bool)
        self.consents = cards.consents.copy()
        self.status = cards.email_status.copy()
        self.no_send = self.status != 0
        self.pending_status = np.zeros(
            n, np.int8
        )  # 1 unsubscribe, 2 hard bounce, applied next batch
        self.streak = np.zeros(n, np.int64)
        self.flags = np.zeros((n, 3), bool)  # webinar registrant, attendee, downloader
        self.hist: list[tuple[np.ndarray, ...]] = []
        self._init_state()
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.removed: list[tuple[np.ndarray, np.ndarray]] = []

    # ------------------------------------------------------------------ state

    def _init_state(self) -> None:
        """Segment and engagement history of contacts registered before the start."""
        rng, n, start = self.rng, self.n, self.clock.day_start(0)
        reg = self.cards.registered_us
        age_days = (start - reg) / DAY
        seg = rng.choice([ACTIVE, AT_RISK, CHURNED], size=n, p=[0.5, 0.27, 0.23])
        seg = np.where(age_days < 30, NEW, seg)
        days_ago = lambda lo, hi: start - (rng.uniform(lo, hi, n) * 86400).astype(np.int64) * SEC  # noqa: E731
        since = np.select(
            [seg == ACTIVE, seg == AT_RISK, seg == CHURNED],
            [days_ago(1, 60), days_ago(1, 35), days_ago(1, 150)],
            reg,
        )
        last_eng = np.select(
            [seg == ACTIVE, seg == AT_RISK, seg == CHURNED],
            [
                days_ago(1, 22),
                since - (rng.uniform(30, 60, n) * 86400).astype(np.int64) * SEC,
                since - (rng.uniform(60, 200, n) * 86400).astype(np.int64) * SEC,
            ],
            NEVER,
        )
        since = np.maximum(since, reg)
        never = last_eng <= reg
        last_eng = np.where(never, NEVER, last_eng)
        self.seg = seg.astype(np.int8)
        self.seg_since = since
        self.last_eng = last_eng
        self.last_open = last_eng.copy()
        self.last_click = np.where(
            rng.random(n) < 0.4, last_eng - rng.integers(0, 20 * 86400, n) * SEC, NEVER
        )
        self.last_click = np.where(never, NEVER, self.last_click)
        self.reactivated = np.where((seg == ACTIVE) & (rng.random(n) < 0.1), since, NEVER)
        self.flags[:, 0] = rng.random(n) < 0.2
        self.flags[:, 1] = self.flags[:, 0] & (rng.random(n) < 0.6)
        self.flags[:, 2] = rng.random(n) < 0.15
        upd = np.maximum(since, start - (rng.uniform(0.2, 20, n) * 86400).astype(np.int64) * SEC)
        self.updated = np.where(self.present, np.maximum(upd, reg), NULL_TS)
        self.mask = np.zeros(n, np.int64)
        idx = np.flatnonzero(self.present)
        self.mask[idx] = self.compute_mask(idx, self.updated[idx])
        self._record(idx, self.updated[idx])

    def _card_bits(self) -> np.ndarray:
        """The segment codes that the cards alone decide (brands, specialty, value tier, region)."""
        c = self.cards
        bits = np.zeros(c.n, np.int64)

        def put(code: str, cond: np.ndarray) -> None:
            nonlocal bits
            bits |= cond.astype(np.int64) << BIT[code]

        bits |= (c.brand_mask & ((1 << len(BRANDS)) - 1)) << BIT[f"int_{BRANDS[0]}"]
        bits |= ((c.brand_mask >> len(BRANDS)) & 1) << BIT[f"int_{UNKNOWN_BRAND}"]
        sp = c.spec_idx
        put("spec_primary_care", sp <= 1)
        put("spec_pharmacy", sp == SPECIALTIES.index("pharmacist"))
        put("spec_narrow_specialists", (sp >= 2) & (sp != SPECIALTIES.index("pharmacist")))
        tier = c.val_tier
        put("val_high", tier == 0)
        put("val_medium", tier == 1)
        put("val_low", tier == 2)
        rc = c.reg_code
        put("reg_moscow", rc == 0)
        put("reg_spb", rc == 1)
        put("reg_regions", rc == 2)
        return bits

    def compute_mask(self, idx: np.ndarray, now: np.ndarray) -> np.ndarray:
        """The dynamic segment codes of contacts idx at moments now, as a bit mask over CODES
        (the codes the cards alone decide are computed once)."""
        c = self.cards
        if getattr(self, "card_bits", None) is None:
            self.card_bits = self._card_bits()
        bits = self.card_bits[idx]

        def put(code: str, cond: np.ndarray) -> None:
            nonlocal bits
            bits |= cond.astype(np.int64) << BIT[code]

        reg = c.registered_us[idx]
        put("eng_openers_30d", self.last_open[idx] >= now - 30 * DAY)
        put("eng_clickers_30d", self.last_click[idx] >= now - 30 * DAY)
        put("eng_non_openers_90d", (self.last_open[idx] < now - 90 * DAY) & (reg < now - 90 * DAY))
        put("eng_webinar_registrants", self.flags[idx, 0])
        put("eng_webinar_attendees", self.flags[idx, 1])
        put("eng_content_downloaders", self.flags[idx, 2])
        put("life_new_30d", reg >= now - 30 * DAY)
        put("life_tenure_1y", reg <= now - 365 * DAY)
        put("life_reactivated", self.reactivated[idx] >= now - 90 * DAY)
        put("life_lapsed", self.seg[idx] == CHURNED)
        cs = self.consents[idx]
        others = cs[:, 1].astype(int) + cs[:, 2] + cs[:, 3]
        put("cons_email_only", cs[:, 0] & (others == 0))
        put("cons_multichannel", cs[:, 0] & (others >= 2))
        put("cons_no_third_party", ~cs[:, 5])
        return bits

    def _record(self, idx: np.ndarray, ts: np.ndarray) -> None:
        """Log a change (one version) of contacts idx at ts."""
        self.updated[idx] = ts
        self.hist.append(
            (
                idx.copy(),
                ts.copy(),
                self.seg[idx].copy(),
                self.mask[idx].copy(),
                self.deleted[idx].copy(),
            )
        )

    # ------------------------------------------------------------------ daily steps

    def _apply_engagement(self, d: int) -> None:
        """Engagement that happened before day d's batch becomes known to the CRM."""
        if not self.pending:
            return
        idx = np.concatenate([p[0] for p in self.pending])
        ts = np.concatenate([p[1] for p in self.pending])
        kind = np.concatenate([p[2] for p in self.pending])
        due = ts < self.clock.day_start(d)
        self.pending = [(idx[~due], ts[~due], kind[~due])]
        idx, ts, kind = idx[due], ts[due], kind[due]
        eng = kind <= 4
        np.maximum.at(self.last_eng, idx[eng], ts[eng])
        opn = kind <= 1
        np.maximum.at(self.last_open, idx[opn], ts[opn])
        np.maximum.at(self.last_click, idx[kind == 1], ts[kind == 1])
        self.streak[idx[eng]] = 0
        for k, col in ((2, 0), (3, 1), (4, 2)):
            self.flags[idx[kind == k], col] = True
        self.pending_status[idx[kind == 5]] = 1
        hb = idx[kind == 6]
        self.pending_status[hb] = np.where(self.pending_status[hb] == 1, 1, 2)

    def _batch(self, d: int, change_ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nightly recalculation ~03:00-03:30 MSK. Returns (contacts, timestamps, new segment) of segment moves."""
        ds = self.clock.day_start(d)
        e = np.flatnonzero(self.present & ~self.deleted & (self.cards.registered_us < ds))
        bt = ds + 3 * HOUR + self.rng.integers(0, 1800, len(e)) * SEC
        old_seg, old_mask = self.seg[e].copy(), self.mask[e].copy()
        old_status, old_ce = self.status[e].copy(), self.consents[e, 0].copy()
        seg, since, eng = old_seg.copy(), self.seg_since[e], self.last_eng[e]
        reg = self.cards.registered_us[e]
        engaged_since = eng > since
        seg[(old_seg == NEW) & (eng > reg)] = ACTIVE
        seg[(old_seg == NEW) & (eng <= reg) & (bt - reg >= 30 * DAY)] = AT_RISK
        seg[
            (old_seg == ACTIVE)
            & ((self.streak[e] >= 6) | (bt - np.maximum(eng, since) >= 35 * DAY))
        ] = AT_RISK
        react = np.isin(old_seg, [AT_RISK, CHURNED]) & engaged_since
        seg[react] = ACTIVE
        seg[
            (old_seg == AT_RISK)
            & ~engaged_since
            & (bt - since >= 40 * DAY)
            & (bt - np.maximum(eng, reg) >= 60 * DAY)
        ] = CHURNED
        moved = seg != old_seg
        self.seg[e] = seg
        self.seg_since[e[moved]] = bt[moved]
        self.reactivated[e[react]] = bt[react]
        self.streak[e[moved]] = 0
        ps = self.pending_status[e]
        self.status[e[ps == 1]] = 2
        self.consents[e[ps == 1], 0] = False
        self.status[e[(ps == 2) & (self.status[e] == 0)]] = 1
        self.pending_status[e] = 0
        self.mask[e] = self.compute_mask(e, bt)
        changed = (
            moved
            | (self.mask[e] != old_mask)
            | (self.status[e] != old_status)
            | (self.consents[e, 0] != old_ce)
        )
        self._record(e[changed], bt[changed])
        change_ts[e[changed]] = bt[changed]
        return e[moved], bt[moved], seg[moved]

    def _edits(self, d: int, change_ts: np.ndarray) -> np.ndarray:
        """Manual edits, consent changes and deletions of day d. Returns contacts not to email today."""
        rng, ds = self.rng, self.clock.day_start(d)
        cand = np.flatnonzero(self.present & ~self.deleted & (self.cards.registered_us < ds))
        m = len(cand)
        pick = lambda rate: rng.choice(cand, size=min(m, int(rng.poisson(rate * m))), replace=False)  # noqa: E731
        e_mail, e_phone, e_cons = pick(0.0008), pick(0.0008), pick(0.0006)
        soft = pick(0.00003)
        # clinic reception phones stay on their cards (>5 cards each, every day)
        e_phone = e_phone[~self.cards.shared_card[e_phone]]
        soft = soft[~self.cards.shared_card[soft]]
        touched = np.unique(np.concatenate([e_mail, e_phone, e_cons, soft]))
        ts = change_ts[touched]
        fresh = ts == NULL_TS
        ts[fresh] = rand_time_in_day(rng, self.clock, np.full(fresh.sum(), d), 7, 23)
        # email: switch to the other address
        old = self.email_raw[e_mail].copy()
        self.email_raw[e_mail] = self.email_alt[e_mail]
        self.email_alt[e_mail] = old
        self.email_flip[e_mail] ^= True
        old = self.phone_raw[e_phone].copy()
        self.phone_raw[e_phone] = self.phone_alt[e_phone]
        self.phone_alt[e_phone] = old
        self.phone_flip[e_phone] ^= True
        which = rng.choice([0, 1, 2, 3, 5], size=len(e_cons), p=[0.25, 0.2, 0.2, 0.2, 0.15])
        self.consents[e_cons, which] = np.where(which == 0, False, ~self.consents[e_cons, which])
        self.no_send[e_cons[(which == 0)]] |= True
        self.deleted[soft] = True
        self.purge_day[soft] = d + 7
        self.mask[touched] = self.compute_mask(touched, ts)
        self._record(touched, ts)
        change_ts[touched] = ts
        # purge soft-deleted cards a week later; hard-delete a few untouched ones
        purge = np.flatnonzero(self.present & (self.purge_day == d))
        quiet = cand[(change_ts[cand] == NULL_TS) & ~self.cards.shared_card[cand]]
        hard = rng.choice(
            quiet, size=min(len(quiet), int(rng.poisson(0.000015 * m))), replace=False
        )
        gone = np.concatenate([purge, hard])
        self.present[gone] = False
        self.removed.append((gone, rand_time_in_day(rng, self.clock, np.full(len(gone), d), 1, 23)))
        return np.concatenate([e_cons, soft, gone])

    def _registrations(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        """Cards registering on day d appear as 'new'."""
        ds = self.clock.day_start(d)
        reg = self.cards.registered_us
        idx = np.flatnonzero(~self.present & (reg >= ds) & (reg < ds + DAY) & (self.purge_day < 0))
        self.present[idx] = True
        self.seg[idx] = NEW
        self.seg_since[idx] = reg[idx]
        self.mask[idx] = self.compute_mask(idx, reg[idx])
        self._record(idx, reg[idx])
        return idx, reg[idx]
