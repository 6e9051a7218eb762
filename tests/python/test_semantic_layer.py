"""The semantic layer as docs/semantic_layer.md documents it: every `mf` command of the
page's bash blocks runs against the demo warehouse, and each query's numbers are checked
against a computation of their own (the raw files, or the facts summed in DuckDB with the
definitions of marts.md), never against MetricFlow itself. Adding, changing or
dropping an example without its check fails here, so the page cannot drift."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import DEMO_RAW, DEMO_TRUTH, PROJECT_DIR
from dbt_helpers import dbt_env, run_dbt
from independent import funnel_per_send, newest_ad_costs_sql

MF = str(Path(sys.executable).parent / "mf")
README = PROJECT_DIR / "docs" / "semantic_layer.md"
REPORTING_TZ = "Europe/Moscow"
MODELS = ["first_click", "last_click", "linear", "position_based", "time_decay"]


def readme_commands() -> list[str]:
    """The `mf` lines of the bash blocks of docs/semantic_layer.md."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("mf ")]


def option(command: str, name: str) -> str | None:
    args = shlex.split(command)
    return args[args.index(name) + 1] if name in args else None


def query_key(command: str) -> tuple[str, str, str | None]:
    """What a query asks for: its metrics, group-by and where filter."""
    return option(command, "--metrics"), option(command, "--group-by"), option(command, "--where")


def run_mf(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MF, *args], cwd=PROJECT_DIR, env=dbt_env(DEMO_RAW, db), capture_output=True,
        text=True, check=False, timeout=600,
    )


@pytest.fixture(scope="module")
def mf_results(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Runs every README command once (queries also write --csv); returns command → result.
    `dbt parse` first, so target/semantic_manifest.json is this checkout's."""
    parsed = run_dbt(["parse", "--warn-error"], DEMO_RAW, demo_warehouse)
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


# ----------------------------------------------------------------------------- expectations

def quarter(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("Q").dt.start_time


def month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.start_time


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, empty (NaN) on a zero denominator."""
    return numerator / denominator.where(denominator != 0)


def sends_from_raw() -> pd.DataFrame:
    return funnel_per_send(DEMO_RAW, DEMO_TRUTH, REPORTING_TZ)


def raw_spend_by_day() -> pd.DataFrame:
    """Spend per reporting day straight from the raw files: ad costs on their date (valid
    rows, the newest file per key), each campaign's cost on its launch day in the
    reporting time zone (the newest file per campaign)."""
    connection = duckdb.connect()
    connection.execute("set timezone = 'UTC'")
    ad_costs = connection.execute(f"""
        select date as day, cost_rub from ({newest_ad_costs_sql(DEMO_RAW)})
    """).df()
    campaigns = connection.execute(f"""
        select launched_at, cost_rub from (
            select *, row_number() over (partition by campaign_id order by filename desc) as newest
            from read_parquet('{DEMO_RAW}/esp/campaigns/*.parquet', filename = true)
            where campaign_id is not null
        ) where newest = 1
    """).df()
    campaigns["day"] = (campaigns["launched_at"].dt.tz_localize("UTC")
                        .dt.tz_convert(REPORTING_TZ).dt.date)
    return pd.concat([ad_costs, campaigns[["day", "cost_rub"]]])


def read_db(demo_warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        connection.execute("set timezone = 'UTC'")
        return connection.execute(sql).df()


def compare(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same key rows; integers equal, floats to 1e-9 relative, empty where expected is."""
    assert len(actual) == len(expected), (len(actual), len(expected))
    for frame in (actual, expected):
        for key in keys:
            if key.startswith("metric_time"):
                frame[key] = pd.to_datetime(frame[key])
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_expected", ""),
                            indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys]
    for column in expected.columns.difference(keys):
        want, got = merged[f"{column}_expected"], merged[column]
        assert (want.isna() == got.isna()).all(), (column, merged[keys + [column]])
        assert got[want.notna()].astype(float).to_numpy() == pytest.approx(
            want[want.notna()].astype(float).to_numpy(), rel=1e-9, abs=1e-9), column


def expect_email_by_month_and_type(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """From the raw ESP files: sends of a month (first `sent` event, reporting time zone)
    by the campaign's email type; the rates are marts.md's."""
    sends = sends_from_raw()
    sends["metric_time__month"] = month(sends["sent_date"])
    keys = ["metric_time__month", "email_send__email_type"]
    grouped = sends.rename(columns={"email_type": "email_send__email_type"}).groupby(keys)
    expected = grouped.agg(sends=("sent", "size"), delivered=("delivered", "sum"),
                           unique_opens=("opened", "sum"), unique_clicks=("clicked", "sum"))
    expected["open_rate"] = ratio(expected["unique_opens"], expected["delivered"])
    expected["ctr"] = ratio(expected["unique_clicks"], expected["delivered"])
    expected["ctor"] = ratio(expected["unique_clicks"], expected["unique_opens"])
    return expected.drop(columns="unique_clicks").reset_index(), keys


def expect_registrations_by_quarter_and_segment(
        demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Summed from fct_email_sends: registrations / delivered of each quarter."""
    sends = read_db(demo_warehouse, """
        select sent_date, segment_at_send, registrations, is_delivered from main.fct_email_sends
    """)
    sends["metric_time__quarter"] = quarter(sends["sent_date"])
    sends["delivered"] = sends["is_delivered"].astype(int)
    keys = ["metric_time__quarter", "email_send__segment_at_send"]
    expected = sends.rename(columns={"segment_at_send": keys[1]}).groupby(keys).agg(
        registrations=("registrations", "sum"), delivered=("delivered", "sum"))
    expected["registration_rate"] = ratio(expected["registrations"], expected["delivered"])
    return expected.drop(columns="delivered").reset_index(), keys


def expect_dentist_activation_by_quarter_and_brand(
        demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Activation emails to dentists (specialty at the send), by the campaign's brand."""
    sends = read_db(demo_warehouse, """
        select sends.sent_date, coalesce(campaigns.brand_code, 'multi_brand') as brand,
            sends.is_delivered, sends.is_opened, sends.is_clicked, sends.registrations
        from main.fct_email_sends as sends
        inner join main.dim_campaigns as campaigns on sends.campaign_id = campaigns.campaign_id
        where sends.specialty = 'dentist' and campaigns.email_type = 'activation'
    """)
    sends["metric_time__quarter"] = quarter(sends["sent_date"])
    keys = ["metric_time__quarter", "campaign__brand_code"]
    grouped = sends.rename(columns={"brand": keys[1]}).groupby(keys)
    expected = grouped.agg(sends=("sent_date", "size"), delivered=("is_delivered", "sum"),
                           opened=("is_opened", "sum"), clicked=("is_clicked", "sum"),
                           registrations=("registrations", "sum"))
    expected["open_rate"] = ratio(expected["opened"], expected["delivered"])
    expected["ctr"] = ratio(expected["clicked"], expected["delivered"])
    expected["registration_rate"] = ratio(expected["registrations"], expected["delivered"])
    return expected[["sends", "open_rate", "ctr", "registration_rate"]].reset_index(), keys


def conversions(demo_warehouse: Path) -> pd.DataFrame:
    return read_db(demo_warehouse, """
        select converted_date, reached_qualified, reached_won, revenue_rub
        from main.fct_conversions
    """)


def expect_quarter_spend_and_cpl(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Spend from the raw files, leads, won deals and revenue counted per lead
    (fct_conversions: every model credits each lead exactly once in total); the ratios of
    the quarter's own sums."""
    spend = raw_spend_by_day()
    spend["metric_time__quarter"] = quarter(spend["day"])
    leads = conversions(demo_warehouse)
    leads["metric_time__quarter"] = quarter(leads["converted_date"])
    keys = ["metric_time__quarter"]
    expected = pd.concat([
        spend.groupby(keys).agg(spend=("cost_rub", "sum")),
        leads.groupby(keys).agg(leads=("converted_date", "size"), won_deals=("reached_won", "sum"),
                                revenue=("revenue_rub", "sum")),
    ], axis=1).fillna(0)
    expected["cpl"] = ratio(expected["spend"], expected["leads"])
    expected["cpl_won"] = ratio(expected["spend"], expected["won_deals"])
    expected["drr_pct"] = ratio(expected["spend"], expected["revenue"]) * 100
    return expected.reset_index(), keys


def expect_half_year_drr_by_channel(demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """mart_drr_by_period, the SQL implementation of the same half-year ratios."""
    expected = read_db(demo_warehouse, """
        select period as metric_time__half_year, channel as attribution__channel,
            spend_rub as spend, revenue_rub as revenue, drr_pct, cpl_won
        from main.mart_drr_by_period
        where period_grain = 'half_year' and model = 'linear'
    """)
    return expected, ["metric_time__half_year", "attribution__channel"]


def expect_funnel_by_month_in_every_model(
        demo_warehouse: Path) -> tuple[pd.DataFrame, list[str]]:
    """Every model gives each month the number of leads created in it (and of those that
    reached qualified and won): credits of a lead sum to 1."""
    leads = conversions(demo_warehouse)
    leads["metric_time__month"] = month(leads["converted_date"])
    per_month = leads.groupby("metric_time__month").agg(
        leads=("converted_date", "size"), qualified_leads=("reached_qualified", "sum"),
        won_deals=("reached_won", "sum")).reset_index()
    expected = per_month.merge(pd.DataFrame({"attribution__model": MODELS}), how="cross")
    return expected, ["metric_time__month", "attribution__model"]


CHECKS: dict[tuple[str, str, str | None], Callable[[Path], tuple[pd.DataFrame, list[str]]]] = {
    ("sends,delivered,unique_opens,open_rate,ctr,ctor",
     "metric_time__month,email_send__email_type", None): expect_email_by_month_and_type,
    ("registrations,registration_rate", "metric_time__quarter,email_send__segment_at_send",
     None): expect_registrations_by_quarter_and_segment,
    ("sends,open_rate,ctr,registration_rate", "metric_time__quarter,campaign__brand_code",
     "{{ Dimension('email_send__specialty') }} = 'dentist'"
     " and {{ Dimension('campaign__email_type') }} = 'activation'"):
        expect_dentist_activation_by_quarter_and_brand,
    ("spend,leads,cpl,won_deals,cpl_won,revenue,drr_pct", "metric_time__quarter",
     "{{ Dimension('attribution__model') }} = 'last_click'"): expect_quarter_spend_and_cpl,
    ("spend,revenue,drr_pct,cpl_won", "metric_time__half_year,attribution__channel",
     "{{ Dimension('attribution__model') }} = 'linear'"): expect_half_year_drr_by_channel,
    ("leads,qualified_leads,won_deals", "metric_time__month,attribution__model", None):
        expect_funnel_by_month_in_every_model,
}


# ----------------------------------------------------------------------------------- tests

def test_readme_queries_are_exactly_the_checked_ones() -> None:
    queries = [command for command in readme_commands() if command.startswith("mf query ")]
    assert sorted(map(query_key, queries), key=str) == sorted(CHECKS, key=str)
    assert {"mf validate-configs", "mf list metrics"} <= set(readme_commands())


@pytest.mark.parametrize("key", list(CHECKS), ids=lambda key: key[1])
def test_readme_query_values(key: tuple[str, str, str | None], mf_results: dict,
                             demo_warehouse: Path) -> None:
    command = next(command for command in mf_results if query_key(command) == key)
    actual = mf_results[command][1]
    expected, keys = CHECKS[key](demo_warehouse)
    assert len(expected) > 0
    assert set(actual.columns) == set(keys) | set(key[0].split(","))
    compare(actual, expected, keys)


def test_quarter_cpl_is_not_the_average_of_its_months(mf_results: dict,
                                                     demo_warehouse: Path) -> None:
    """The README's quarterly CPL differs from the mean of the monthly CPLs of the same
    quarter: a ratio of sums, not a sum or mean of ratios."""
    key = ("spend,leads,cpl,won_deals,cpl_won,revenue,drr_pct", "metric_time__quarter",
           "{{ Dimension('attribution__model') }} = 'last_click'")
    command = next(command for command in mf_results if query_key(command) == key)
    quarters = mf_results[command][1]
    monthly = read_db(demo_warehouse, """
        select date_trunc('quarter', month) as quarter, month,
            sum(spend_rub) / sum(leads) as cpl
        from main.mart_channel_performance where model = 'last_click'
        group by all
    """).groupby("quarter")["cpl"].agg(["mean", "size"])
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


def test_spend_without_a_model_filter_counts_every_model(demo_warehouse: Path,
                                                         mf_results: dict) -> None:
    """Why the README says to filter on attribution__model: unfiltered, spend is five
    copies of the raw spend; filtered, it is the raw spend."""
    raw = raw_spend_by_day()["cost_rub"].sum()
    unfiltered = run_mf(["query", "--metrics", "spend", "--quiet", "--csv", "/dev/stdout"],
                        demo_warehouse)
    assert unfiltered.returncode == 0, unfiltered.stderr
    total = float(unfiltered.stdout.strip().splitlines()[-1])
    assert total == pytest.approx(len(MODELS) * raw, rel=1e-9)


# ------------------------------------------------------------------------ docs and lineage

@pytest.fixture(scope="module")
def docs(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt docs generate` on the demo warehouse, into a target path of its own."""
    target = tmp_path_factory.mktemp("docs")
    done = run_dbt(["docs", "generate", "--warn-error", "--target-path", str(target)],
                   DEMO_RAW, demo_warehouse)
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
    assert {"model.marketing_warehouse.mart_channel_performance",
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
    assert {"semantic_model.marketing_warehouse.email_sends",
            "semantic_model.marketing_warehouse.channel_performance",
            } <= set(manifest["semantic_models"])
    assert "model.marketing_warehouse.metricflow_time_spine_month" in catalog["nodes"]
