"""Day-by-day simulation of CRM contacts (segments, edits, deletions) and ESP campaigns and events.

The simulation is built in layers, one module each: contact_state.py (the cards and their
nightly batch), contact_activities.py, esp_traffic.py, and this loop over the days, which also
exports crm/contacts (contacts_export.py) and esp/campaigns (esp_campaigns.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .cards import Cards
from .common import NULL_TS, SEC, Clock, Counter
from .contact_state import AT_RISK, CHURNED
from .contacts_export import ExportSnapshot
from .effects import PlantedEffect
from .esp_campaigns import Campaigns, campaign_table_rows
from .esp_traffic import EspTraffic
from .people import People
from .spool import TableSpool


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


class CrmEspSimulation(EspTraffic):
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
        spools = spools or {}
        super().__init__(
            rng,
            clock,
            people,
            cards,
            campaigns,
            counter,
            spools,
            track_sends=track_sends,
            effect=effect,
            effect_seed=effect_seed,
        )
        self.campaign_rows = spools.get("esp/campaigns") or TableSpool("esp/campaigns")
        self.on_export = on_export

    def export_snapshot(self, d: int) -> ExportSnapshot:
        """The state behind day d's crm/contacts full export (the sink builds its table);
        on_export is told which contacts and segments it holds."""
        snap = ExportSnapshot.of(self, np.flatnonzero(self.present))
        if self.on_export is not None:
            self.on_export(d, snap.idx, snap.seg)
        return snap

    # ------------------------------------------------------------------ main loop

    def run(
        self,
        sink: Callable[[int, ExportSnapshot], None],
        tick: Callable[[], object] | None = None,
    ) -> SimOutput:
        """Simulate every business day; sink receives the state behind each day's contacts export
        (ContactsExport.snapshot_table makes it the table), tick is called after each day."""
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
            snap = self.export_snapshot(d)
            rows[clock.day_str(d)] = len(snap.idx)
            sink(d, snap)
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
