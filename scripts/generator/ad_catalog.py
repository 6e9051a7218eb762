"""The paid traffic the site sees: utm triples with their economics, and the offline flights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..contract import BRANDS

# offline flights: utm source, medium and campaign, and the static number they advertise
OFFLINE = (
    ("offline", "billboard", "billboard_msk_q1", "+74952160001"),
    ("offline", "print", "print_medgazeta", "+74952160002"),
    ("offline", "tv", "tv_spring_flight", "+74952160003"),
    ("offline", "radio", "radio_doctor_fm", "+74952160004"),
)


@dataclass
class AdCatalog:
    """Paid utm triples with their economics (lowercase canonical values)."""

    channel: np.ndarray
    source: np.ndarray
    medium: np.ndarray
    campaign: np.ndarray
    weight: np.ndarray
    unit_cost: np.ndarray
    ctr: np.ndarray
    touched: np.ndarray  # False for spend no session ever carries


EXTRA_CHANNELS = (
    ("paid_search", "yandex", "cpc", "ya_search"),
    ("paid_search", "google", "cpc", "gg_search"),
    ("paid_social", "vk", "cpc", "vk_doctors"),
    ("paid_social", "telegram", "paid_social", "tg_channels"),
    ("display", "adriver", "display", "banner"),
    ("affiliate", "medportal", "affiliate", "partner"),
    ("messenger", "whatsapp", "messenger", "msg"),
)


def build_catalog(rng: np.random.Generator, extra: int = 0) -> AdCatalog:
    """~45 paid triples: search, social, display, affiliate, messenger, plus three never seen on the site;
    then `extra` more (ad groups per brand and channel) for the large presets."""
    rows: list[tuple[str, str, str, str, bool]] = []
    for b in BRANDS[:8]:
        rows.append(("paid_search", "yandex", "cpc", f"ya_search_{b}", True))
    for b in BRANDS[8:]:
        rows.append(("paid_search", "yandex", "cpc", f"ya_rsya_{b}", True))
    for b in BRANDS[:6]:
        rows.append(("paid_search", "google", "cpc", f"gg_search_{b}", True))
    for i, b in enumerate(BRANDS[:6]):
        rows.append(
            ("paid_social", "vk", "cpc" if i % 2 else "paid_social", f"vk_doctors_{b}", True)
        )
    for i, b in enumerate(BRANDS[6:10]):
        rows.append(
            ("paid_social", "telegram", "cpc" if i % 2 else "paid_social", f"tg_channels_{b}", True)
        )
    for i, b in enumerate(BRANDS[:5]):
        rows.append(
            (
                "display",
                "adriver" if i % 2 else "dv360",
                "display" if i % 2 else "cpm",
                f"banner_{b}",
                True,
            )
        )
    for s in ("medportal", "doktornarabote", "vrachirf"):
        rows.append(("affiliate", s, "affiliate", f"partner_{s}_q1", True))
    for s in ("whatsapp", "telegram_bot"):
        rows.append(("messenger", s, "messenger", f"msg_{s}_bot", True))
    rows += [
        ("paid_search", "yandex", "cpc", "ya_search_test_campaign", False),
        ("paid_social", "vk", "cpc", "vk_retarget_archive", False),
        ("display", "adriver", "display", "banner_brand_awareness", False),
    ]
    for k in range(extra):
        ch, src, med, prefix = EXTRA_CHANNELS[k % len(EXTRA_CHANNELS)]
        rows.append(
            (
                ch,
                src,
                med,
                f"{prefix}_{BRANDS[(k // len(EXTRA_CHANNELS)) % len(BRANDS)]}_g{k:05d}",
                True,
            )
        )
    n = len(rows)
    channel = np.array([r[0] for r in rows], dtype=object)
    cost = np.where(
        channel == "display",
        rng.uniform(120, 300, n),
        np.where(channel == "messenger", rng.uniform(5, 15, n), rng.uniform(18, 95, n)),
    )
    return AdCatalog(
        channel,
        np.array([r[1] for r in rows], dtype=object),
        np.array([r[2] for r in rows], dtype=object),
        np.array([r[3] for r in rows], dtype=object),
        rng.lognormal(0, 0.6, n),
        np.round(cost, 2),
        np.where(channel == "display", rng.uniform(0.002, 0.006, n), rng.uniform(0.02, 0.09, n)),
        np.array([r[4] for r in rows]),
    )
