"""ESP traffic: campaign audiences, trigger sends, esp/events, and what email clicks lead to."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..contract import BRANDS
from .cards import Cards
from .common import SEC, Clock, Counter, arrow_ids
from .contact_activities import ContactActivities
from .contact_state import ACTIVE, CHURNED, SEGMENTS
from .effects import PlantedEffect
from .esp_campaigns import Campaigns
from .people import People
from .spool import TableSpool

EVENT_TYPES = ["sent", "delivered", "bounced", "opened", "clicked", "unsubscribed", "complained"]
EVENT_TYPES_ARROW = pa.array(EVENT_TYPES, type=pa.string())
BOUNCED, OPENED, CLICKED, UNSUBSCRIBED, COMPLAINED = (
    EVENT_TYPES.index(t) for t in ("bounced", "opened", "clicked", "unsubscribed", "complained")
)
BOUNCE_KINDS_ARROW = pa.array(["soft", "hard"], type=pa.string())
EMAIL_TYPE_FACTOR = {"digest": 0.85, "activation": 1.0, "webinar_invitation": 1.1, "trigger": 1.25}
OPEN_BY_SEG = np.array([0.30, 0.45, 0.12, 0.04])
SPEC_FACTOR = np.array([1.0, 1.1, 0.95, 1.0, 0.9, 1.05, 0.8, 0.85])


class EspTraffic(ContactActivities):
    """Contacts that receive email: who gets each send, the events it causes and their follow-ups."""

    def __init__(
        self,
        rng: np.random.Generator,
        clock: Clock,
        people: People,
        cards: Cards,
        campaigns: Campaigns,
        counter: Counter,
        spools: dict[str, TableSpool],
        track_sends: bool,
        effect: PlantedEffect | None,
        effect_seed: int,
    ) -> None:
        super().__init__(rng, clock, people, cards, counter, spools)
        self.cmp = campaigns
        self.trigger_sent: dict[int, np.ndarray] = {}
        self.ev = spools.get("esp/events") or TableSpool("esp/events")
        self.track_sends = track_sends
        self.sends: list[tuple[np.ndarray, ...]] = []
        # per campaign: engagement factor of its email type (looked up per send)
        self.type_factor = np.array(
            [EMAIL_TYPE_FACTOR[t] for t in campaigns.email_type], dtype=float
        )
        url = [
            f"https://pharma.example/{'digest' if b is None else b}/{page}"
            f"?utm_source=esp&utm_medium=email&utm_campaign={utm}"
            for b, page, utm in zip(campaigns.brand, campaigns.pages, campaigns.utm)
        ]
        self._arrow = {
            "campaign_id": pa.array(campaigns.campaign_id, type=pa.string()),
            "contact_id": pa.array(cards.contact_id, type=pa.string()),
            # every card's email, then its other one (taken at card + n when swapped)
            "emails": pa.concat_arrays(
                [
                    pa.array(cards.email_raw, type=pa.string(), from_pandas=True),
                    pa.array(cards.email_alt_raw, type=pa.string(), from_pandas=True),
                ]
            ),
            "url": pa.array(url, type=pa.string()),
        }
        self.clicks: list[tuple[np.ndarray, ...]] = []
        self.effect = effect
        self.effect_counts = [0, 0]  # eligible sends, responses
        # its own stream, so that planting the effect does not shift the other draws
        self.effect_rng = np.random.default_rng(effect_seed)

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
        card = s_idx[pos[keep]]
        k_camp = pa.array(camp[keep])
        k_email = pa.array(card + self.n * self.email_flip[card].astype(card.dtype))
        self.ev.add(
            day[keep],
            event_id=arrow_ids("ev", numbers[keep], 10),
            campaign_id=a["campaign_id"].take(k_camp),
            contact_id=a["contact_id"].take(pa.array(card, mask=no_cid[keep])),
            email=a["emails"].take(k_email),
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
