"""Synthetic landing zone + ground truth for the marketing warehouse (see scripts/generate_data.py)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..contract import TABLES
from .calltracking import (COLS, build_ad_costs, build_calls, build_catalog, build_deals, build_leads,
                           build_requests, build_sessions, shared_phone_of_person)
from .common import Buffer, Clock, Counter
from .crm_esp import CODE_ARR, SEGMENTS, CrmEspSimulation, build_campaigns
from .output import (add_malformed, add_reexports, contact_history, identities, sends_truth, write_parquet,
                     write_table_days)
from .people import Cards, People, build_cards, build_people

__all__ = ["generate"]


def _frame_from_cols(cols: dict[str, np.ndarray], columns: tuple[str, ...], day: np.ndarray) -> dict[str, np.ndarray]:
    return {"_day": np.asarray(day, dtype=np.int64), **{c: cols[c] for c in columns}}


def _retype(values: np.ndarray) -> np.ndarray:
    """Re-typed copies (a changed, harmless non-key field)."""
    return np.array([None if v is None else (v.upper() if v != v.upper() else v.lower()) for v in values], dtype=object)


def _registry(people: People, cards: Cards) -> pd.DataFrame:
    """Normalized identifier -> true person (shared reception phones belong to nobody)."""
    pid = people.person_id
    parts = []
    for col in (people.email1, people.email2):
        has = col != None  # noqa: E711
        parts.append(pd.DataFrame({"identifier_type": "email", "identifier": col[has], "person_id": pid[has]}))
    for col in (people.phone1, people.phone2):
        has = col > 0
        parts.append(pd.DataFrame({"identifier_type": "phone", "identifier": [f"+7{p:010d}" for p in col[has]],
                                   "person_id": pid[has]}))
    owner = np.repeat(np.arange(len(pid)), np.diff(people.cookie_off))
    parts.append(pd.DataFrame({"identifier_type": "client_id", "identifier": people.cookies, "person_id": pid[owner]}))
    parts.append(pd.DataFrame({"identifier_type": "contact_id", "identifier": cards.contact_id,
                               "person_id": pid[cards.person]}))
    reg = pd.concat(parts, ignore_index=True)
    reg["is_shared"] = False
    shared = pd.DataFrame({"identifier_type": "phone", "identifier": [f"+7{p:010d}" for p in people.shared_phones],
                           "person_id": None, "is_shared": True})
    return pd.concat([reg, shared], ignore_index=True)


def generate(out_dir: Path, days: int = 90, contacts: int = 2500, scale: float = 1.0, seed: int = 42,
             start_date: date = date(2026, 1, 5)) -> dict[str, int]:
    """Write <out_dir>/raw and <out_dir>/ground_truth; return rows written per table."""
    out_dir = Path(out_dir)
    raw, truth = out_dir / "raw", out_dir / "ground_truth"
    for d in (raw, truth):
        if d.exists():
            shutil.rmtree(d)
    rng = np.random.default_rng(seed)
    clock = Clock(start_date, days)
    n_cards = max(50, round(contacts * scale))
    vol = n_cards / 3000 * days / 90
    n_doctors = round(n_cards / 1.03)
    people = build_people(rng, n_doctors, round(0.5 * n_cards), round(0.1 * n_cards), round(2.5 * n_cards),
                          max(3, round(n_cards / 500)))
    cards = build_cards(rng, people, n_cards, n_doctors, clock, new_share=0.12)
    counter = Counter()
    campaigns = build_campaigns(rng, clock, counter)
    sim = CrmEspSimulation(rng, clock, people, cards, campaigns, counter)

    malformed: list[dict[str, object]] = []
    seen: dict[str, list[np.ndarray]] = {"email": [], "phone": [], "client_id": [], "contact_id": []}
    bad_day = days // 2

    def sink(d: int, table: pa.Table) -> None:
        for kind, col in (("email", "email"), ("phone", "phone"), ("contact_id", "contact_id")):
            seen[kind].append(pd.unique(table.column(col).to_numpy(zero_copy_only=False)))
        if d == bad_day and table.num_rows:
            bad = table.slice(0, 1).set_column(0, "contact_id", pa.array([None], type=pa.string()))
            table = pa.concat_tables([table, bad])
            malformed.append({"table": "crm/contacts", "file": f"contacts_{clock.day_str(d)}.parquet",
                              "primary_key": None, "reason": "null primary key contact_id"})
        write_parquet(table, raw / "crm/contacts" / f"contacts_{clock.day_str(d)}.parquet")

    out = sim.run(sink)
    counts: dict[str, int] = {"crm/contacts": sum(out.contact_rows.values()) + (1 if days > bad_day else 0)}

    # calltracking + sales side
    catalog = build_catalog(rng)
    visits = build_sessions(rng, clock, people, catalog, out.email_clicks, campaigns.utm, campaigns.brand,
                            round(22_000 * vol))
    shared_of = shared_phone_of_person(people, cards)
    calls, call_person = build_calls(rng, clock, people, cards, visits, shared_of, round(450 * vol))
    requests, req_person = build_requests(rng, clock, people, visits)
    gone_at = np.full(cards.n, np.iinfo(np.int64).max, np.int64)
    gone_at[out.removals["idx"]] = out.removals["ts"]
    deleted = out.history["deleted"]
    np.minimum.at(gone_at, out.history["idx"][deleted], out.history["ts"][deleted])
    leads = build_leads(rng, clock, people, cards, calls, call_person, requests, req_person, out.webinar_regs,
                        round(280 * vol), gone_at)
    deals, stages, costs = Buffer(COLS["crm/deals"]), Buffer(COLS["crm/deal_stages"]), Buffer(COLS["calltracking/ad_costs"])
    build_deals(rng, clock, leads, deals, stages)
    build_ad_costs(rng, clock, catalog, visits.cols, costs, vol)
    epoch0 = (start_date - date(1970, 1, 1)).days
    for chunk in costs.chunks:
        chunk["date"] = chunk["date"] + epoch0

    frames = {
        "esp/campaigns": out.campaigns.frame(),
        "esp/events": out.events.frame(),
        "crm/activities": out.activities.frame(),
        "crm/site_logins": out.logins.frame(),
        "crm/leads": _frame_from_cols(leads, COLS["crm/leads"], clock.msk_day(leads["created_at"])),
        "crm/deals": deals.frame(),
        "crm/deal_stages": stages.frame(),
        "calltracking/sessions": _frame_from_cols(visits.cols, COLS["calltracking/sessions"],
                                                  clock.msk_day(visits.cols["started_at"])),
        "calltracking/calls": _frame_from_cols(calls, COLS["calltracking/calls"], clock.msk_day(calls["_ts"])),
        "calltracking/requests": _frame_from_cols(requests, COLS["calltracking/requests"],
                                                  clock.msk_day(requests["created_at"])),
        "calltracking/ad_costs": costs.frame(),
    }
    # natural mess: re-exports (identical, a few with a changed non-key field)
    modifiers = {
        "esp/events": lambda f: f.__setitem__("email", _retype(f["email"])),
        "calltracking/requests": lambda f: f.__setitem__("name", _retype(f["name"])),
        "calltracking/sessions": lambda f: f.__setitem__("landing_url", np.array(
            [u + "/" for u in f["landing_url"]], dtype=object)),
        "crm/site_logins": None, "crm/activities": None, "crm/leads": None, "calltracking/calls": None,
    }
    for folder, modify in modifiers.items():
        frames[folder] = add_reexports(rng, frames[folder], days, 0.01, modify)
    bad_specs: dict[str, list[tuple[str, object, str]]] = {
        "esp/events": [("event_type", "opend", "unknown event_type 'opend'"),
                       ("event_type", "clickd", "unknown event_type 'clickd'"),
                       ("event_id", None, "null primary key event_id")],
        "crm/activities": [("activity_type", "webinar_regstration", "unknown activity_type 'webinar_regstration'")],
        "crm/leads": [("lead_id", None, "null primary key lead_id"),
                      ("lead_channel", "walk_in", "unknown lead_channel 'walk_in'")],
        "crm/deal_stages": [("stage", "negotiation", "unknown stage 'negotiation'")],
        "calltracking/sessions": [("session_id", None, "null primary key session_id")],
        "calltracking/calls": [("call_started_at", "32.01.2026 25:61:00", "unparseable call_started_at"),
                               ("call_started_at", "вчера 14:05", "unparseable call_started_at")],
        "calltracking/requests": [("request_type", "email", "unknown request_type 'email'")],
    }
    for folder, specs in bad_specs.items():
        frames[folder] = add_malformed(rng, folder, frames[folder], clock, specs, malformed)

    for folder, frame in frames.items():
        counts[folder] = write_table_days(raw, folder, frame, clock)
    for kind, folder, col in (("email", "esp/events", "email"), ("email", "calltracking/requests", "email"),
                              ("email", "crm/leads", "email"), ("phone", "calltracking/calls", "caller_phone"),
                              ("phone", "calltracking/requests", "phone"), ("phone", "crm/leads", "phone"),
                              ("client_id", "calltracking/sessions", "client_id"),
                              ("client_id", "crm/site_logins", "client_id"),
                              ("client_id", "calltracking/requests", "client_id"),
                              ("contact_id", "esp/events", "contact_id"), ("contact_id", "crm/leads", "contact_id"),
                              ("contact_id", "crm/activities", "contact_id"),
                              ("contact_id", "crm/site_logins", "contact_id")):
        seen[kind].append(frames[folder][col])

    # ground truth
    gt = {
        "identities": identities(seen, _registry(people, cards)),
        "contact_history": contact_history(out.history, out.removals, cards.contact_id, SEGMENTS, CODE_ARR),
        "contact_days": pa.table({
            "contact_id": pa.array(cards.contact_id[out.contact_days["idx"]], type=pa.string()),
            "date": pa.array((out.contact_days["day"] + epoch0).astype(np.int32), type=pa.int32()).cast(pa.date32()),
            "activity_segment": pa.array(SEGMENTS[out.contact_days["seg"]], type=pa.string()),
        }),
        "sends": sends_truth(out.sends, out.history, cards.contact_id, campaigns.campaign_id, SEGMENTS, CODE_ARR,
                             clock.base),
        "malformed_rows": pa.table({k: pa.array([m[k] for m in malformed], type=pa.string())
                                    for k in ("table", "file", "primary_key", "reason")}),
    }
    for name, table in gt.items():
        write_parquet(table, truth / f"{name}.parquet")
        counts[f"ground_truth/{name}"] = table.num_rows
    assert set(t.folder for t in TABLES) <= set(counts)
    return counts

