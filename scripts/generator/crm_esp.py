"""Day-by-day simulation of CRM contacts (segments, edits, deletions) and ESP campaigns and events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import BRANDS, SEGMENT_CODES_BY_GROUP, SPECIALTIES, TABLES_BY_FOLDER
from .common import (
    DAY,
    HOUR,
    MIN,
    NULL_TS,
    SEC,
    Clock,
    Counter,
    arrow_ids,
    diurnal_time,
    rand_time_in_day,
    to_arrow,
)
from .effects import PlantedEffect
from .output import mask_lists
from .people import UNKNOWN_BRAND, Cards, People
from .spool import TableSpool

SEGMENTS = np.array(["new", "active", "at_risk", "churned"], dtype=object)
NEW, ACTIVE, AT_RISK, CHURNED = 0, 1, 2, 3
CODES = [c for group in SEGMENT_CODES_BY_GROUP.values() for c in group] + [f"int_{UNKNOWN_BRAND}"]
BIT = {c: i for i, c in enumerate(CODES)}
CODE_ARR = np.array(CODES, dtype=object)
SEGMENTS_ARROW = pa.array(SEGMENTS, type=pa.string())
EVENT_TYPES = ["sent", "delivered", "bounced", "opened", "clicked", "unsubscribed", "complained"]
EVENT_TYPES_ARROW = pa.array(EVENT_TYPES, type=pa.string())
BOUNCED, OPENED, CLICKED, UNSUBSCRIBED, COMPLAINED = (
    EVENT_TYPES.index(t) for t in ("bounced", "opened", "clicked", "unsubscribed", "complained")
)
BOUNCE_KINDS_ARROW = pa.array(["soft", "hard"], type=pa.string())
STATUS_ARROW = pa.array(["valid", "invalid", "unsubscribed"], type=pa.string())
NEVER = -(10**17)
TRIGGERS = ("welcome", "winback", "lastchance")
EMAIL_TYPE_FACTOR = {"digest": 0.85, "activation": 1.0, "webinar_invitation": 1.1, "trigger": 1.25}
OPEN_BY_SEG = np.array([0.30, 0.45, 0.12, 0.04])
SPEC_FACTOR = np.array([1.0, 1.1, 0.95, 1.0, 0.9, 1.05, 0.8, 0.85])
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


@dataclass
class SimOutput:
    """What the simulation hands to the rest of the generator."""

    events: TableSpool
    campaigns: TableSpool
    activities: TableSpool
    logins: TableSpool
    history: dict[str, np.ndarray]
    removals: dict[str, np.ndarray]
    sends: dict[str, np.ndarray]
    email_clicks: dict[str, np.ndarray]  # person, ts, campaign index
    webinar_regs: dict[str, np.ndarray]  # contact, ts, brand
    contact_rows: dict[str, int] = field(default_factory=dict)


class CrmEspSimulation:
    """State of every contact through the period, with the ESP traffic that moves it."""

    def __init__(
        self,
        rng: np.random.Generator,
        clock: Clock,
        people: People,
        cards: Cards,
        campaigns: Campaigns,
        counter: Counter,
        spools: dict[str, TableSpool] | None = None,
        track_sends: bool = True,
        on_export: Callable[[int, np.ndarray, np.ndarray], None] | None = None,
        effect: PlantedEffect | None = None,
        effect_seed: int = 0,
    ) -> None:
        self.rng, self.clock, self.people, self.cards, self.cmp, self.counter = (
            rng,
            clock,
            people,
            cards,
            campaigns,
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
        self.trigger_sent: dict[int, np.ndarray] = {}
        spools = spools or {}
        self.ev = spools.get("esp/events") or TableSpool("esp/events")
        self.act = spools.get("crm/activities") or TableSpool("crm/activities")
        self.logins = spools.get("crm/site_logins") or TableSpool("crm/site_logins")
        self.campaign_rows = spools.get("esp/campaigns") or TableSpool("esp/campaigns")
        self.removed: list[tuple[np.ndarray, np.ndarray]] = []
        self.on_export = on_export
        self.track_sends = track_sends
        self.sends: list[tuple[np.ndarray, ...]] = []
        # per campaign: engagement factor of its email type (looked up per send)
        self.type_factor = np.array(
            [EMAIL_TYPE_FACTOR[t] for t in campaigns.email_type], dtype=float
        )
        self._static: dict[str, pa.Array] | None = None
        url = [
            f"https://pharma.example/{'digest' if b is None else b}/{page}"
            f"?utm_source=esp&utm_medium=email&utm_campaign={utm}"
            for b, page, utm in zip(campaigns.brand, campaigns.pages, campaigns.utm)
        ]
        self._arrow = {
            "campaign_id": pa.array(campaigns.campaign_id, type=pa.string()),
            "contact_id": pa.array(cards.contact_id, type=pa.string()),
            "email": pa.array(cards.email_raw, type=pa.string(), from_pandas=True),
            "email_alt": pa.array(cards.email_alt_raw, type=pa.string(), from_pandas=True),
            "url": pa.array(url, type=pa.string()),
        }
        self.clicks: list[tuple[np.ndarray, ...]] = []
        self.wregs: list[tuple[np.ndarray, ...]] = []
        self.effect = effect
        self.effect_counts = [0, 0]  # eligible sends, responses
        # its own stream, so that planting the effect does not shift the other draws
        self.effect_rng = np.random.default_rng(effect_seed)

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

    def compute_mask(self, idx: np.ndarray, now: np.ndarray) -> np.ndarray:
        """The dynamic segment codes of contacts idx at moments now, as a bit mask over CODES."""
        c = self.cards
        bits = np.zeros(len(idx), np.int64)

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
        bits |= (c.brand_mask[idx] & ((1 << len(BRANDS)) - 1)) << BIT[f"int_{BRANDS[0]}"]
        bits |= ((c.brand_mask[idx] >> len(BRANDS)) & 1) << BIT[f"int_{UNKNOWN_BRAND}"]
        sp = c.spec_idx[idx]
        put("spec_primary_care", sp <= 1)
        put("spec_pharmacy", sp == SPECIALTIES.index("pharmacist"))
        put("spec_narrow_specialists", (sp >= 2) & (sp != SPECIALTIES.index("pharmacist")))
        put("life_new_30d", reg >= now - 30 * DAY)
        put("life_tenure_1y", reg <= now - 365 * DAY)
        put("life_reactivated", self.reactivated[idx] >= now - 90 * DAY)
        put("life_lapsed", self.seg[idx] == CHURNED)
        cs = self.consents[idx]
        others = cs[:, 1].astype(int) + cs[:, 2] + cs[:, 3]
        put("cons_email_only", cs[:, 0] & (others == 0))
        put("cons_multichannel", cs[:, 0] & (others >= 2))
        put("cons_no_third_party", ~cs[:, 5])
        tier = c.val_tier[idx]
        put("val_high", tier == 0)
        put("val_medium", tier == 1)
        put("val_low", tier == 2)
        rc = c.reg_code[idx]
        put("reg_moscow", rc == 0)
        put("reg_spb", rc == 1)
        put("reg_regions", rc == 2)
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

    def _sendable(self, idx: np.ndarray) -> np.ndarray:
        return (
            self.present[idx]
            & ~self.deleted[idx]
            & self.consents[idx, 0]
            & (self.status[idx] == 0)
            & ~self.no_send[idx]
        )

    def _bulk_audience(self, ci: int, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Contacts and send times of a scheduled campaign."""
        rng, t = self.rng, self.cmp.email_type[ci]
        launch = self.cmp.launched_us[ci]
        ok = self.present & ~self.deleted & self.consents[:, 0] & (self.status == 0) & ~self.no_send
        ok[blocked] = False
        if t == "digest":
            incl = np.array([0.9, 0.9, 0.75, 0.4])
        else:
            ok &= (self.cards.brand_mask >> BRANDS.index(self.cmp.brand[ci])) & 1 == 1
            incl = (
                np.array([0.9, 0.6, 0.9, 0.5])
                if t == "activation"
                else np.array([0.8, 0.9, 0.7, 0.3])
            )
        eff = self.effect
        if eff is not None and t == eff.email_type and self.cmp.brand[ci] == eff.brand_code:
            incl[list(SEGMENTS).index(eff.segment_at_send)] = 1 - eff.holdout_share
        idx = np.flatnonzero(ok & (rng.random(self.n) < incl[self.seg]))
        ts = launch + rng.integers(0, 90 * 60, len(idx)) * SEC
        keep = self.cards.registered_us[idx] < ts
        return idx[keep], ts[keep]

    def _triggers(
        self, trig: str, idx: np.ndarray, ts: np.ndarray, blocked: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """Trigger sends (one per campaign and contact); returns contacts, times, campaign indices."""
        ok = self._sendable(idx) & ~np.isin(idx, blocked) & (ts < self.clock.end)
        idx, ts = idx[ok], ts[ok]
        months = self.clock.month_key(ts) if len(ts) else np.array([], np.int64)
        camp = np.array([self.cmp.trigger_key[(trig, int(m))] for m in months], dtype=np.int64)
        keep = np.ones(len(idx), bool)
        for c in np.unique(camp):
            sent = self.trigger_sent.setdefault(int(c), np.zeros(self.n, bool))
            sel = np.flatnonzero(camp == c)
            _, first = np.unique(idx[sel], return_index=True)
            dup = np.ones(len(sel), bool)
            dup[first] = False
            keep[sel] = ~dup & ~sent[idx[sel]]
            sent[idx[sel][keep[sel]]] = True
        return idx[keep], ts[keep], camp[keep]

    def _send_events(self, d: int, s_idx: np.ndarray, s_ts: np.ndarray, s_camp: np.ndarray) -> None:
        """All ESP events of these sends (sent, delivered/bounced, opens, clicks, unsubscribes, complaints)."""
        rng, clock = self.rng, self.clock
        m = len(s_idx)
        if m == 0:
            return
        sent_ids = self.counter.take_numbers("ev", m)
        seg = self.seg[s_idx]
        if self.track_sends:
            self.sends.append((sent_ids, s_camp.astype(np.int32), s_idx.astype(np.int32), s_ts))
        bounced = rng.random(m) < 0.035
        hard = bounced & (rng.random(m) < 0.35)
        delivered = ~bounced
        np.add.at(self.streak, s_idx[delivered], 1)
        etf = self.type_factor[s_camp]
        spec = np.where(
            self.cards.spec_idx[s_idx] < len(SPEC_FACTOR), self.cards.spec_idx[s_idx], 0
        )
        p_open = np.clip(
            OPEN_BY_SEG[seg] * SPEC_FACTOR[spec] * etf * self.cards.open_affinity[s_idx], 0, 0.95
        )
        eff = self.effect
        if eff is not None and not eff.natural_opens:
            p_open[SEGMENTS[seg] == eff.segment_at_send] = 0
        opened = delivered & (rng.random(m) < p_open)
        n_open = np.where(opened, rng.geometric(0.6, m), 0)
        first_open = (
            s_ts
            + np.clip(np.exp(rng.normal(np.log(3 * 3600), 1.6, m)), 60, 10 * 86400).astype(np.int64)
            * SEC
        )
        clicked = opened & (rng.random(m) < np.where(seg == ACTIVE, 0.24, 0.16))
        n_click = np.where(clicked, rng.geometric(0.65, m), 0)
        unsub = delivered & (rng.random(m) < np.where(seg == CHURNED, 0.008, 0.003))
        complained = delivered & ~unsub & (rng.random(m) < 0.0005)
        parts: list[tuple[np.ndarray, str, np.ndarray]] = [
            (np.arange(m), "sent", s_ts),
            (
                np.flatnonzero(delivered),
                "delivered",
                s_ts[delivered] + rng.integers(1, 120, delivered.sum()) * SEC,
            ),
            (
                np.flatnonzero(bounced),
                "bounced",
                s_ts[bounced] + rng.integers(5, 300, bounced.sum()) * SEC,
            ),
        ]
        o_pos = np.repeat(np.arange(m), n_open)
        o_rank = np.arange(len(o_pos)) - np.repeat(np.cumsum(n_open) - n_open, n_open)
        o_ts = (
            first_open[o_pos]
            + np.where(o_rank > 0, rng.exponential(20 * 3600, len(o_pos)).astype(np.int64) + 30, 0)
            * SEC
        )
        parts.append((o_pos, "opened", o_ts))
        c_pos = np.repeat(np.arange(m), n_click)
        c_ts = first_open[c_pos] + rng.integers(3, 600, len(c_pos)) * SEC
        parts.append((c_pos, "clicked", c_ts))
        parts.append(
            (
                np.flatnonzero(unsub),
                "unsubscribed",
                first_open[unsub] + rng.integers(5, 300, unsub.sum()) * SEC,
            )
        )
        parts.append(
            (
                np.flatnonzero(complained),
                "complained",
                first_open[complained] + rng.integers(5, 300, complained.sum()) * SEC,
            )
        )
        pos = np.concatenate([p[0] for p in parts])
        etype = np.concatenate(
            [np.full(len(p[0]), EVENT_TYPES.index(p[1]), dtype=np.int8) for p in parts]
        )
        ets = np.concatenate([p[2] for p in parts])
        numbers = np.concatenate([sent_ids, self.counter.take_numbers("ev", len(pos) - m)])
        camp = s_camp[pos]
        isc = etype == CLICKED
        isb = etype == BOUNCED
        no_cid = rng.random(len(pos)) < 0.03
        day = clock.msk_day(ets)
        late = ((etype == OPENED) | isc) & (rng.random(len(pos)) < 0.05)
        day = day + np.where(late, rng.integers(1, 4, len(pos)), 0)
        keep = np.flatnonzero(day < clock.days)
        # Arrow columns straight from small lookup arrays (no Python string per event)
        a = self._arrow
        k_camp, k_card = pa.array(camp[keep]), pa.array(s_idx[pos[keep]])
        flip = pa.array(self.email_flip[s_idx[pos[keep]]])
        self.ev.add(
            day[keep],
            event_id=arrow_ids("ev", numbers[keep], 10),
            campaign_id=a["campaign_id"].take(k_camp),
            contact_id=a["contact_id"].take(pa.array(s_idx[pos[keep]], mask=no_cid[keep])),
            email=pc.if_else(flip, a["email_alt"].take(k_card), a["email"].take(k_card)),
            event_type=EVENT_TYPES_ARROW.take(pa.array(etype[keep])),
            event_at=ets[keep],
            url=a["url"].take(pa.array(camp[keep], mask=~isc[keep])),
            bounce_kind=BOUNCE_KINDS_ARROW.take(
                pa.array(hard[pos[keep]].astype(np.int8), mask=~isb[keep])
            ),
        )
        # state feedback: engagement and statuses, known to the CRM from the next batch
        eng = (etype == OPENED) | isc
        kind = np.where(isc, 1, 0)
        self.pending.append((s_idx[pos[eng]], ets[eng], kind[eng]))
        stop = (etype == UNSUBSCRIBED) | (etype == COMPLAINED)
        self.pending.append((s_idx[pos[stop]], ets[stop], np.full(stop.sum(), 5)))
        hb = isb & hard[pos]
        self.pending.append((s_idx[pos[hb]], ets[hb], np.full(hb.sum(), 6)))
        self.no_send[s_idx[pos[stop | hb]]] = True
        self._click_followups(s_idx[pos[isc]], ets[isc], camp[isc])
        if eff is not None:
            self._planted_responses(eff, s_idx, s_ts, s_camp, seg, delivered)

    def _planted_responses(
        self,
        eff: PlantedEffect,
        s_idx: np.ndarray,
        s_ts: np.ndarray,
        s_camp: np.ndarray,
        seg: np.ndarray,
        delivered: np.ndarray,
    ) -> None:
        """The planted effect (effects.py): eligible delivered sends answered by a content download."""
        cmp = self.cmp
        hit = eff.eligible(cmp.email_type[s_camp], cmp.brand[s_camp], SEGMENTS, seg)
        respond = np.flatnonzero(
            hit & delivered & (self.effect_rng.random(len(s_idx)) < eff.response_probability)
        )
        self.effect_counts[0] += int(hit.sum())
        self.effect_counts[1] += len(respond)
        delay = self.effect_rng.integers(3600, 5 * 86400, len(respond)) * SEC
        self._activities(
            s_idx[respond],
            s_ts[respond] + delay,
            "content_download",
            cmp.brand[s_camp[respond]],
            np.full(len(respond), None, dtype=object),
            rng=self.effect_rng,
        )

    def _click_followups(self, c_idx: np.ndarray, c_ts: np.ndarray, camp: np.ndarray) -> None:
        """Site sessions, webinar registrations and downloads that email clicks lead to."""
        rng, cmp = self.rng, self.cmp
        self.clicks.append((self.cards.person[c_idx], c_ts, camp))
        # one follow-up per send: the first click of each (contact, campaign)
        key = c_idx.astype(np.int64) * 100_000 + camp
        _, first = np.unique(key, return_index=True)
        c_idx, c_ts, camp = c_idx[first], c_ts[first], camp[first]
        et = cmp.email_type[camp]
        web = (et == "webinar_invitation") & (rng.random(len(c_idx)) < 0.35)
        with_utm = rng.random(len(c_idx)) < 0.6
        delay = np.where(
            with_utm, rng.integers(60, 1800, len(c_idx)), rng.integers(3600, 6 * 86400, len(c_idx))
        )
        w = np.flatnonzero(web)
        self._activities(
            c_idx[w],
            c_ts[w] + delay[w] * SEC,
            "webinar_registration",
            cmp.brand[camp[w]],
            np.where(with_utm[w], cmp.utm[camp[w]], None),  # type: ignore[arg-type]  # numpy's stubs reject None
        )
        dl = np.flatnonzero((et == "activation") & (rng.random(len(c_idx)) < 0.15))
        self._activities(
            c_idx[dl],
            c_ts[dl] + rng.integers(30, 900, len(dl)) * SEC,
            "content_download",
            cmp.brand[camp[dl]],
            np.full(len(dl), None, dtype=object),
        )
        sr = np.flatnonzero((et == "activation") & (rng.random(len(c_idx)) < 0.05))
        self._activities(
            c_idx[sr],
            c_ts[sr] + rng.integers(60, 3600, len(sr)) * SEC,
            "sample_request",
            cmp.brand[camp[sr]],
            np.full(len(sr), None, dtype=object),
        )

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

    # ------------------------------------------------------------------ export

    def _static_columns(self) -> dict[str, pa.Array]:
        """Arrow columns of every card that never change (or swap between two values), taken per export."""
        c = self.cards
        schema = TABLES_BY_FOLDER["crm/contacts"].schema
        static = {
            "contact_id": c.contact_id,
            "first_name": c.first,
            "last_name": c.last,
            "specialty": c.specialty,
            "workplace_type": c.workplace,
            "city": c.city,
            "region": c.region,
            "registered_at": c.registered_us,
            "registration_source": c.reg_source,
        }
        out = {k: to_arrow(v, schema.field(k).type) for k, v in static.items()}
        out["brands_of_interest"] = mask_lists(
            c.brand_mask, np.array([*BRANDS, UNKNOWN_BRAND], dtype=object)
        )
        for col in ("email", "phone", "email_alt", "phone_alt"):
            out[col] = pa.array(getattr(c, f"{col}_raw"), type=pa.string(), from_pandas=True)
        return out

    def export_table(self, d: int) -> pa.Table:
        """crm/contacts full export of day d."""
        if self._static is None:
            self._static = self._static_columns()
        st = self._static
        idx = np.flatnonzero(self.present)
        take = pa.array(idx)
        codes = mask_lists(self.mask[idx], CODE_ARR)
        cols_: dict[str, pa.Array | np.ndarray] = {
            k: st[k].take(take)
            for k in (
                "contact_id",
                "first_name",
                "last_name",
                "specialty",
                "workplace_type",
                "city",
                "region",
                "registered_at",
                "registration_source",
                "brands_of_interest",
            )
        }
        cols_.update(
            {
                "email": pc.if_else(
                    pa.array(self.email_flip[idx]),
                    st["email_alt"].take(take),
                    st["email"].take(take),
                ),
                "phone": pc.if_else(
                    pa.array(self.phone_flip[idx]),
                    st["phone_alt"].take(take),
                    st["phone"].take(take),
                ),
                "email_status": STATUS_ARROW.take(pa.array(self.status[idx])),
                "activity_segment": SEGMENTS_ARROW.take(pa.array(self.seg[idx])),
                "segment_codes": codes,
                "updated_at": self.updated[idx],
                "is_deleted": self.deleted[idx],
            }
        )
        for j, flag in enumerate(
            (
                "consent_email",
                "consent_sms",
                "consent_calls",
                "consent_messengers",
                "consent_personal_data",
                "consent_third_party",
            )
        ):
            cols_[flag] = self.consents[idx, j]
        if self.on_export is not None:
            self.on_export(d, idx, self.seg[idx].copy())
        schema = TABLES_BY_FOLDER["crm/contacts"].schema
        return pa.Table.from_arrays(
            [
                v if isinstance(v, pa.Array) else to_arrow(v, f.type)
                for f, v in ((f, cols_[f.name]) for f in schema)
            ],
            schema=schema,
        )

    # ------------------------------------------------------------------ main loop

    def run(
        self, sink: Callable[[int, pa.Table], None], tick: Callable[[], object] | None = None
    ) -> SimOutput:
        """Simulate every business day; sink receives each day's contacts export, tick is called after each day."""
        cmp, clock = self.cmp, self.clock
        camp_day = clock.msk_day(cmp.launched_us)
        rows: dict[str, int] = {}
        for d in range(clock.days):
            change_ts = np.full(self.n, NULL_TS, np.int64)
            blocked = np.array([], np.int64)
            moves = (np.array([], np.int64),) * 3
            self._apply_engagement(d)
            if d > 0:  # day 0: the state as of the start stands (covers first-day sends)
                moves = self._batch(d, change_ts)
                blocked = self._edits(d, change_ts)
            reg_idx, reg_ts = self._registrations(d)
            s_idx, s_ts, s_camp = [], [], []
            for ci in np.flatnonzero((camp_day == d) & (cmp.email_type != "trigger")):
                i, t = self._bulk_audience(int(ci), blocked)
                s_idx.append(i)
                s_ts.append(t)
                s_camp.append(np.full(len(i), ci, np.int64))
            m_idx, m_ts, m_seg = moves
            offs = (
                np.where(self.rng.random(len(m_idx)) < 0.3, 0, self.rng.integers(1, 41, len(m_idx)))
                * SEC
            )
            for trig, sel, t in (
                (
                    "welcome",
                    np.ones(len(reg_idx), bool),
                    reg_ts + self.rng.integers(120, 1800, len(reg_idx)) * SEC,
                ),
                ("winback", (m_seg == AT_RISK) & (self.rng.random(len(m_idx)) < 0.7), m_ts + offs),
                (
                    "lastchance",
                    (m_seg == CHURNED) & (self.rng.random(len(m_idx)) < 0.6),
                    m_ts + offs,
                ),
            ):
                src = reg_idx if trig == "welcome" else m_idx
                i, tt, c = self._triggers(trig, src[sel], t[sel], blocked)
                s_idx.append(i)
                s_ts.append(tt)
                s_camp.append(c)
            self._send_events(
                d, np.concatenate(s_idx), np.concatenate(s_ts), np.concatenate(s_camp)
            )
            self._background(d)
            table = self.export_table(d)
            rows[clock.day_str(d)] = table.num_rows
            sink(d, table)
            if tick is not None:
                tick()
        return self._output(rows)

    def _output(self, rows: dict[str, int]) -> SimOutput:
        cat = lambda parts, k: (  # noqa: E731
            np.concatenate([p[k] for p in parts]) if parts else np.array([], np.int64)
        )
        campaigns = self.campaign_rows
        campaign_table_rows(self.rng, self.clock, self.cmp, campaigns)
        history = {
            "idx": cat(self.hist, 0),
            "ts": cat(self.hist, 1),
            "seg": cat(self.hist, 2),
            "mask": cat(self.hist, 3),
            "deleted": cat(self.hist, 4),
        }
        removals = {"idx": cat(self.removed, 0), "ts": cat(self.removed, 1)}
        sends = {
            "event_id": cat(self.sends, 0),
            "camp": cat(self.sends, 1),
            "idx": cat(self.sends, 2),
            "ts": cat(self.sends, 3),
        }
        clicks = {
            "person": cat(self.clicks, 0),
            "ts": cat(self.clicks, 1),
            "camp": cat(self.clicks, 2),
        }
        wregs = {"idx": cat(self.wregs, 0), "ts": cat(self.wregs, 1), "brand": cat(self.wregs, 2)}
        return SimOutput(
            self.ev, campaigns, self.act, self.logins, history, removals, sends, clicks, wregs, rows
        )
