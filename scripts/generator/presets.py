"""Named sizes of the synthetic landing zone (`generate_data.py --preset NAME`).

`demo` is the bundled `seeds/raw`. The others keep its behaviour per contact and per day
(segments, campaign calendars, engagement), so ESP volumes grow with contacts x days. The
sales side can be thinned with `Volumes` so that `l` has realistic proportions: a large
mailing list sends far more email than it generates leads. Every preset plants the same
known effect of activation emails (effects.py); `uplift` isolates it for the uplift test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .effects import PlantedEffect


@dataclass(frozen=True)
class Volumes:
    """Multipliers of the demo's rates for the non-ESP tables (1.0 everywhere = the demo)."""

    sessions: float = (
        1.0  # non-email site sessions (the demo has 22,000 per 3,000 contacts x 90 days)
    )
    call_rate: float = 1.0  # probability that a session leads to a call
    offline_calls: float = 1.0  # calls to static offline numbers (450 per 3,000 contacts x 90 days)
    lead_rate: float = 1.0  # share of calls, requests and webinar registrations that become leads
    offline_visits: float = 1.0  # offline visit leads (280 per 3,000 contacts x 90 days)
    deal_rate: float = 1.0  # share of leads that become deals
    extra_ad_campaigns: int = 0  # paid utm campaigns beyond the demo's catalogue of 41


@dataclass(frozen=True)
class Preset:
    """A named size: days, contacts and the volumes of the other tables."""

    name: str
    days: int
    contacts: int
    volumes: Volumes = field(default_factory=Volumes)
    description: str = ""
    effect: PlantedEffect = field(default_factory=PlantedEffect)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("tiny", 10, 400, description="a smoke-test landing zone (seconds)"),
        Preset("demo", 90, 2_500, description="the bundled seeds/raw"),
        Preset("m", 90, 25_000, description="10x the demo's contacts: 10x every table"),
        Preset(
            "l",
            365,
            500_000,
            Volumes(
                sessions=0.48,
                offline_calls=0.33,
                lead_rate=0.4,
                offline_visits=0.22,
                deal_rate=0.55,
                extra_ad_campaigns=1_955,
            ),
            description="a year of a 500k-contact CRM: ~30M sends, ~10M sessions, 2,000 ad campaigns a day",
        ),
        Preset(
            "uplift",
            50,
            5_000,
            effect=PlantedEffect(response_probability=0.4, holdout_share=0.5, natural_opens=False),
            description="the planted effect isolated: a half of the eligible held out, no other email moves them",
        ),
    )
}
