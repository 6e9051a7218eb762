"""Shared helpers of the generator: business clock, ids, typed identifiers, row buffers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SEC = 1_000_000
MIN = 60 * SEC
HOUR = 3600 * SEC
DAY = 86_400 * SEC
MSK = 3 * HOUR
NULL_TS = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Clock:
    """Business calendar: day d is the Moscow calendar day start_date + d."""

    start: date
    days: int

    @property
    def base(self) -> int:
        """Epoch microseconds of start_date 00:00 UTC."""
        return (
            int(datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC).timestamp())
            * SEC
        )

    @overload
    def day_start(self, d: int) -> int: ...
    @overload
    def day_start(self, d: np.ndarray) -> np.ndarray: ...
    def day_start(self, d: int | np.ndarray) -> int | np.ndarray:
        """UTC microseconds of Moscow midnight opening business day d."""
        return (
            self.base + np.asarray(d, dtype=np.int64) * DAY - MSK
            if isinstance(d, np.ndarray)
            else self.base + int(d) * DAY - MSK
        )

    @property
    def end(self) -> int:
        """UTC microseconds just after the last business day."""
        return self.day_start(self.days)

    def export_time(self, d: int) -> int:
        """The moment of day d's export: 23:59:59 MSK."""
        return self.day_start(d + 1) - SEC

    def msk_day(self, ts: np.ndarray) -> np.ndarray:
        """Business-day index of UTC microsecond timestamps."""
        return np.floor_divide(np.asarray(ts, dtype=np.int64) + MSK - self.base, DAY)

    def day_date(self, d: int) -> date:
        return date.fromordinal(self.start.toordinal() + d)

    def day_str(self, d: int) -> str:
        return self.day_date(d).isoformat()

    def month_key(self, ts: np.ndarray) -> np.ndarray:
        """yyyymm (Moscow time) of timestamps."""
        dt = pd.to_datetime(np.asarray(ts, dtype=np.int64) + MSK, unit="us")
        return (dt.year * 100 + dt.month).to_numpy()


def rand_time_in_day(
    rng: np.random.Generator, clock: Clock, day: np.ndarray, lo_h: float = 0.0, hi_h: float = 24.0
) -> np.ndarray:
    """Whole-second UTC timestamps uniformly between lo_h and hi_h Moscow hours of the given days."""
    day = np.asarray(day, dtype=np.int64)
    secs = rng.integers(int(lo_h * 3600), int(hi_h * 3600), size=day.shape)
    return clock.day_start(day) + secs * SEC


def diurnal_time(rng: np.random.Generator, clock: Clock, day: np.ndarray) -> np.ndarray:
    """Timestamps on the given days with a working-hours-heavy Moscow diurnal profile."""
    weights = np.array(
        [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 7, 7, 7, 7, 6, 6, 5, 5, 5, 4, 3, 2],
        dtype=float,
    )
    hours = rng.choice(24, size=len(day), p=weights / weights.sum())
    secs = hours * 3600 + rng.integers(0, 3600, size=len(day))
    return clock.day_start(np.asarray(day, dtype=np.int64)) + secs * SEC


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Object array of ids like prefix + zero-padded number."""
    nums = np.asarray(numbers, dtype=np.int64)
    if len(nums) == 0:
        return np.array([], dtype=object)
    return np.char.add(prefix, np.char.zfill(nums.astype(str), width)).astype(object)


def arrow_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Like make_ids, but an Arrow string array built without a Python object per id."""
    digits = pc.utf8_lpad(
        pa.array(np.asarray(numbers, dtype=np.int64)).cast(pa.string()), width, "0"
    )
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, pa.scalar(""))


class Counter:
    """Sequential id allocator per prefix (deterministic)."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, prefix: str, n: int, width: int) -> np.ndarray:
        return make_ids(prefix, self.take_numbers(prefix, n), width)

    def take_numbers(self, prefix: str, n: int) -> np.ndarray:
        """The next n numbers of prefix (format them with make_ids)."""
        start = self._next.get(prefix, 1)
        self._next[prefix] = start + n
        return np.arange(start, start + n, dtype=np.int64)


def unique_perm(k: np.ndarray, modulus: int, mult: int, add: int) -> np.ndarray:
    """Injective scramble of 0..modulus-1 (mult coprime with modulus); int64 arithmetic when it
    cannot overflow, Python integers otherwise."""
    k = np.asarray(k)
    top = int(k.max()) if len(k) else 0
    if k.dtype.kind in "iu" and int(k.min() if len(k) else 0) >= 0 and 0 <= mult and 0 <= add:
        if top * mult + add < 2**63:
            return (k.astype(np.int64) * mult + add) % modulus
    return (np.asarray(k, dtype=object) * mult + add) % modulus


# --------------------------------------------------------------------------- typed identifiers

PHONE_STYLES = 6


def format_phone(d10: int, style: int) -> str:
    """A 10-digit Russian mobile number as a person might type it."""
    s = f"{d10:010d}"
    a, b, c, e = s[0:3], s[3:6], s[6:8], s[8:10]
    if style == 0:
        return f"+7 ({a}) {b}-{c}-{e}"
    if style == 1:
        return f"8{s}"
    if style == 2:
        return f"8-{a}-{b}-{c}-{e}"
    if style == 3:
        return s
    if style == 4:
        return f"7 {a} {b} {c} {e}"
    return f"+7-{a}-{b}-{c}{e}"


def format_phones(
    rng: np.random.Generator, d10: np.ndarray, styles: np.ndarray | None = None
) -> np.ndarray:
    """Vector of typed phones; d10 == 0 gives None (format_phone of each, built with Arrow)."""
    d10 = np.asarray(d10, dtype=np.int64)
    if styles is None:
        styles = rng.choice(PHONE_STYLES, size=len(d10), p=[0.3, 0.25, 0.12, 0.13, 0.1, 0.1])
    styles = np.asarray(styles)
    out = np.full(len(d10), None, dtype=object)
    if not len(d10):
        return out
    if d10.max() >= 10**10:  # longer than 10 digits: format_phone one by one
        has = np.flatnonzero(d10 > 0)
        out[has] = [format_phone(int(x), int(st)) for x, st in zip(d10[has], styles[has])]
        return out
    for style in range(PHONE_STYLES):
        sel = np.flatnonzero((d10 > 0) & (styles == style))
        if not len(sel):
            continue
        s = pc.utf8_lpad(pa.array(d10[sel]).cast(pa.string()), 10, "0")
        a, b, c, e = (
            pc.utf8_slice_codeunits(s, i, j) for i, j in ((0, 3), (3, 6), (6, 8), (8, 10))
        )
        parts: tuple[object, ...]
        if style == 0:
            parts = ("+7 (", a, ") ", b, "-", c, "-", e)
        elif style == 1:
            parts = ("8", s)
        elif style == 2:
            parts = ("8-", a, "-", b, "-", c, "-", e)
        elif style == 3:
            parts = (s,)
        elif style == 4:
            parts = ("7 ", a, " ", b, " ", c, " ", e)
        else:
            parts = ("+7-", a, "-", b, "-", c, e)
        typed = s if len(parts) == 1 else pc.binary_join_element_wise(*parts, "")
        out[sel] = typed.to_numpy(zero_copy_only=False)
    return out


def type_email(email: str, style: int) -> str:
    """An email as typed: 0 as is, 1 capitalized parts, 2 upper, 3 stray spaces, 4 mixed."""
    if style == 1:
        local, _, dom = email.partition("@")
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + dom.capitalize()
    if style == 2:
        return email.upper()
    if style == 3:
        return f" {email} "
    if style == 4:
        return email[:1].upper() + email[1:] + " "
    return email


def type_emails(rng: np.random.Generator, emails: np.ndarray, messy: float = 0.2) -> np.ndarray:
    """Vector of typed emails (None stays None)."""
    styles = np.where(rng.random(len(emails)) < messy, rng.integers(1, 5, size=len(emails)), 0)
    return type_emails_styled(emails, styles)


def type_emails_styled(emails: np.ndarray, styles: np.ndarray) -> np.ndarray:
    """type_email of every email with its style (None stays None), built with Arrow when every
    email is printable ASCII with one '@' (where Arrow's case kernels agree with Python's)."""
    emails = np.asarray(emails, dtype=object)
    styles = np.asarray(styles)
    out = emails.copy()
    arr = pa.array(emails, pa.string(), from_pandas=True)
    if not len(emails) or not (
        _printable_ascii(arr)
        and pc.all(pc.equal(pc.count_substring(arr.drop_null(), "@"), 1)).as_py() is not False
    ):
        return np.array(
            [type_email(e, int(st)) if e is not None else None for e, st in zip(emails, styles)],
            dtype=object,
        )
    for style in (1, 2, 3, 4):
        sel = np.flatnonzero((styles == style) & (emails != None))  # noqa: E711
        if not len(sel):
            continue
        e = arr.take(pa.array(sel))
        if style == 1:
            halves = pc.split_pattern(e, "@", max_splits=1)
            local = pc.list_element(halves, 0)
            dom = pc.list_element(halves, 1)
            words = pc.split_pattern(local, ".")
            capital = pa.ListArray.from_arrays(words.offsets, pc.ascii_capitalize(words.flatten()))
            typed = pc.binary_join_element_wise(
                pc.binary_join(capital, "."), "@", pc.ascii_capitalize(dom), ""
            )
        elif style == 2:
            typed = pc.ascii_upper(e)
        elif style == 3:
            typed = pc.binary_join_element_wise(" ", e, " ", "")
        else:
            typed = pc.binary_join_element_wise(
                pc.ascii_upper(pc.utf8_slice_codeunits(e, 0, 1)),
                pc.utf8_slice_codeunits(e, 1),
                " ",
                "",
            )
        out[sel] = typed.to_numpy(zero_copy_only=False)
    return out


def normalize_emails(values: pd.Series) -> pd.Series:
    """marts.md: trimmed, lower-cased; valid only with exactly one '@' and a dot in the domain."""
    raw = pd.Series(values, dtype=object).reset_index(drop=True)
    present = raw.notna().to_numpy()
    t = raw.where(present, "").astype(str).str.strip().str.lower()
    one_at = (t.str.count("@") == 1).to_numpy(dtype=bool)
    dotted = (
        t.str.split("@").str[-1].str.contains(".", regex=False).fillna(False).to_numpy(dtype=bool)
    )
    ok = present & one_at & dotted
    return pd.Series(np.where(ok, t.to_numpy(dtype=object), None), dtype=object)


def normalize_phones(values: pd.Series) -> pd.Series:
    """marts.md: digits only; 11 digits starting 7/8 or 10 starting 9 -> '+7' + last 10 digits."""
    raw = pd.Series(values, dtype=object).reset_index(drop=True)
    present = raw.notna().to_numpy()
    d = raw.where(present, "").astype(str).str.replace(r"\D", "", regex=True)
    n = d.str.len().to_numpy(dtype=np.int64)
    first = d.str[:1].to_numpy(dtype=object)
    ok = present & (((n == 11) & np.isin(first, ["7", "8"])) | ((n == 10) & (first == "9")))
    return pd.Series(np.where(ok, ("+7" + d.str[-10:]).to_numpy(dtype=object), None), dtype=object)


PRINTABLE_ASCII = r"^[\x20-\x7e]*$"


def _printable_ascii(values: pa.Array) -> bool:
    """Every (non-null) value is printable ASCII: Arrow's string kernels then agree with Python's."""
    return bool(pc.all(pc.match_substring_regex(values, PRINTABLE_ASCII)).as_py() is not False)


def normalize_emails_arrow(values: pa.Array) -> pa.Array:
    """normalize_emails with Arrow kernels (null where invalid; nulls stay null)."""
    if not _printable_ascii(values):
        return pa.array(normalize_emails(pd.Series(values.to_pandas(), dtype=object)), pa.string())
    t = pc.ascii_lower(pc.utf8_trim(values, " "))
    ok = pc.match_substring_regex(t, r"^[^@]*@[^@]*\.[^@]*$")
    return pc.if_else(ok, t, pa.scalar(None, pa.string()))


def normalize_phones_arrow(values: pa.Array) -> pa.Array:
    """normalize_phones with Arrow kernels (null where invalid; nulls stay null)."""
    if not _printable_ascii(values):
        return pa.array(normalize_phones(pd.Series(values.to_pandas(), dtype=object)), pa.string())
    d = pc.replace_substring_regex(values, r"[^0-9]", "")
    n = pc.utf8_length(d)
    first = pc.utf8_slice_codeunits(d, 0, 1)
    ok = pc.or_(
        pc.and_(pc.equal(n, 11), pc.is_in(first, pa.array(["7", "8"]))),
        pc.and_(pc.equal(n, 10), pc.equal(first, "9")),
    )
    plus7 = pc.binary_join_element_wise("+7", pc.utf8_slice_codeunits(d, -10), "")
    return pc.if_else(ok, plus7, pa.scalar(None, pa.string()))


# --------------------------------------------------------------------------- buffers


def to_arrow(values: np.ndarray, typ: pa.DataType) -> pa.Array:
    """numpy column (int64 microseconds with NULL_TS for timestamps, objects for strings) to arrow."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values if values.type == typ else values.cast(typ)
    if pa.types.is_timestamp(typ):
        arr = np.asarray(values, dtype=np.int64)
        return pa.array(arr, type=pa.int64(), mask=arr == NULL_TS).cast(typ)
    if pa.types.is_date32(typ):
        return pa.array(np.asarray(values, dtype=np.int32), type=pa.int32()).cast(typ)
    if pa.types.is_list(typ):
        return values if isinstance(values, pa.Array) else pa.array(list(values), type=typ)
    if typ == pa.string():
        return pa.array(np.asarray(values, dtype=object), type=typ, from_pandas=True)
    return pa.array(np.asarray(values), type=typ)


def build_table(cols: dict[str, np.ndarray], schema: pa.Schema) -> pa.Table:
    """Arrow table with exactly the contract schema."""
    return pa.Table.from_arrays([to_arrow(cols[f.name], f.type) for f in schema], schema=schema)
