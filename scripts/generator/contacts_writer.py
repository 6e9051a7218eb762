"""Where each day's crm/contacts export goes: its parquet file (one malformed row planted mid-period),
the identifiers it carries, and ground_truth/contact_days (every contact's segment on every day).

The simulation hands over a snapshot of each day's state; the table is built on a thread of its own,
written by the generator's background writer, and contact_days is written on a third thread, so
the three overlap with the simulation of the next days (Arrow and numpy release the GIL)."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .cards import Cards
from .common import Clock
from .contact_state import SEGMENTS_ARROW
from .contacts_export import ContactsExport, ExportSnapshot
from .identifiers import SeenIdentifiers
from .output import write_parquet
from .spool import BackgroundWriter

CONTACT_DAYS_SCHEMA = pa.schema(
    [("contact_id", pa.string()), ("date", pa.date32()), ("activity_segment", pa.string())]
)
DEPTH = 2  # days whose export may still be in flight


class ContactsWriter:
    """The simulation's on_export (contact_days) and export sink (the raw files); rows counts them."""

    def __init__(
        self,
        raw: Path,
        contact_days: Path | None,
        clock: Clock,
        cards: Cards,
        epoch_day: int,
        seen: SeenIdentifiers,
        writer: BackgroundWriter,
        malformed: list[dict[str, object]],
    ) -> None:
        """contact_days: the ground-truth file, None to skip it; epoch_day: days since 1970 of day 0;
        malformed: the log the planted row is appended to."""
        self.raw, self.clock, self.epoch_day = raw, clock, epoch_day
        self.seen, self.writer, self.malformed = seen, writer, malformed
        self.cards = cards
        self.export = ContactsExport(cards)
        self.bad_day = clock.days // 2
        self.rows = 0
        self.contact_id = pa.array(cards.contact_id, type=pa.string())
        # which cards were exported, and with which of their two emails and phones (the seen
        # identifiers are added once at close, not deduplicated from every day's file)
        self.card_seen = np.zeros(cards.n, bool)
        self.email_seen = np.zeros((2, cards.n), bool)
        self.phone_seen = np.zeros((2, cards.n), bool)
        self.build_pool = ThreadPoolExecutor(max_workers=1)
        self.days_pool = ThreadPoolExecutor(max_workers=1)
        self.in_flight: list[Future[None]] = []
        self.days_writer: pq.ParquetWriter | None = None
        if contact_days is not None:
            self.days_writer = pq.ParquetWriter(
                contact_days,
                CONTACT_DAYS_SCHEMA,
                compression="zstd",
                compression_level=9,
                use_dictionary=["date", "activity_segment"],
            )

    def on_export(self, d: int, idx: np.ndarray, seg: np.ndarray) -> None:
        """ground_truth/contact_days rows of day d: contacts idx with their segments seg
        (written in order on their own thread)."""
        if self.days_writer is not None:
            self.in_flight.append(self.days_pool.submit(self._write_days, d, idx, seg))

    def _write_days(self, d: int, idx: np.ndarray, seg: np.ndarray) -> None:
        assert self.days_writer is not None
        self.days_writer.write_table(
            pa.table(
                {
                    "contact_id": self.contact_id.take(pa.array(idx)),
                    "date": pa.array(
                        np.full(len(idx), d + self.epoch_day, np.int32), type=pa.int32()
                    ).cast(pa.date32()),
                    "activity_segment": SEGMENTS_ARROW.take(pa.array(seg)),
                },
                schema=CONTACT_DAYS_SCHEMA,
            )
        )

    def _table(self, d: int, snap: ExportSnapshot) -> pa.Table:
        """Day d's export, with a null-key row on the middle day."""
        table = self.export.snapshot_table(snap)
        if d == self.bad_day and table.num_rows:
            bad = table.slice(0, 1).set_column(0, "contact_id", pa.array([None], type=pa.string()))
            table = pa.concat_tables([table, bad])
        return table

    def sink(self, d: int, snap: ExportSnapshot) -> None:
        """Build and write day d's export in the background."""
        idx = snap.idx
        self.card_seen[idx] = True
        self.email_seen[snap.email_flip.astype(np.intp), idx] = True
        self.phone_seen[snap.phone_flip.astype(np.intp), idx] = True
        file = f"contacts_{self.clock.day_str(d)}.parquet"
        n = len(idx)
        if d == self.bad_day and n:
            n += 1
            self.malformed.append(
                {
                    "table": "crm/contacts",
                    "file": file,
                    "primary_key": None,
                    "reason": "null primary key contact_id",
                }
            )
        self.rows += n
        built = self.build_pool.submit(self._table, d, snap)
        path = self.raw / "crm/contacts" / file
        self.writer.submit(lambda: write_parquet(built.result(), path))
        self.in_flight.append(built)
        while len(self.in_flight) > 2 * DEPTH:
            self.in_flight.pop(0).result()

    def close(self) -> None:
        """Finish the exports and ground_truth/contact_days; hand the identifiers they carried to seen."""
        try:
            for f in self.in_flight:
                f.result()
        finally:
            self.build_pool.shutdown()
            self.days_pool.shutdown()
            if self.days_writer is not None:
                self.days_writer.close()
        c = self.cards
        self.seen.add("contact_id", self.contact_id.filter(pa.array(self.card_seen)))
        for kind, (first, alt), seen in (
            ("email", (c.email_raw, c.email_alt_raw), self.email_seen),
            ("phone", (c.phone_raw, c.phone_alt_raw), self.phone_seen),
        ):
            for values, mask in ((first, seen[0]), (alt, seen[1])):
                self.seen.add(kind, pa.array(values[mask], type=pa.string(), from_pandas=True))
