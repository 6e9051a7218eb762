"""ground_truth/identities: the raw identifiers seen in the landing zone and the true person of each."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cards import Cards
from .common import arrow_ids
from .people import People


def identity_registry(people: People, cards: Cards) -> dict[str, pa.Table]:
    """Normalized identifier -> true person (shared reception phones belong to nobody), per kind:
    identifier, person_id, is_shared."""
    pid = people.person_id
    parts: dict[str, list[tuple[pa.Array, np.ndarray, bool]]] = {
        "email": [],
        "phone": [],
        "client_id": [],
        "contact_id": [],
    }
    for col in (people.email1, people.email2):
        has = col != None  # noqa: E711
        parts["email"].append((pa.array(col[has], pa.string()), pid[has], False))
    for col in (people.phone1, people.phone2):
        has = col > 0
        parts["phone"].append((arrow_ids("+7", col[has], 10), pid[has], False))
    owner = np.repeat(np.arange(len(pid)), np.diff(people.cookie_off))
    parts["client_id"].append((pa.array(people.cookies, pa.string()), pid[owner], False))
    parts["contact_id"].append((pa.array(cards.contact_id, pa.string()), pid[cards.person], False))
    shared = people.shared_phones
    parts["phone"].append(
        (arrow_ids("+7", shared, 10), np.full(len(shared), None, dtype=object), True)
    )
    return {
        kind: pa.table(
            {
                "identifier": pa.concat_arrays([p[0] for p in ps]),
                "person_id": pa.concat_arrays(
                    [pa.array(p[1], pa.string(), from_pandas=True) for p in ps]
                ),
                "is_shared": pa.concat_arrays(
                    [pa.array(np.full(len(p[0]), p[2]), pa.bool_()) for p in ps]
                ),
            }
        )
        for kind, ps in parts.items()
    }


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

    def unique(self) -> dict[str, pa.Array]:
        """The distinct values of each kind (nulls included when seen)."""
        return {
            kind: pc.unique(pa.chunked_array(parts, type=pa.string()))
            for kind, parts in self.parts.items()
        }

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
