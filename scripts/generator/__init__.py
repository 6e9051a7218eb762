"""Synthetic landing zone + ground truth for the marketing warehouse (see scripts/generate_data.py).

The public API: generate() (landing_zone.py), the named sizes (presets.py) and the planted
effect (effects.py). The other modules, by stage:

* people.py: people; cards.py: their contact cards; esp_campaigns.py: the ESP calendar;
* crm_esp.py: the day-by-day CRM + ESP simulation, in layers (contact_state.py,
  contact_activities.py, esp_traffic.py) with the crm/contacts export (contacts_export.py,
  contacts_writer.py);
* calltracking_and_sales.py: sessions.py, calls_and_requests.py, leads_and_deals.py,
  ad_catalog.py and ad_costs.py;
* natural_mess.py (re-exports, malformed rows); spool.py and output.py (writing);
  identifiers.py and output.py (ground truth).
"""

from __future__ import annotations

from .effects import PlantedEffect
from .landing_zone import generate
from .presets import PRESETS, Preset, Volumes

__all__ = ["PRESETS", "PlantedEffect", "Preset", "Volumes", "generate"]
