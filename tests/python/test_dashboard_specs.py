"""Every chart of the demo's dashboard page is valid Vega-Lite of the schema the page's bundle
draws. The page is rendered without altair's validation (1.3 s a page), so it is checked here
once, on the specs exactly as the page carries them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from scripts.dashboard.page import VEGA_LITE

PAYLOAD = re.compile(r'<script type="application/json" id="dashboard-data">(.*?)</script>', re.S)


def invalid(spec: dict[str, Any]) -> str | None:
    """The schema's objection to a spec, or None."""
    schema = load_schema()
    error = validate_jsonschema(spec, schema, rootschema=schema, raise_error=False)
    return None if error is None else str(error).splitlines()[0]


def page_specs(page: Path) -> dict[str, dict[str, Any]]:
    found = PAYLOAD.search(page.read_text(encoding="utf-8"))
    assert found, f"{page}: no dashboard-data block"
    return {chart["id"]: chart["spec"] for chart in json.loads(found.group(1))["charts"]}


def test_the_schema_is_the_bundles_and_rejects_a_wrong_spec() -> None:
    assert load_schema()["$ref"] == "#/definitions/TopLevelSpec"
    assert VEGA_LITE.startswith("6.")
    assert invalid({"mark": "point", "data": {"name": "kpis"}}) is None
    assert invalid({"mark": "nonsense", "data": {"name": "kpis"}}) is not None


def test_every_chart_of_the_demo_page_is_valid_vega_lite(demo_warehouse: Path) -> None:
    specs = page_specs(demo_warehouse.parent / "serving" / "dashboard.html")
    assert len(specs) == 11  # the key figures and ten charts (test_dashboard.CHARTS)
    assert {chart_id: invalid(spec) for chart_id, spec in specs.items()} == dict.fromkeys(specs)
