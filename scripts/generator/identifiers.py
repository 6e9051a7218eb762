"""ground_truth/identities: the raw identifiers seen in the landing zone and the true person of each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .people import Cards, People


def identity_registry(people: People, cards: Cards) -> pd.DataFrame:
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
