"""A known causal effect planted in the simulation, so that the uplift mart can be checked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class PlantedEffect:
    """Delivered `email_type` emails of `brand_code`, sent to a contact in `segment_at_send`, make
    the contact respond (a content download 1 hour to 5 days later, which the next nightly
    recalculation turns into `to_segment`) with probability `response_probability`, drawn at
    random per send. `holdout_share` of the eligible contacts in that segment are left out of
    those campaigns at random: the untreated group exists. The expected uplift on the share in
    `to_segment` after `horizon_days` is response_probability x (1 - that share without the email).
    natural_opens=False: contacts in `segment_at_send` open no email at all, so the planted
    response is the only way any email moves them (isolates the effect; the `uplift` preset)."""

    email_type: str = "activation"
    brand_code: str = "cardiovita"
    segment_at_send: str = "at_risk"
    to_segment: str = "active"
    horizon_days: int = 14
    response_probability: float = 0.15
    holdout_share: float = 0.1
    natural_opens: bool = True

    def eligible(
        self, email_type: np.ndarray, brand: np.ndarray, seg_names: np.ndarray, seg: np.ndarray
    ) -> np.ndarray:
        """Which sends (their campaign's type and brand, the contact's segment) the effect applies to."""
        return (
            (email_type == self.email_type)
            & (brand == self.brand_code)
            & (seg_names[seg] == self.segment_at_send)
        )


def planted_truth(effect: PlantedEffect | None, eligible_sends: int, responses: int) -> pa.Table:
    """ground_truth/planted_effects: the effect's settings, the sends it applied to (bounced ones
    included: they cannot answer) and the responses drawn (no row without an effect)."""
    rows = (
        []
        if effect is None
        else [{**effect.__dict__, "eligible_sends": eligible_sends, "responses": responses}]
    )
    schema = pa.schema(
        [
            ("email_type", pa.string()),
            ("brand_code", pa.string()),
            ("segment_at_send", pa.string()),
            ("to_segment", pa.string()),
            ("horizon_days", pa.int32()),
            ("response_probability", pa.float64()),
            ("holdout_share", pa.float64()),
            ("natural_opens", pa.bool_()),
            ("eligible_sends", pa.int64()),
            ("responses", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)
