"""generate(): one run of the generator, stage by stage, into <out_dir>/raw and <out_dir>/ground_truth.

Stages, in the order their random draws are taken (the order is what makes a seed reproducible):
people (people.py) and contact cards (cards.py), the ESP calendar (esp_campaigns.py), the
day-by-day CRM + ESP simulation (crm_esp.py), the calltracking and sales side
(calltracking_and_sales.py), the natural mess (natural_mess.py); then the raw files are written
day by day and the ground truth last.

Work without random draws runs on threads beside them (Arrow and numpy release the GIL): each day's
crm/contacts export is built and written while the next day is simulated (contacts_writer.py), raw
files are written two at a time, and contact_history, sends and the identity registry are built
and written while the calltracking side is drawn and the raw tables are written.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import TABLES, TABLES_BY_FOLDER
from .calltracking_and_sales import simulate_calltracking_and_sales
from .cards import build_cards
from .common import Clock, Counter
from .contact_state import CODE_ARR, SEGMENTS
from .contacts_writer import ContactsWriter
from .crm_esp import CrmEspSimulation
from .effects import PlantedEffect, planted_truth
from .esp_campaigns import build_campaigns
from .identifiers import IDENTIFIER_COLUMNS, SeenIdentifiers, identity_registry
from .natural_mess import add_natural_mess
from .output import contact_history, identities, sends_truth, write_chunks, write_parquet
from .people import build_people
from .presets import Volumes
from .progress import progress_bar
from .spool import BackgroundWriter, TableSpool


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
    counts: dict[str, int] = {}
    writer = BackgroundWriter(depth=3, workers=2)  # two raw files written at a time
    contacts_writer = ContactsWriter(
        raw,
        truth / "contact_days.parquet" if heavy_truth else None,
        clock,
        cards,
        epoch0,
        seen,
        writer,
        malformed,
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
        on_export=contacts_writer.on_export,
        effect=effect,
        effect_seed=seed,
    )
    bar = progress_bar(progress, days, "simulating CRM + ESP")
    try:
        out = sim.run(contacts_writer.sink, tick=bar.update)
    finally:
        bar.close()
        contacts_writer.close()
    counts["crm/contacts"] = contacts_writer.rows

    # The ground truth that the simulation alone decides is built and written on a thread of its
    # own while the calltracking side is drawn and the raw tables are written (no random draws).
    truth_pool = ThreadPoolExecutor(max_workers=1)
    try:
        early: dict[str, Callable[[], Iterator[pa.Table]]] = {
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
        }
        if not heavy_truth:
            del early["sends"]
        early_rows = {
            name: truth_pool.submit(write_chunks, truth / f"{name}.parquet", chunks())
            for name, chunks in early.items()
        }
        registry = truth_pool.submit(identity_registry, people, cards)

        simulate_calltracking_and_sales(
            rng, clock, people, cards, campaigns, out, spools, volumes, vol, epoch0
        )
        add_natural_mess(rng, clock, spools, malformed)

        bar = progress_bar(
            progress, sum(len(s.iter_days()) for s in spools.values()), "writing raw tables"
        )
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
                    writer.submit(
                        write_parquet, rows, raw / folder / table.file_name(clock.day_str(d))
                    )
                    spool.release(d)
                    bar.update()
                spool.cleanup()
            writer.close()
        finally:
            bar.close()
        shutil.rmtree(spool_dir, ignore_errors=True)

        # the rest of the ground truth
        late: dict[str, Callable[[], Iterator[pa.Table]]] = {
            "identities": lambda: iter([identities(seen.unique(), registry.result())]),
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
        if heavy_truth:
            counts["ground_truth/contact_days"] = pq.read_metadata(
                truth / "contact_days.parquet"
            ).num_rows
        rows_of = {
            name: write_chunks(truth / f"{name}.parquet", chunks()) for name, chunks in late.items()
        }
        rows_of.update({name: f.result() for name, f in early_rows.items()})
    finally:
        truth_pool.shutdown()
    for name in ("identities", "contact_history", "sends", "planted_effects", "malformed_rows"):
        if name in rows_of:
            counts[f"ground_truth/{name}"] = rows_of[name]
    counts = {
        **{k: counts[k] for k in ["crm/contacts", *spools]},
        **{k: v for k, v in counts.items() if k.startswith("ground_truth/")},
    }
    assert {t.folder for t in TABLES} <= set(counts)
    return counts
