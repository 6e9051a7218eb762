"""The natural mess of the raw tables: re-exported rows (a few with a changed non-key field) and
malformed rows (null keys, unknown codes, unparseable times), recorded in ground_truth/malformed_rows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .common import Clock
from .spool import Frame, TableSpool


def _retype(values: np.ndarray) -> np.ndarray:
    """Re-typed copies (a changed, harmless non-key field)."""
    return np.array(
        [None if v is None else (v.upper() if v != v.upper() else v.lower()) for v in values],
        dtype=object,
    )


# tables that get re-exports, with the change made to the re-exported copies (None: identical)
REEXPORT_CHANGES: dict[str, Callable[[Frame], None] | None] = {
    "esp/events": lambda f: f.__setitem__("email", _retype(f["email"])),
    "calltracking/requests": lambda f: f.__setitem__("name", _retype(f["name"])),
    "calltracking/sessions": lambda f: f.__setitem__(
        "landing_url", np.array([u + "/" for u in f["landing_url"]], dtype=object)
    ),
    "crm/site_logins": None,
    "crm/activities": None,
    "crm/leads": None,
    "calltracking/calls": None,
}

# per table: (column, bad value, reason) of each malformed row planted in it
MALFORMED_ROWS: dict[str, list[tuple[str, object, str]]] = {
    "esp/events": [
        ("event_type", "opend", "unknown event_type 'opend'"),
        ("event_type", "clickd", "unknown event_type 'clickd'"),
        ("event_id", None, "null primary key event_id"),
    ],
    "crm/activities": [
        ("activity_type", "webinar_regstration", "unknown activity_type 'webinar_regstration'")
    ],
    "crm/leads": [
        ("lead_id", None, "null primary key lead_id"),
        ("lead_channel", "walk_in", "unknown lead_channel 'walk_in'"),
    ],
    "crm/deal_stages": [("stage", "negotiation", "unknown stage 'negotiation'")],
    "calltracking/sessions": [("session_id", None, "null primary key session_id")],
    "calltracking/calls": [
        ("call_started_at", "32.01.2026 25:61:00", "unparseable call_started_at"),
        ("call_started_at", "вчера 14:05", "unparseable call_started_at"),
    ],
    "calltracking/requests": [("request_type", "email", "unknown request_type 'email'")],
}


def add_natural_mess(
    rng: np.random.Generator,
    clock: Clock,
    spools: dict[str, TableSpool],
    malformed: list[dict[str, object]],
) -> None:
    """Re-export ~1% of the rows of the tables above, then plant their malformed rows (appended to
    malformed). The draws are taken in this order, table by table."""
    for folder, change in REEXPORT_CHANGES.items():
        spools[folder].add_reexports(rng, clock.days, 0.01, change)
    for folder, specs in MALFORMED_ROWS.items():
        spools[folder].add_malformed(rng, clock, specs, malformed)
