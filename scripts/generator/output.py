"""Parquet writing and the ground truth (the re-exports and malformed rows are in spool.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .common import NULL_TS, SEC, arrow_ids, normalize_emails_arrow, normalize_phones_arrow
from .spool import BackgroundWriter

SMALL_FILE = 5_000  # rows: demo-sized files are squeezed; bigger ones are written fast


def dictionary_columns(table: pa.Table) -> list[str]:
    """Columns worth dictionary-encoding: lists and columns with few distinct values
    (judged on the first 20,000 rows of a big table)."""
    out = []
    sample = table.slice(0, 20_000) if table.num_rows > 20_000 else table
    for field, col in zip(sample.schema, sample.columns):
        if pa.types.is_list(field.type):
            out.append(f"{field.name}.list.element")
        elif sample.num_rows and _distinct(col) <= 0.3 * sample.num_rows:
            out.append(field.name)
    return out


def _distinct(col: pa.ChunkedArray) -> int:
    """pc.count_distinct(col) (non-null distinct values), by pc.unique: several times faster."""
    values = pc.unique(col)
    return len(values) - (1 if values.null_count else 0)


def write_parquet(table: pa.Table, path: Path) -> None:
    """One parquet file, zstd; high-cardinality columns stay plain (smaller than dictionaries).
    Small (demo) files: level 19. Big ones: level 1, and no statistics on list columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if table.num_rows <= SMALL_FILE:
        pq.write_table(
            table,
            path,
            compression="zstd",
            compression_level=19,
            use_dictionary=dictionary_columns(table),
        )
        return
    stats = [f.name for f in table.schema if not pa.types.is_list(f.type)]
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=1,
        use_dictionary=dictionary_columns(table),
        write_statistics=stats,
    )


TRUTH_CHUNK = 1_000_000  # ground-truth rows built (and written) at a time


def mask_lists(masks: np.ndarray, names: np.ndarray) -> pa.Array:
    """Bit masks -> list<string> of the names of set bits, in bit order. Each row's offset comes
    from its popcount; the set bits are then peeled off all rows at once, lowest first, each pass
    writing one bit number per row still holding bits."""
    masks = np.ascontiguousarray(masks, dtype=np.int64)
    if len(names) > 62 or (len(masks) and masks.min() < 0):
        return _mask_lists_by_distinct(masks, names)
    masks = masks & ((1 << len(names)) - 1)  # bits past the names are not listed
    offsets = np.zeros(len(masks) + 1, np.int32)
    np.cumsum(_popcount(masks), out=offsets[1:])
    cols = np.empty(offsets[-1], np.int32)
    rows = np.flatnonzero(masks)
    rest = masks[rows]
    at = offsets[rows].astype(np.int64)
    while len(rest):
        low = rest & -rest
        cols[at] = np.frexp(low.astype(np.float64))[1] - 1  # exact: low is a power of two
        rest ^= low
        more = rest != 0
        rest, at = rest[more], at[more] + 1
    values = pa.array(np.asarray(names, dtype=object), type=pa.string()).take(pa.array(cols))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Set bits of each non-negative int64."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(masks).astype(np.int32)
    count = np.zeros(len(masks), np.int32)
    rest = masks.copy()
    while rest.any():
        count += (rest & 1).astype(np.int32)
        rest >>= 1
    return count


def _mask_lists_by_distinct(masks: np.ndarray, names: np.ndarray) -> pa.Array:
    """mask_lists for any int64 masks: the bits are found once per distinct mask; each row's run
    of bit numbers is then gathered with numpy."""
    distinct, which = np.unique(np.asarray(masks, dtype=np.int64), return_inverse=True)
    which = which.reshape(-1)
    bits = ((distinct[:, None] >> np.arange(len(names), dtype=np.int64)[None, :]) & 1).astype(bool)
    _, d_cols = np.nonzero(bits)
    d_len = bits.sum(axis=1)
    d_off = np.concatenate([[0], np.cumsum(d_len)[:-1]])
    lengths = d_len[which]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    gather = np.repeat(d_off[which] - offsets[:-1], lengths) + np.arange(offsets[-1])
    values = pa.array(np.asarray(names, dtype=object), type=pa.string()).take(
        pa.array(d_cols[gather])
    )
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def write_chunks(path: Path, chunks: Iterator[pa.Table]) -> int:
    """Write tables of one schema into one parquet file as they come; return the rows written.
    Each chunk is written on a background thread while the next one is built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows, writer = 0, None
    try:
        with BackgroundWriter(depth=1) as background:
            for chunk in chunks:
                if writer is None:
                    writer = pq.ParquetWriter(
                        path,
                        chunk.schema,
                        compression="zstd",
                        compression_level=9,
                        use_dictionary=dictionary_columns(chunk),
                    )
                background.submit(writer.write_table, chunk)
                rows += chunk.num_rows
    finally:
        if writer is not None:
            writer.close()
    return rows


TS_UTC = pa.timestamp("us", tz="UTC")


def ts_array(values: np.ndarray) -> pa.Array:
    arr = np.asarray(values, dtype=np.int64)
    return pa.array(arr, type=pa.int64(), mask=arr == NULL_TS).cast(TS_UTC)


def contact_history(
    hist: dict[str, np.ndarray],
    removals: dict[str, np.ndarray],
    contact_id: np.ndarray,
    seg_names: np.ndarray,
    code_names: np.ndarray,
) -> Iterator[pa.Table]:
    """One row per true version; the last version of a removed card ends at its removal (in chunks)."""
    order = np.lexsort((hist["ts"], hist["idx"]))
    idx, ts = hist["idx"][order], hist["ts"][order]
    valid_to = np.full(len(idx), NULL_TS, np.int64)
    same = idx[1:] == idx[:-1]
    valid_to[:-1][same] = ts[1:][same]
    last = np.ones(len(idx), bool)
    last[:-1] = ~same
    removed_at = np.full(len(contact_id), NULL_TS, np.int64)
    removed_at[removals["idx"]] = removals["ts"]
    valid_to[last] = removed_at[idx[last]]
    contact_arrow = pa.array(contact_id, type=pa.string())
    seg_arrow = pa.array(seg_names, type=pa.string())
    for s in range(0, max(len(idx), 1), TRUTH_CHUNK):
        sl = slice(s, s + TRUTH_CHUNK)
        o = order[sl]
        yield pa.table(
            {
                "contact_id": contact_arrow.take(pa.array(idx[sl])),
                "valid_from": ts_array(ts[sl]),
                "valid_to": ts_array(valid_to[sl]),
                "activity_segment": seg_arrow.take(pa.array(hist["seg"][o])),
                "segment_codes": mask_lists(hist["mask"][o], code_names),
                "is_deleted": pa.array(hist["deleted"][o], type=pa.bool_()),
            }
        )


def sends_truth(
    sends: dict[str, np.ndarray],
    hist: dict[str, np.ndarray],
    contact_id: np.ndarray,
    campaign_id: np.ndarray,
    seg_names: np.ndarray,
    code_names: np.ndarray,
    base_us: int,
) -> Iterator[pa.Table]:
    """The true segment of every send: latest version with valid_from <= sent_at (in chunks).
    sends["event_id"] holds event numbers (ids are "ev" + 10 digits, so they sort alike)."""
    shift = np.int64(1) << 31
    origin = base_us - 5 * 365 * 86_400 * SEC
    hkey = hist["idx"].astype(np.int64) * shift + (hist["ts"] - origin) // SEC
    order = np.argsort(hkey, kind="stable")
    hkey = hkey[order]
    skey = sends["idx"].astype(np.int64) * shift + (sends["ts"] - origin) // SEC
    pos = np.searchsorted(hkey, skey, side="right") - 1
    assert (pos >= 0).all() and (hist["idx"][order][pos] == sends["idx"]).all(), (
        "send before the contact existed"
    )
    hp = order[pos]
    del hkey, skey, pos, order
    so = np.lexsort((sends["event_id"], sends["ts"]))
    contact_arrow = pa.array(contact_id, type=pa.string())
    campaign_arrow = pa.array(campaign_id, type=pa.string())
    seg_arrow = pa.array(seg_names, type=pa.string())
    for s in range(0, max(len(so), 1), TRUTH_CHUNK):
        o = so[s : s + TRUTH_CHUNK]
        yield pa.table(
            {
                "event_id": arrow_ids("ev", sends["event_id"][o], 10),
                "campaign_id": campaign_arrow.take(pa.array(sends["camp"][o])),
                "contact_id": contact_arrow.take(pa.array(sends["idx"][o])),
                "sent_at": ts_array(sends["ts"][o]),
                "activity_segment": seg_arrow.take(pa.array(hist["seg"][hp[o]])),
                "segment_codes": mask_lists(hist["mask"][hp[o]], code_names),
            }
        )


def identities(seen: dict[str, pa.Array], registry: dict[str, pa.Table]) -> pa.Table:
    """Every valid identifier seen in the raw data, with its true person (looked up per kind)."""
    parts = []
    for kind in sorted(seen):
        values = seen[kind].drop_null()
        if kind == "email":
            values = normalize_emails_arrow(values)
        elif kind == "phone":
            values = normalize_phones_arrow(values)
        values = pc.unique(values.drop_null())
        reg = registry[kind]
        assert len(pc.unique(reg["identifier"])) == reg.num_rows, "an identifier of two persons"
        at = pc.index_in(values, value_set=reg["identifier"].combine_chunks())
        missing = values.filter(pc.is_null(at))
        assert len(missing) == 0, (
            f"identifiers without a person: {[(kind, v) for v in missing.slice(0, 5).to_pylist()]}"
        )
        order = pc.sort_indices(values)
        at = at.take(order)
        parts.append(
            pa.table(
                {
                    "identifier_type": pa.array(
                        np.full(len(values), kind, dtype=object), pa.string()
                    ),
                    "identifier": values.take(order),
                    "person_id": reg["person_id"].take(at),
                    "is_shared": reg["is_shared"].take(at),
                }
            )
        )
    return pa.concat_tables(parts).combine_chunks()
