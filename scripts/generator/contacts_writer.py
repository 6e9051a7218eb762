"""Where each day's crm/contacts export goes: its parquet file (one malformed row planted mid-period),
the identifiers it carries, and ground_truth/contact_days (every contact's segment on every day)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .common import Clock
from .contact_state import SEGMENTS_ARROW
from .identifiers import SeenIdentifiers
from .output import write_parquet
from .spool import BackgroundWriter

CONTACT_DAYS_SCHEMA = pa.schema(
    [("contact_id", pa.string()), ("date", pa.date32()), ("activity_segment", pa.string())]
)


class ContactsWriter:
    """The simulation's on_export (contact_days) and export sink (the raw files); rows counts them."""

    def __init__(
        self,
        raw: Path,
        contact_days: Path | None,
        clock: Clock,
        contact_id: np.ndarray,
        epoch_day: int,
        seen: SeenIdentifiers,
        writer: BackgroundWriter,
        malformed: list[dict[str, object]],
    ) -> None:
        """contact_days: the ground-truth file, None to skip it; epoch_day: days since 1970 of day 0;
        malformed: the log the planted row is appended to."""
        self.raw, self.clock, self.epoch_day = raw, clock, epoch_day
        self.seen, self.writer, self.malformed = seen, writer, malformed
        self.bad_day = clock.days // 2
        self.rows = 0
        self.contact_id = pa.array(contact_id, type=pa.string())
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
        """ground_truth/contact_days rows of day d: contacts idx with their segments seg."""
        if self.days_writer is not None:
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

    def sink(self, d: int, table: pa.Table) -> None:
        """Write day d's export (in the background), with a null-key row on the middle day."""
        for kind, col in (("email", "email"), ("phone", "phone"), ("contact_id", "contact_id")):
            self.seen.add(kind, table.column(col))
        file = f"contacts_{self.clock.day_str(d)}.parquet"
        if d == self.bad_day and table.num_rows:
            bad = table.slice(0, 1).set_column(0, "contact_id", pa.array([None], type=pa.string()))
            table = pa.concat_tables([table, bad])
            self.malformed.append(
                {
                    "table": "crm/contacts",
                    "file": file,
                    "primary_key": None,
                    "reason": "null primary key contact_id",
                }
            )
        self.rows += table.num_rows
        self.writer.submit(write_parquet, table, self.raw / "crm/contacts" / file)

    def close(self) -> None:
        """Finish ground_truth/contact_days."""
        if self.days_writer is not None:
            self.days_writer.close()
