"""Helpers of the dashboard's browser tests: headless Chromium through playwright, the page
opened from disk with every request that is not file:// refused, its filters, and the numbers
its marks show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from scripts.dashboard.browser import ensure_chromium

FILTER_IDS = {
    "period": "filter-period",
    "brand": "filter-brand",
    "specialty": "filter-specialty",
    "email_type": "filter-email-type",
    "segment": "filter-segment",
    "channel": "filter-channel",
    "model": "filter-model",
}


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=ensure_chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield launched
        launched.close()


@contextmanager
def opened(browser: Browser, path: Path) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The page once drawn, the requests that left file:// (refused) and the page's errors."""
    page = browser.new_page(viewport={"width": 1150, "height": 900})
    outside: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(
        "body[data-ready=true], body[data-error]", state="attached", timeout=60_000
    )
    yield page, outside, errors
    page.close()


def set_filters(page: Page, values: dict[str, str | None]) -> None:
    """Sets each filter (None: its default, `All` or last_click) and waits for every chart."""
    for key, value in values.items():
        before = int(page.evaluate("Number(document.body.dataset.updates || 0)"))
        default = "last_click" if key == "model" else "All"
        page.select_option(f"#{FILTER_IDS[key]}", value or default)
        page.wait_for_function(f"Number(document.body.dataset.updates || 0) > {before}")


def mark_labels(page: Page, chart: str) -> list[dict[str, str]]:
    """The tooltip fields of a chart's marks (Vega writes them into each mark's aria-label)."""
    labels = page.eval_on_selector_all(
        f"#{chart} svg path[aria-label], #{chart} svg text[aria-label]",
        "elements => elements.map(element => element.getAttribute('aria-label'))",
    )
    return [
        dict(part.split(": ", 1) for part in label.split("; ") if ": " in part) for label in labels
    ]


def number(text: str) -> float:
    """A displayed figure as a number: '37,542', '8.8%' (-> 8.8), '1.25 M₽', '12.3 k₽',
    '−1.5%' (d3-format writes a minus sign, not a hyphen)."""
    text = text.replace("\u2212", "-")
    scale = {"M₽": 1e6, "k₽": 1e3, "₽": 1.0}
    unit = next((unit for unit in scale if text.endswith(unit)), "")
    return float(re.sub(r"[^0-9.\-]", "", text.removesuffix(unit))) * scale.get(unit, 1.0)


def close(shown: str, expected: float | None, digits_scale: float = 1.0) -> bool:
    """Whether a displayed figure is `expected` at the precision it is shown with."""
    if expected is None:
        return shown == "—"
    decimals = len(shown.split(".")[1].rstrip("%kM₽ ")) if "." in shown else 0
    unit = 1e6 if shown.endswith("M₽") else 1e3 if shown.endswith("k₽") else 1.0
    return abs(number(shown) - expected * digits_scale) <= 0.5 * 10**-decimals * unit + 1e-9
