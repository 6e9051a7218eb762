"""Raw tables kept per export day, spilled to disk, with the re-exports and malformed rows added at the end.

The generator used to hold every table as whole-period numpy object arrays and sort them
once at the end. At the large preset (tens of millions of ESP events) that does not fit in
memory, so each raw table is a `TableSpool`: rows arrive in chunks, become Arrow at once,
and are grouped by export day; a spool past `spill_rows` rows in memory writes its days to
Arrow IPC files under the spool directory. The natural mess (re-exported copies, malformed
rows) is drawn afterwards with exactly the random draws of the in-memory version, so the
bundled demo is reproduced bit for bit: draws are taken in the same order and sizes (numpy
gives the same numbers for one draw of n or consecutive draws summing to n).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import TABLES_BY_FOLDER
from .common import NULL_TS, Clock, build_table

DRAW_CHUNK = 1 << 22  # random draws over all rows are taken in chunks of this many
ADD_CHUNK = 1_000_000  # rows sorted into days at a time
IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")  # less to write and read back than lz4

Frame = dict[str, np.ndarray]


def to_frame(table: pa.Table) -> Frame:
    """Arrow rows back to the generator's numpy form (timestamps int64 with NULL_TS, strings objects)."""
    out: Frame = {}
    for field, col in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            out[field.name] = pc.fill_null(col.cast(pa.int64()), NULL_TS).to_numpy()
        elif pa.types.is_date32(field.type):
            out[field.name] = col.cast(pa.int32()).to_numpy()
        else:
            out[field.name] = col.to_numpy(zero_copy_only=False)
            if pa.types.is_string(field.type):
                out[field.name] = out[field.name].astype(object)
    return out


class TableSpool:
    """The rows of one raw table grouped by export day, in arrival order within each day."""

    def __init__(
        self, folder: str, spill_dir: Path | None = None, spill_rows: int = 2_000_000
    ) -> None:
        self.folder = folder
        self.table = TABLES_BY_FOLDER[folder]
        self.schema = self.table.schema
        self.columns = tuple(self.schema.names)
        self.spill_dir = None if spill_dir is None else spill_dir / folder.replace("/", "__")
        self.spill_rows = spill_rows
        self.parts: dict[int, list[pa.Table | Path]] = {}
        self.day_rows: dict[int, int] = {}
        self.in_memory = 0
        self.files_written = 0
        self.n = 0
        self._days: list[np.ndarray] = []  # export day of every row, in arrival order
        self._pos: list[np.ndarray] = []  # its position among its day's rows
        self.dup: pa.Table | None = None  # re-exported copies, with their export days
        self.dup_day = np.array([], np.int64)
        self.bad: pa.Table | None = None  # malformed rows, with their export days
        self.bad_day = np.array([], np.int64)

    # ------------------------------------------------------------------ filling

    def add(self, export_day: np.ndarray, **cols: np.ndarray) -> None:
        """Append rows (like Buffer.add: missing columns are null, scalars broadcast)."""
        day = np.asarray(export_day, dtype=np.int64)
        n = len(day)
        if n == 0:
            return
        if n > ADD_CHUNK:
            for s in range(0, n, ADD_CHUNK):
                self.add(
                    day[s : s + ADD_CHUNK],
                    **{
                        k: v
                        if np.isscalar(v) or getattr(v, "ndim", 1) == 0
                        else v[s : s + ADD_CHUNK]
                        for k, v in cols.items()
                        if k in self.columns
                    },
                )
            return
        frame: Frame = {}
        for name in self.columns:
            value = cols.get(name)
            if value is None:
                frame[name] = np.full(n, None, dtype=object)
            else:
                arr = value if isinstance(value, pa.Array) else np.asarray(value)
                frame[name] = (
                    np.broadcast_to(arr, (n,)).copy() if getattr(arr, "ndim", 1) == 0 else arr
                )
        self.add_table(day, build_table(frame, self.schema))

    def add_table(self, day: np.ndarray, table: pa.Table) -> None:
        """Append an Arrow table whose rows are exported on the given days (in slices of at most
        ADD_CHUNK rows, so a big table is sorted and spilled piece by piece)."""
        if len(day) > ADD_CHUNK:
            for s in range(0, len(day), ADD_CHUNK):
                self.add_table(day[s : s + ADD_CHUNK], table.slice(s, ADD_CHUNK))
            return
        n = len(day)
        if (day[1:] >= day[:-1]).all():  # already in day order (rows drawn in time order)
            order = np.arange(n)
            sorted_days = day
        else:
            order = np.argsort(day, kind="stable")
            sorted_days = day[order]
            table = table.take(pa.array(order))
        starts = np.flatnonzero(np.r_[True, sorted_days[1:] != sorted_days[:-1]])
        ends = np.r_[starts[1:], n]
        pos = np.empty(n, np.int64)
        for s, e in zip(starts.tolist(), ends.tolist()):
            d = int(sorted_days[s])
            before = self.day_rows.get(d, 0)
            pos[order[s:e]] = before + np.arange(e - s)
            self.day_rows[d] = before + e - s
            self.parts.setdefault(d, []).append(table.slice(s, e - s))
        self._days.append(day.astype(np.int32))
        self._pos.append(pos.astype(np.int32))
        self.n += n
        self.in_memory += n
        if self.in_memory > self.spill_rows:
            self.spill()

    def spill(self, through_day: int | None = None) -> None:
        """Write the in-memory rows of days <= through_day (all days when None) to IPC files."""
        if self.spill_dir is None:
            return
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        for d, parts in self.parts.items():
            if through_day is not None and d > through_day:
                continue
            tables = [p for p in parts if isinstance(p, pa.Table)]
            if not tables:
                continue
            self.files_written += 1
            path = self.spill_dir / f"{d}_{self.files_written}.arrow"
            with (
                pa.OSFile(str(path), "wb") as sink,
                pa.ipc.new_file(sink, self.schema, options=IPC_OPTIONS) as w,
            ):
                for t in tables:
                    w.write_table(t)
            self.in_memory -= sum(t.num_rows for t in tables)
            self.parts[d] = [p for p in parts if not isinstance(p, pa.Table)] + [path]

    def read_day(self, d: int) -> pa.Table:
        """The base rows of export day d, in arrival order."""
        tables = []
        for p in self.parts.get(d, []):
            if isinstance(p, Path):
                with pa.memory_map(str(p)) as source:
                    tables.append(pa.ipc.open_file(source).read_all())
            else:
                tables.append(p)
        return pa.concat_tables(tables) if tables else self.schema.empty_table()

    def _index(self) -> tuple[np.ndarray, np.ndarray]:
        days = np.concatenate(self._days) if self._days else np.array([], np.int32)
        pos = np.concatenate(self._pos) if self._pos else np.array([], np.int32)
        self._days, self._pos = [days], [pos]
        return days, pos

    def fetch(self, idx: np.ndarray) -> pa.Table:
        """Rows by arrival index (base rows, then re-exported copies after self.n), in idx order."""
        idx = np.asarray(idx, dtype=np.int64)
        base = idx[idx < self.n]
        days, pos = self._index()
        pieces: list[pa.Table] = []
        where = np.empty(len(idx), np.int64)
        got = 0
        b_day, b_pos = days[base].astype(np.int64), pos[base].astype(np.int64)
        b_slot = np.flatnonzero(idx < self.n)
        for d in np.unique(b_day).tolist():
            sel = np.flatnonzero(b_day == d)
            pieces.append(self.read_day(d).take(pa.array(b_pos[sel])))
            where[b_slot[sel]] = got + np.arange(len(sel))
            got += len(sel)
        dup_slot = np.flatnonzero(idx >= self.n)
        if len(dup_slot):
            assert self.dup is not None  # indexes from self.n on are re-exported copies
            pieces.append(self.dup.take(pa.array(idx[dup_slot] - self.n)))
            where[dup_slot] = got + np.arange(len(dup_slot))
            got += len(dup_slot)
        if not pieces:
            return self.schema.empty_table()
        return pa.concat_tables(pieces).take(pa.array(where))

    def day_of(self, idx: np.ndarray) -> np.ndarray:
        """Export day of rows by arrival index (re-exported copies included)."""
        idx = np.asarray(idx, dtype=np.int64)
        days, _ = self._index()
        out = np.empty(len(idx), np.int64)
        base = idx < self.n
        out[base] = days[idx[base]]
        out[~base] = self.dup_day[idx[~base] - self.n]
        return out

    # ------------------------------------------------------------------ the mess

    def add_reexports(
        self,
        rng: np.random.Generator,
        days: int,
        share: float,
        modify: Callable[[Frame], None] | None,
        n_modified: int = 3,
    ) -> None:
        """Copies of ~share of the rows in a later day's file (identical; a few with a changed non-key field).
        Draws: a day offset 1-3 for every row, then a uniform for every row, then the modified copies."""
        n = self.n
        if n == 0:
            return
        day_all, _ = self._index()
        offset = np.empty(n, np.int8)
        for s in range(0, n, DRAW_CHUNK):
            e = min(n, s + DRAW_CHUNK)
            offset[s:e] = rng.integers(1, 4, e - s)
        cand_parts = []
        for s in range(0, n, DRAW_CHUNK):
            e = min(n, s + DRAW_CHUNK)
            later = day_all[s:e].astype(np.int64) + offset[s:e]
            cand_parts.append(s + np.flatnonzero((later < days) & (rng.random(e - s) < share)))
        cand = np.concatenate(cand_parts)
        self.dup_day = day_all[cand].astype(np.int64) + offset[cand]
        self.dup = self.fetch(cand)
        if modify is not None and len(cand):
            sel = rng.choice(len(cand), size=min(n_modified, len(cand)), replace=False)
            part = to_frame(self.dup.take(pa.array(sel)))
            modify(part)
            changed = build_table(part, self.schema)
            where = np.arange(len(cand))
            where[sel] = len(cand) + np.arange(len(sel))
            self.dup = pa.concat_tables([self.dup, changed]).take(pa.array(where))

    def add_malformed(
        self,
        rng: np.random.Generator,
        clock: Clock,
        specs: list[tuple[str, object, str]],
        log: list[dict[str, object]],
    ) -> None:
        """Extra copies of real rows (re-exports included) with one defect each: (column, bad value, reason).
        A defect in a non-key column also suffixes the key ("-X<j>"), so the row is not a re-export."""
        n = self.n + (0 if self.dup is None else self.dup.num_rows)
        if n == 0:
            return
        pk = self.table.primary_key
        specs = specs[:n]
        rows = rng.choice(n, size=len(specs), replace=False)
        bad = to_frame(self.fetch(rows))
        bad_day = self.day_of(rows)
        for j, (col, value, reason) in enumerate(specs):
            if col == pk[0] and value is None:
                bad[col][j] = None
            else:
                if len(pk) == 1 and col != pk[0]:
                    bad[pk[0]][j] = f"{bad[pk[0]][j]}-X{j}"
                bad[col][j] = value
            key = None if bad[pk[0]][j] is None else "|".join(str(bad[c][j]) for c in pk)
            log.append(
                {
                    "table": self.folder,
                    "file": self.table.file_name(clock.day_str(int(bad_day[j]))),
                    "primary_key": key,
                    "reason": reason,
                }
            )
        self.bad = build_table(bad, self.schema)
        self.bad_day = bad_day

    # ------------------------------------------------------------------ output

    def _assemble(self, d: int, extra: list[tuple[pa.Table, np.ndarray]]) -> pa.Table:
        tables = [self.read_day(d)]
        for t, days in extra:
            sel = np.flatnonzero(days == d)
            if len(sel):
                tables.append(t.take(pa.array(sel)))
        return pa.concat_tables(tables)

    def iter_days(self) -> list[int]:
        extra = [
            days
            for t, days in ((self.dup, self.dup_day), (self.bad, self.bad_day))
            if t is not None
        ]
        return sorted(set(self.parts) | {int(d) for days in extra for d in np.unique(days)})

    def assemble(self, d: int) -> pa.Table:
        """Day d's file: base rows, then re-exported copies, then malformed rows (as a stable sort by day)."""
        extra = [
            (t, days)
            for t, days in ((self.dup, self.dup_day), (self.bad, self.bad_day))
            if t is not None
        ]
        return self._assemble(d, extra)

    def release(self, d: int) -> None:
        """Forget day d (and delete its spill files) once written."""
        for p in self.parts.pop(d, []):
            if isinstance(p, Path):
                p.unlink(missing_ok=True)

    def cleanup(self) -> None:
        if self.spill_dir is not None and self.spill_dir.exists():
            shutil.rmtree(self.spill_dir)


class BackgroundWriter:
    """Writes files on background threads (Arrow releases the GIL), at most `depth` pending.
    With workers > 1 files are written side by side: each task must write a file of its own."""

    def __init__(self, depth: int = 2, workers: int = 1) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.pending: list[Future[None]] = []
        self.depth = depth

    def submit(self, fn: Callable[..., None], *args: object) -> None:
        self.pending.append(self.pool.submit(fn, *args))
        while len(self.pending) > self.depth:
            self.pending.pop(0).result()

    def close(self) -> None:
        try:
            for f in self.pending:
                f.result()
        finally:
            self.pending = []
            self.pool.shutdown()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
