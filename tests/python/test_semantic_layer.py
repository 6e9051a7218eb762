"""The semantic layer as docs/semantic_layer.md documents it: every `mf` command of its
"Safe queries" block runs against the demo warehouse, and each query's numbers are checked
against a computation of their own (the raw files, or the facts summed in DuckDB with the
definitions of marts.md), never against MetricFlow itself. Adding, changing or dropping an
example without its check fails here, so the page cannot drift. The serving target answers
the raw totals with the warehouse file moved away."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import DEMO_RAW, PROJECT_DIR
from dbt_helpers import DBT, dbt_env, run_dbt
from semantic_expected import CHECKS, MODELS, compare, raw_totals, read_db

MF = str(Path(sys.executable).parent / "mf")
DOCS = PROJECT_DIR / "docs" / "semantic_layer.md"
SERVING_QUERY = "DBT_TARGET=serving mf query --metrics spend,leads"


def readme_commands() -> list[str]:
    """The `mf` lines of the bash block in the docs' "Safe queries" section."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(r"^## Safe queries.*?(?=^## )", text, flags=re.S | re.M)
    assert section, "docs/semantic_layer.md has no 'Safe queries' section"
    blocks = re.findall(r"```bash\n(.*?)```", section.group(0), flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("mf ")]


def option(command: str, name: str) -> str | None:
    args = shlex.split(command)
    return args[args.index(name) + 1] if name in args else None


def query_key(command: str) -> tuple[str, str, str | None]:
    """What a query asks for: its metrics, group-by and where filter."""
    return option(command, "--metrics"), option(command, "--group-by"), option(command, "--where")


# `mf` reads target/semantic_manifest.json whatever DBT_TARGET_PATH says (the pytest workers
# have their own target folders): the parse it reads writes there too.
MF_TARGET = {"DBT_TARGET_PATH": str(PROJECT_DIR / "target")}


def run_mf(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MF, *args],
        cwd=PROJECT_DIR,
        env={**dbt_env(DEMO_RAW, db), **MF_TARGET, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def mf_results(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Runs every README command once (queries also write --csv); returns command → result.
    `dbt parse` first, so target/semantic_manifest.json is this checkout's."""
    parsed = subprocess.run(
        [DBT, "parse", "--warn-error"],
        cwd=PROJECT_DIR,
        env={**dbt_env(DEMO_RAW, demo_warehouse), **MF_TARGET},
        capture_output=True,
        text=True,
        check=False,
    )
    assert parsed.returncode == 0, parsed.stdout[-3000:] + parsed.stderr[-3000:]
    out_dir = tmp_path_factory.mktemp("mf")
    results: dict[str, tuple[subprocess.CompletedProcess[str], pd.DataFrame | None]] = {}
    for number, command in enumerate(readme_commands()):
        args = shlex.split(command)[1:]
        csv = out_dir / f"query_{number}.csv"
        if args[0] == "query":
            args += ["--csv", str(csv), "--quiet"]
        done = run_mf(args, demo_warehouse)
        assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        results[command] = (done, pd.read_csv(csv) if csv.exists() else None)
    return results


# ----------------------------------------------------------------------------------- tests


def test_readme_queries_are_exactly_the_checked_ones() -> None:
    queries = [command for command in readme_commands() if command.startswith("mf query ")]
    assert sorted(map(query_key, queries), key=str) == sorted(CHECKS, key=str)
    assert {"mf validate-configs", "mf list metrics"} <= set(readme_commands())


@pytest.mark.parametrize("key", list(CHECKS), ids=lambda key: key[1])
def test_readme_query_values(
    key: tuple[str, str, str | None], mf_results: dict, demo_warehouse: Path
) -> None:
    command = next(command for command in mf_results if query_key(command) == key)
    actual = mf_results[command][1]
    expected, keys = CHECKS[key](demo_warehouse)
    assert len(expected) > 0
    assert set(actual.columns) == set(keys) | set(key[0].split(","))
    compare(actual, expected, keys)


def test_quarter_cpl_is_not_the_average_of_its_months(
    mf_results: dict, demo_warehouse: Path
) -> None:
    """The README's quarterly CPL differs from the mean of the monthly CPLs of the same
    quarter: a ratio of sums, not a sum or mean of ratios."""
    key = ("spend,leads,cpl,won_deals,cpl_won,revenue,drr_pct", "metric_time__quarter", None)
    command = next(command for command in mf_results if query_key(command) == key)
    quarters = mf_results[command][1]
    monthly = (
        read_db(
            demo_warehouse,
            """
        select date_trunc('quarter', month) as quarter, month,
            sum(spend_rub) / sum(leads) as cpl
        from main.mart_channel_performance where model = 'last_click'
        group by all
    """,
        )
        .groupby("quarter")["cpl"]
        .agg(["mean", "size"])
    )
    first = pd.Timestamp("2026-01-01")
    assert monthly.loc[first, "size"] == 3
    cpl = quarters.loc[pd.to_datetime(quarters["metric_time__quarter"]) == first, "cpl"].item()
    assert abs(cpl - monthly.loc[first, "mean"]) > 1.0


def test_validate_configs_passes(mf_results: dict) -> None:
    done = mf_results["mf validate-configs"][0]
    counts = re.findall(r"ERRORS: (\d+), FUTURE_ERRORS: (\d+), WARNINGS: (\d+)", done.stdout)
    assert len(counts) >= 6, done.stdout  # parse + semantic + the warehouse validations
    assert all(count == ("0", "0", "0") for count in counts), done.stdout


def test_list_metrics_shows_every_defined_metric(mf_results: dict) -> None:
    defined = {
        metric["name"]
        for path in (PROJECT_DIR / "models").rglob("_*__semantic.yml")
        for metric in yaml.safe_load(path.read_text(encoding="utf-8")).get("metrics", [])
    }
    assert {"open_rate", "ctr", "ctor", "registration_rate", "cpl", "cpl_won", "drr_pct"} <= defined
    listed = set(re.findall(r"^• (\w+):", mf_results["mf list metrics"][0].stdout, flags=re.M))
    assert listed == defined


def test_no_metric_adds_up_attribution_models(mf_results: dict) -> None:
    """Every metric over fct_attribution filters on exactly one model, and names it."""
    path = PROJECT_DIR / "models" / "marts" / "attribution" / "_attribution__semantic.yml"
    semantic = yaml.safe_load(path.read_text(encoding="utf-8"))
    attributed = {
        measure["name"]
        for model in semantic["semantic_models"]
        if model["name"] == "attribution"
        for measure in model["measures"]
    }

    def measure(metric: dict) -> str:
        named = metric["type_params"]["measure"]
        return named["name"] if isinstance(named, dict) else named

    simple = [
        metric
        for metric in semantic["metrics"]
        if metric["type"] == "simple" and measure(metric) in attributed
    ]
    assert len(simple) == 4 * len(MODELS) + 1
    for metric in simple:
        models = re.findall(r"Dimension\('attribution__model'\) \}\} = '(\w+)'", metric["filter"])
        assert len(models) == 1 and models[0] in MODELS, metric["name"]
        assert metric["name"].endswith(models[0]) or metric["name"] == "assisted_conversions"


@pytest.fixture()
def warehouse_moved_away(demo_warehouse: Path) -> Path:
    """The demo warehouse file moved aside for one test (put back afterwards)."""
    aside = demo_warehouse.with_name(demo_warehouse.name + ".moved")
    os.replace(demo_warehouse, aside)
    try:
        yield demo_warehouse
    finally:
        os.replace(aside, demo_warehouse)


def test_serving_target_answers_raw_totals_without_the_warehouse(
    mf_results: dict, warehouse_moved_away: Path
) -> None:
    """The docs' serving query, with no warehouse file: the serving copy (opened read-only,
    left unchanged) answers all ad and campaign costs and every lead of the raw files."""
    assert SERVING_QUERY in DOCS.read_text(encoding="utf-8")
    serving = warehouse_moved_away.parent / "serving" / "serving.duckdb"
    before = hashlib.sha256(serving.read_bytes()).hexdigest()
    env, command = SERVING_QUERY.split(" ", 1)
    done = run_mf(
        [*shlex.split(command)[1:], "--quiet", "--csv", "/dev/stdout"],
        warehouse_moved_away,
        **dict([env.split("=")]),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not warehouse_moved_away.exists()
    header, values = done.stdout.strip().splitlines()[-2:]
    answer = dict(zip(header.split(","), map(float, values.split(","))))
    spend, leads = raw_totals()
    assert answer["spend"] == pytest.approx(spend, rel=1e-9)
    assert answer["leads"] == leads
    assert hashlib.sha256(serving.read_bytes()).hexdigest() == before


# ------------------------------------------------------------------------ docs and lineage


@pytest.fixture(scope="module")
def docs(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt docs generate` on the demo warehouse, into a target path of its own."""
    target = tmp_path_factory.mktemp("docs")
    done = run_dbt(
        ["docs", "generate", "--warn-error", "--target-path", str(target)], DEMO_RAW, demo_warehouse
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return target


def test_docs_generate_includes_the_dashboards(docs: Path) -> None:
    import json

    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    assert (docs / "index.html").exists()
    exposures = {exposure["name"]: exposure for exposure in manifest["exposures"].values()}
    assert set(exposures) == {"crm_email_dashboard", "end_to_end_analytics_dashboard"}
    reads = {name: set(exposure["depends_on"]["nodes"]) for name, exposure in exposures.items()}
    assert "model.marketing_warehouse.mart_email_funnel" in reads["crm_email_dashboard"]
    assert "model.marketing_warehouse.mart_segment_flow" in reads["crm_email_dashboard"]
    assert {
        "model.marketing_warehouse.mart_channel_performance",
        "model.marketing_warehouse.mart_drr_by_period",
        "model.marketing_warehouse.mart_attribution_comparison",
    } <= reads["end_to_end_analytics_dashboard"]
    for name, exposure in exposures.items():
        assert exposure["type"] == "dashboard"
        assert exposure["maturity"] in {"low", "medium", "high"}
        assert exposure["owner"]["name"]
        assert len(exposure["description"]) > 200, name
        for node in reads[name]:
            # Only marts, and each one is a relation of the warehouse with its columns.
            assert manifest["nodes"][node]["original_file_path"].startswith("models/marts/"), node
            assert catalog["nodes"][node]["columns"], node
    # MetricFlow's artifacts are part of the same docs build.
    assert {
        "semantic_model.marketing_warehouse.email_sends",
        "semantic_model.marketing_warehouse.spend",
        "semantic_model.marketing_warehouse.attribution",
    } <= set(manifest["semantic_models"])
    assert "model.marketing_warehouse.metricflow_time_spine_month" in catalog["nodes"]
