"""crm/contacts: the full daily export of the simulated contacts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..contract import BRANDS, TABLES_BY_FOLDER
from .cards import Cards
from .common import to_arrow
from .contact_state import CODE_ARR, SEGMENTS_ARROW, ContactState
from .output import mask_lists
from .people import UNKNOWN_BRAND

STATUS_ARROW = pa.array(["valid", "invalid", "unsubscribed"], type=pa.string())


@dataclass(frozen=True)
class ExportSnapshot:
    """The state of the exported contacts idx at one export (copies: the simulation goes on)."""

    idx: np.ndarray
    mask: np.ndarray
    email_flip: np.ndarray
    phone_flip: np.ndarray
    status: np.ndarray
    seg: np.ndarray
    updated: np.ndarray
    deleted: np.ndarray
    consents: np.ndarray

    @classmethod
    def of(cls, state: ContactState, idx: np.ndarray) -> ExportSnapshot:
        return cls(
            idx,
            state.mask[idx],
            state.email_flip[idx],
            state.phone_flip[idx],
            state.status[idx],
            state.seg[idx],
            state.updated[idx],
            state.deleted[idx],
            state.consents[idx],
        )


class ContactsExport:
    """Builds each day's crm/contacts export from the cards and their current state."""

    def __init__(self, cards: Cards) -> None:
        self.cards = cards
        self._static: dict[str, pa.Array] | None = None

    def _static_columns(self) -> dict[str, pa.Array]:
        """Arrow columns of every card that never change (or swap between two values), taken per export."""
        c = self.cards
        schema = TABLES_BY_FOLDER["crm/contacts"].schema
        static = {
            "contact_id": c.contact_id,
            "first_name": c.first,
            "last_name": c.last,
            "specialty": c.specialty,
            "workplace_type": c.workplace,
            "city": c.city,
            "region": c.region,
            "registered_at": c.registered_us,
            "registration_source": c.reg_source,
        }
        out = {k: to_arrow(v, schema.field(k).type) for k, v in static.items()}
        out["brands_of_interest"] = mask_lists(
            c.brand_mask, np.array([*BRANDS, UNKNOWN_BRAND], dtype=object)
        )
        # every card's email (phone), then its other one: taken at card + n when swapped
        for col in ("email", "phone"):
            out[col] = pa.concat_arrays(
                [
                    pa.array(getattr(c, f"{col}_raw"), type=pa.string(), from_pandas=True),
                    pa.array(getattr(c, f"{col}_alt_raw"), type=pa.string(), from_pandas=True),
                ]
            )
        return out

    def table(self, state: ContactState, idx: np.ndarray) -> pa.Table:
        """The export of contacts idx (those present) as they stand in state."""
        return self.snapshot_table(ExportSnapshot.of(state, idx))

    def snapshot_table(self, snap: ExportSnapshot) -> pa.Table:
        """The export of a snapshot (built on the contacts writer's thread)."""
        if self._static is None:
            self._static = self._static_columns()
        st = self._static
        take = pa.array(snap.idx)
        n = np.int64(self.cards.n)
        codes = mask_lists(snap.mask, CODE_ARR)
        cols_: dict[str, pa.Array | np.ndarray] = {
            k: st[k].take(take)
            for k in (
                "contact_id",
                "first_name",
                "last_name",
                "specialty",
                "workplace_type",
                "city",
                "region",
                "registered_at",
                "registration_source",
                "brands_of_interest",
            )
        }
        cols_.update(
            {
                "email": st["email"].take(pa.array(snap.idx + n * snap.email_flip)),
                "phone": st["phone"].take(pa.array(snap.idx + n * snap.phone_flip)),
                "email_status": STATUS_ARROW.take(pa.array(snap.status)),
                "activity_segment": SEGMENTS_ARROW.take(pa.array(snap.seg)),
                "segment_codes": codes,
                "updated_at": snap.updated,
                "is_deleted": snap.deleted,
            }
        )
        for j, flag in enumerate(
            (
                "consent_email",
                "consent_sms",
                "consent_calls",
                "consent_messengers",
                "consent_personal_data",
                "consent_third_party",
            )
        ):
            cols_[flag] = np.ascontiguousarray(snap.consents[:, j])
        schema = TABLES_BY_FOLDER["crm/contacts"].schema
        return pa.Table.from_arrays(
            [
                v if isinstance(v, pa.Array) else to_arrow(v, f.type)
                for f, v in ((f, cols_[f.name]) for f in schema)
            ],
            schema=schema,
        )
