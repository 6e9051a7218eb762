"""crm/contacts: the full daily export of the simulated contacts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import BRANDS, TABLES_BY_FOLDER
from .common import to_arrow
from .contact_state import CODE_ARR, SEGMENTS_ARROW, ContactState
from .output import mask_lists
from .people import UNKNOWN_BRAND, Cards

STATUS_ARROW = pa.array(["valid", "invalid", "unsubscribed"], type=pa.string())


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
        for col in ("email", "phone", "email_alt", "phone_alt"):
            out[col] = pa.array(getattr(c, f"{col}_raw"), type=pa.string(), from_pandas=True)
        return out

    def table(self, state: ContactState, idx: np.ndarray) -> pa.Table:
        """The export of contacts idx (those present) as they stand in state."""
        if self._static is None:
            self._static = self._static_columns()
        st = self._static
        take = pa.array(idx)
        codes = mask_lists(state.mask[idx], CODE_ARR)
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
                "email": pc.if_else(
                    pa.array(state.email_flip[idx]),
                    st["email_alt"].take(take),
                    st["email"].take(take),
                ),
                "phone": pc.if_else(
                    pa.array(state.phone_flip[idx]),
                    st["phone_alt"].take(take),
                    st["phone"].take(take),
                ),
                "email_status": STATUS_ARROW.take(pa.array(state.status[idx])),
                "activity_segment": SEGMENTS_ARROW.take(pa.array(state.seg[idx])),
                "segment_codes": codes,
                "updated_at": state.updated[idx],
                "is_deleted": state.deleted[idx],
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
            cols_[flag] = state.consents[idx, j]
        schema = TABLES_BY_FOLDER["crm/contacts"].schema
        return pa.Table.from_arrays(
            [
                v if isinstance(v, pa.Array) else to_arrow(v, f.type)
                for f, v in ((f, cols_[f.name]) for f in schema)
            ],
            schema=schema,
        )
