"""Synthetic landing zone + ground truth for the marketing warehouse (see scripts/generate_data.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..contract import TABLES, TABLES_BY_FOLDER
from .ad_catalog import build_catalog
from .ad_costs import build_ad_costs
from .calls_and_requests import build_calls, build_requests, shared_phone_of_person
from .common import Clock, Counter
from .contact_state import CODE_ARR, SEGMENTS, SEGMENTS_ARROW
from .crm_esp import CrmEspSimulation
from .effects import PlantedEffect, planted_truth
from .esp_campaigns import build_campaigns
from .leads_and_deals import build_deals, build_leads
from .output import contact_history, identities, sends_truth, write_chunks, write_parquet
from .people import Cards, People, build_cards, build_people
from .presets import PRESETS, Preset, Volumes
from .sessions import build_sessions
from .spool import BackgroundWriter, TableSpool

__all__ = ["PRESETS", "PlantedEffect", "Preset", "Volumes", "generate"]


def _retype(values: np.ndarray) -> np.ndarray:
    """Re-typed copies (a changed, harmless non-key field)."""
    return np.array(
        [None if v is None else (v.upper() if v != v.upper() else v.lower()) for v in values],
        dtype=object,
    )


def _registry(people: People, cards: Cards) -> pd.DataFrame:
    """Normalized identifier -> true person (shared reception phones belong to nobody)."""
    pid = people.person_id
    parts = []
    for col in (people.email1, people.email2):
        has = col != None  # noqa: E711
        parts.append(
            pd.DataFrame(
                {"identifier_type": "email", "identifier": col[has], "person_id": pid[has]}
            )
        )
    for col in (people.phone1, people.phone2):
        has = col > 0
        parts.append(
            pd.DataFrame(
                {
                    "identifier_type": "phone",
                    "identifier": [f"+7{p:010d}" for p in col[has]],
                    "person_id": pid[has],
                }
            )
        )
    owner = np.repeat(np.arange(len(pid)), np.diff(people.cookie_off))
    parts.append(
        pd.DataFrame(
            {"identifier_type": "client_id", "identifier": people.cookies, "person_id": pid[owner]}
        )
    )
    parts.append(
        pd.DataFrame(
            {
                "identifier_type": "contact_id",
                "identifier": cards.contact_id,
                "person_id": pid[cards.person],
            }
        )
    )
    reg = pd.concat(parts, ignore_index=True)
    reg["is_shared"] = False
    shared = pd.DataFrame(
        {
            "identifier_type": "phone",
            "identifier": [f"+7{p:010d}" for p in people.shared_phones],
            "person_id": None,
            "is_shared": True,
        }
    )
    return pd.concat([reg, shared], ignore_index=True)


class SeenIdentifiers:
    """Distinct raw identifiers per kind, accumulated as Arrow arrays (deduplicated as they come)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[pa.Array]] = {
            "email": [],
            "phone": [],
            "client_id": [],
            "contact_id": [],
        }

    def add(self, kind: str, values: pa.Array | pa.ChunkedArray) -> None:
        parts = self.parts[kind]
        parts.append(pc.unique(values))
        # merge when the newer parts outgrow the merged one (a contacts export repeats most values
        # of the day before): memory stays near the distinct count, merging costs O(n log n) in all
        if sum(len(p) for p in parts[1:]) > max(1_000_000, len(parts[0])):
            self.parts[kind] = [pc.unique(pa.chunked_array(parts))]

    def arrays(self) -> dict[str, list[np.ndarray]]:
        return {
            kind: [
                pc.unique(pa.chunked_array(parts, type=pa.string())).to_numpy(zero_copy_only=False)
            ]
            if parts
            else []
            for kind, parts in self.parts.items()
        }


# identifier columns of each raw table (contacts are collected as they are exported)
IDENTIFIER_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "esp/events": (("email", "email"), ("contact_id", "contact_id")),
    "calltracking/requests": (("email", "email"), ("phone", "phone"), ("client_id", "client_id")),
    "crm/leads": (("email", "email"), ("phone", "phone"), ("contact_id", "contact_id")),
    "calltracking/calls": (("phone", "caller_phone"),),
    "calltracking/sessions": (("client_id", "client_id"),),
    "crm/site_logins": (("client_id", "client_id"), ("contact_id", "contact_id")),
    "crm/activities": (("contact_id", "contact_id"),),
}


class _ProgressBar(Protocol):
    """What the generator uses of a tqdm bar (and _NoBar)."""

    def update(self, n: int = 1) -> object: ...

    def set_description(self, desc: str) -> None: ...

    def close(self) -> None: ...


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, desc: str) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(progress: bool, total: int, desc: str) -> _ProgressBar:
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="day", dynamic_ncols=True)


def generate(
    out_dir: Path,
    days: int = 90,
    contacts: int = 2500,
    scale: float = 1.0,
    seed: int = 42,
    start_date: date = date(2026, 1, 5),
    volumes: Volumes = Volumes(),
    heavy_truth: bool = True,
    progress: bool = False,
    spill_rows: int = 2_000_000,
    effect: PlantedEffect | None = PlantedEffect(),
) -> dict[str, int]:
    """Write <out_dir>/raw and <out_dir>/ground_truth; return rows written per table.

    Tables are written day by day; big ones wait in Arrow IPC files under <out_dir>/.spool until
    their re-exports and malformed rows are drawn (removed at the end). heavy_truth=False skips
    the two ground-truth files that grow with contacts x days (contact_days, sends). spill_rows: rows a
    table keeps in memory before its days go to the spool files. effect: the causal effect planted
    in the simulation (effects.py), recorded in ground_truth/planted_effects."""
    out_dir = Path(out_dir)
    raw, truth, spool_dir = out_dir / "raw", out_dir / "ground_truth", out_dir / ".spool"
    for directory in (raw, truth, spool_dir):
        if directory.exists():
            shutil.rmtree(directory)
    truth.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    clock = Clock(start_date, days)
    n_cards = max(50, round(contacts * scale))
    vol = n_cards / 3000 * days / 90
    n_doctors = round(n_cards / 1.03)
    people = build_people(
        rng,
        n_doctors,
        round(0.5 * n_cards),
        round(0.1 * n_cards),
        round(2.5 * n_cards),
        max(3, round(n_cards / 500)),
    )
    cards = build_cards(rng, people, n_cards, n_doctors, clock, new_share=0.12)
    counter = Counter()
    campaigns = build_campaigns(rng, clock, counter)
    spools = {
        t.folder: TableSpool(t.folder, spool_dir, spill_rows)
        for t in TABLES
        if t.folder != "crm/contacts"
    }
    epoch0 = (start_date - date(1970, 1, 1)).days

    malformed: list[dict[str, object]] = []
    seen = SeenIdentifiers()
    bad_day = days // 2
    counts: dict[str, int] = {}
    writer = BackgroundWriter()
    days_writer: pq.ParquetWriter | None = None
    contact_id_arrow = pa.array(cards.contact_id, type=pa.string())
    days_schema = pa.schema(
        [("contact_id", pa.string()), ("date", pa.date32()), ("activity_segment", pa.string())]
    )
    if heavy_truth:
        days_writer = pq.ParquetWriter(
            truth / "contact_days.parquet",
            days_schema,
            compression="zstd",
            compression_level=9,
            use_dictionary=["date", "activity_segment"],
        )

    def on_export(d: int, idx: np.ndarray, seg: np.ndarray) -> None:
        if days_writer is not None:
            days_writer.write_table(
                pa.table(
                    {
                        "contact_id": contact_id_arrow.take(pa.array(idx)),
                        "date": pa.array(
                            np.full(len(idx), d + epoch0, np.int32), type=pa.int32()
                        ).cast(pa.date32()),
                        "activity_segment": SEGMENTS_ARROW.take(pa.array(seg)),
                    },
                    schema=days_schema,
                )
            )

    def sink(d: int, table: pa.Table) -> None:
        for kind, col in (("email", "email"), ("phone", "phone"), ("contact_id", "contact_id")):
            seen.add(kind, table.column(col))
        if d == bad_day and table.num_rows:
            bad = table.slice(0, 1).set_column(0, "contact_id", pa.array([None], type=pa.string()))
            table = pa.concat_tables([table, bad])
            malformed.append(
                {
                    "table": "crm/contacts",
                    "file": f"contacts_{clock.day_str(d)}.parquet",
                    "primary_key": None,
                    "reason": "null primary key contact_id",
                }
            )
        counts["crm/contacts"] = counts.get("crm/contacts", 0) + table.num_rows
        writer.submit(
            write_parquet, table, raw / "crm/contacts" / f"contacts_{clock.day_str(d)}.parquet"
        )

    sim = CrmEspSimulation(
        rng,
        clock,
        people,
        cards,
        campaigns,
        counter,
        spools=spools,
        track_sends=heavy_truth,
        on_export=on_export,
        effect=effect,
        effect_seed=seed,
    )
    bar = _bar(progress, days, "simulating CRM + ESP")
    try:
        out = sim.run(sink, tick=bar.update)
    finally:
        bar.close()
        if days_writer is not None:
            days_writer.close()
    counts.setdefault("crm/contacts", 0)

    # calltracking + sales side
    catalog = build_catalog(rng, volumes.extra_ad_campaigns)
    visits = build_sessions(
        rng,
        clock,
        people,
        catalog,
        out.email_clicks,
        campaigns.utm,
        campaigns.brand,
        round(22_000 * vol * volumes.sessions),
    )
    shared_of = shared_phone_of_person(people, cards)
    calls, call_person = build_calls(
        rng,
        clock,
        people,
        cards,
        visits,
        shared_of,
        round(450 * vol * volumes.offline_calls),
        volumes.call_rate,
    )
    requests, req_person = build_requests(rng, clock, people, visits)
    gone_at = np.full(cards.n, np.iinfo(np.int64).max, np.int64)
    gone_at[out.removals["idx"]] = out.removals["ts"]
    deleted = out.history["deleted"]
    np.minimum.at(gone_at, out.history["idx"][deleted], out.history["ts"][deleted])
    leads = build_leads(
        rng,
        clock,
        people,
        cards,
        calls,
        call_person,
        requests,
        req_person,
        out.webinar_regs,
        round(280 * vol * volumes.offline_visits),
        gone_at,
        volumes.lead_rate,
    )
    build_deals(
        rng, clock, leads, spools["crm/deals"], spools["crm/deal_stages"], volumes.deal_rate
    )
    build_ad_costs(rng, clock, catalog, visits, spools["calltracking/ad_costs"], vol, epoch0)
    spools["crm/leads"].add(clock.msk_day(leads["created_at"]), **leads)
    spools["calltracking/sessions"].add(clock.msk_day(visits.cols["started_at"]), **visits.cols)
    spools["calltracking/calls"].add(clock.msk_day(calls["_ts"]), **calls)
    spools["calltracking/requests"].add(clock.msk_day(requests["created_at"]), **requests)
    del visits, calls, requests, leads

    # natural mess: re-exports (identical, a few with a changed non-key field)
    modifiers = {
        "esp/events": lambda f: f.__setitem__("email", _retype(f["email"])),
        "calltracking/requests": lambda f: f.__setitem__("name", _retype(f["name"])),
        "calltracking/sessions": lambda f: f.__setitem__(
            "landing_url", np.array([u + "/" for u in f["landing_url"]], dtype=object)
        ),
        "crm/site_logins": None,
        "crm/activities": None,
        "crm/leads": None,
        "calltracking/calls": None,
    }
    for folder, modify in modifiers.items():
        spools[folder].add_reexports(rng, days, 0.01, modify)
    bad_specs: dict[str, list[tuple[str, object, str]]] = {
        "esp/events": [
            ("event_type", "opend", "unknown event_type 'opend'"),
            ("event_type", "clickd", "unknown event_type 'clickd'"),
            ("event_id", None, "null primary key event_id"),
        ],
        "crm/activities": [
            ("activity_type", "webinar_regstration", "unknown activity_type 'webinar_regstration'")
        ],
        "crm/leads": [
            ("lead_id", None, "null primary key lead_id"),
            ("lead_channel", "walk_in", "unknown lead_channel 'walk_in'"),
        ],
        "crm/deal_stages": [("stage", "negotiation", "unknown stage 'negotiation'")],
        "calltracking/sessions": [("session_id", None, "null primary key session_id")],
        "calltracking/calls": [
            ("call_started_at", "32.01.2026 25:61:00", "unparseable call_started_at"),
            ("call_started_at", "вчера 14:05", "unparseable call_started_at"),
        ],
        "calltracking/requests": [("request_type", "email", "unknown request_type 'email'")],
    }
    for folder, specs in bad_specs.items():
        spools[folder].add_malformed(rng, clock, specs, malformed)

    bar = _bar(progress, sum(len(s.iter_days()) for s in spools.values()), "writing raw tables")
    try:
        for folder, spool in spools.items():
            bar.set_description(f"writing {folder}")
            table = TABLES_BY_FOLDER[folder]
            counts[folder] = 0
            # A table with no rows on any day still gets one (empty) file on day 0: the
            # contract wants one or more files per table (a small zone may have no deals).
            for d in list(spool.iter_days()) or [0]:
                rows = spool.assemble(d)
                for kind, col in IDENTIFIER_COLUMNS.get(folder, ()):
                    seen.add(kind, rows.column(col))
                counts[folder] += rows.num_rows
                writer.submit(write_parquet, rows, raw / folder / table.file_name(clock.day_str(d)))
                spool.release(d)
                bar.update()
            spool.cleanup()
        writer.close()
    finally:
        bar.close()
    shutil.rmtree(spool_dir, ignore_errors=True)

    # ground truth
    gt: dict[str, Callable[[], Iterator[pa.Table]]] = {
        "identities": lambda: iter([identities(seen.arrays(), _registry(people, cards))]),
        "contact_history": lambda: contact_history(
            out.history, out.removals, cards.contact_id, SEGMENTS, CODE_ARR
        ),
        "sends": lambda: sends_truth(
            out.sends,
            out.history,
            cards.contact_id,
            campaigns.campaign_id,
            SEGMENTS,
            CODE_ARR,
            clock.base,
        ),
        "planted_effects": lambda: iter([planted_truth(effect, *sim.effect_counts)]),
        "malformed_rows": lambda: iter(
            [
                pa.table(
                    {
                        k: pa.array([m[k] for m in malformed], type=pa.string())
                        for k in ("table", "file", "primary_key", "reason")
                    }
                )
            ]
        ),
    }
    if not heavy_truth:
        del gt["sends"]
    else:
        counts["ground_truth/contact_days"] = pq.read_metadata(
            truth / "contact_days.parquet"
        ).num_rows
    for name, chunks in gt.items():
        counts[f"ground_truth/{name}"] = write_chunks(truth / f"{name}.parquet", chunks())
    counts = {
        **{k: counts[k] for k in ["crm/contacts", *spools]},
        **{k: v for k, v in counts.items() if k.startswith("ground_truth/")},
    }
    assert {t.folder for t in TABLES} <= set(counts)
    return counts
