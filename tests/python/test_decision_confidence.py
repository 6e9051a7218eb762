"""The two confidence marts against known answers: the Poisson bootstrap (macro poisson_weight)
on simulated proportions whose true value is known, and mart_decision_confidence against the
point estimates of the attribution marts."""

from __future__ import annotations

import math

import duckdb
import pytest
from dbt_helpers import dbt_show_many

Z = 1.959963984540054


def wilson(successes: int, trials: int) -> tuple[float, float]:
    p = successes / trials
    centre = (p + Z * Z / (2 * trials)) / (1 + Z * Z / trials)
    half = (
        Z * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials)) / (1 + Z * Z / trials)
    )
    return centre - half, centre + half


POISSON_SQL = (
    "select avg(weight) as mean, var_pop(weight) as variance,"
    " avg(case when weight = 0 then 1.0 else 0 end) as p0,"
    " avg(case when weight = 1 then 1.0 else 0 end) as p1,"
    " avg(case when weight = 2 then 1.0 else 0 end) as p2, max(weight) as top from ("
    " select {{ poisson_weight(\"'u' || units.unit\", 'replicates.replicate') }} as weight"
    " from range(1000) as units(unit) cross join ({{ replicate_numbers() }}) as replicates)"
)


def test_poisson_weights_are_poisson_one(shown: dict[str, list[dict]]) -> None:
    """Over 200,000 (unit, replicate) pairs the weights have mean 1, variance 1 and
    P(0) = P(1) = e^-1, P(2) = e^-1 / 2."""
    rows = shown["poisson"][0]
    assert rows["mean"] == pytest.approx(1, abs=0.01)
    assert rows["variance"] == pytest.approx(1, abs=0.02)
    assert rows["p0"] == pytest.approx(math.exp(-1), abs=0.005)
    assert rows["p1"] == pytest.approx(math.exp(-1), abs=0.005)
    assert rows["p2"] == pytest.approx(math.exp(-1) / 2, abs=0.005)
    assert 5 <= rows["top"] <= 9


# Bootstrap intervals of a proportion on `datasets` synthetic samples of `size` persons each,
# every person a success with probability 0.3 (a hash draw): the percentile interval of
# Σ weight × success / Σ weight over 200 replicates, exactly as mart_decision_confidence forms it.
BOOTSTRAP_SQL = """
with persons as (
    select datasets.dataset, units.unit,
        case when (abs(hash('y', datasets.dataset, units.unit) % 1000000) + 0.5) / 1e6 < 0.3
            then 1 else 0 end as success
    from range({datasets}) as datasets(dataset) cross join range({size}) as units(unit)
),
replicated as (
    select persons.dataset, replicates.replicate,
        sum({{{{ poisson_weight("persons.dataset || '-' || persons.unit", 'replicates.replicate') }}}}
            * persons.success) * 1.0
        / nullif(sum({{{{ poisson_weight("persons.dataset || '-' || persons.unit",
                                       'replicates.replicate') }}}}), 0) as share
    from persons cross join ({{{{ replicate_numbers() }}}}) as replicates
    group by persons.dataset, replicates.replicate
),
intervals as (
    select dataset,
        {{{{ percentile_value('share', 0.025) }}}} as ci_low,
        {{{{ percentile_value('share', 0.975) }}}} as ci_high
    from replicated group by dataset
)
select intervals.dataset, intervals.ci_low, intervals.ci_high, sum(persons.success) as successes
from intervals inner join persons on intervals.dataset = persons.dataset
group by intervals.dataset, intervals.ci_low, intervals.ci_high
order by intervals.dataset
"""


BOOTSTRAP_SIZES = (100, 400)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every query of this file, compiled by one dbt call."""
    queries = {"poisson": POISSON_SQL} | {
        f"bootstrap_{size}": BOOTSTRAP_SQL.format(datasets=120, size=size)
        for size in BOOTSTRAP_SIZES
    }
    return dbt_show_many(queries, tmp_path_factory.mktemp("bootstrap") / "bootstrap.duckdb")


@pytest.fixture(scope="module")
def bootstrap_intervals(shown: dict[str, list[dict]]) -> dict[int, list[dict[str, float]]]:
    return {size: shown[f"bootstrap_{size}"] for size in BOOTSTRAP_SIZES}


def test_bootstrap_covers_the_true_proportion(
    bootstrap_intervals: dict[int, list[dict[str, float]]],
) -> None:
    """About 95% of the intervals contain the true 0.3 (120 samples: 89% to 99% expected)."""
    for size, rows in bootstrap_intervals.items():
        covered = sum(row["ci_low"] <= 0.3 <= row["ci_high"] for row in rows) / len(rows)
        assert 0.89 <= covered <= 0.99, (size, covered)


def test_bootstrap_agrees_with_wilson(
    bootstrap_intervals: dict[int, list[dict[str, float]]],
) -> None:
    """On each sample the bootstrap interval is close to the exact-score (Wilson) interval of
    the same successes. A 2.5% percentile of 200 replicates has a Monte-Carlo standard error
    of sqrt(0.025 * 0.975 / 200) / phi(1.96) = 0.19 standard deviations of the share, so every
    bound is within 4 such errors plus 0.005 (the two methods' own difference); on average
    the bounds are within 0.01 at 100 persons and 0.005 at 400, widths within 20%."""
    monte_carlo_sd = math.sqrt(0.025 * 0.975 / 200) / (
        math.exp(-(1.96**2) / 2) / math.sqrt(2 * math.pi)
    )
    for size, mean_tolerance in ((100, 0.01), (400, 0.005)):
        tolerance = 4 * monte_carlo_sd * math.sqrt(0.3 * 0.7 / size) + 0.005
        rows = bootstrap_intervals[size]
        ratios, gaps = [], []
        for row in rows:
            low, high = wilson(int(row["successes"]), size)
            assert row["ci_low"] == pytest.approx(low, abs=tolerance)
            assert row["ci_high"] == pytest.approx(high, abs=tolerance)
            gaps += [abs(row["ci_low"] - low), abs(row["ci_high"] - high)]
            ratios.append((row["ci_high"] - row["ci_low"]) / (high - low))
        assert sum(gaps) / len(gaps) <= mean_tolerance, (size, sum(gaps) / len(gaps))
        assert sum(ratios) / len(ratios) == pytest.approx(1, abs=0.2)


def test_bootstrap_intervals_shrink_as_data_grow(
    bootstrap_intervals: dict[int, list[dict[str, float]]],
) -> None:
    """Four times the persons: half the width (1/sqrt(4)), within 15%."""
    width = {
        size: sum(r["ci_high"] - r["ci_low"] for r in rows) / len(rows)
        for size, rows in bootstrap_intervals.items()
    }
    assert width[400] / width[100] == pytest.approx(0.5, rel=0.15)


def test_decision_estimates_equal_the_attribution_marts(demo_db: duckdb.DuckDBPyConnection) -> None:
    """The estimates are the marts' own numbers: CPL and DRR from mart_channel_performance's
    spend and counts, LC − linear from mart_attribution_comparison (which takes linear − LC)."""
    cpl = demo_db.execute("""
        select count(*), max(abs(confidence.estimate - performance.spend_rub / performance.leads)
                               / confidence.estimate)
        from main.mart_decision_confidence as confidence
        inner join (
            select month, channel, model, sum(spend_rub) as spend_rub, sum(leads) as leads
            from main.mart_channel_performance group by month, channel, model
        ) as performance
            on confidence.period = performance.month and confidence.channel = performance.channel
            and confidence.model = performance.model
        where confidence.decision = 'cpl_leads' and confidence.period_grain = 'month'
    """).fetchone()
    assert cpl[0] > 20 and cpl[1] < 1e-9
    drr = demo_db.execute("""
        select count(*), max(abs(confidence.estimate - drr.drr_pct) / drr.drr_pct)
        from main.mart_decision_confidence as confidence
        inner join main.mart_drr_by_period as drr
            on confidence.period_grain = drr.period_grain and confidence.period = drr.period
            and confidence.channel = drr.channel and confidence.model = drr.model
        where confidence.decision = 'drr_pct'
    """).fetchone()
    assert drr[0] > 10 and drr[1] < 1e-9
    difference = demo_db.execute("""
        select count(*), max(abs(confidence.estimate + comparison.leads_difference))
        from main.mart_decision_confidence as confidence
        inner join main.mart_attribution_comparison as comparison
            on confidence.period = comparison.month and confidence.channel = comparison.channel
            and confidence.utm_campaign = comparison.utm_campaign
        where confidence.decision = 'lc_minus_linear_leads'
    """).fetchone()
    assert difference[0] > 20 and difference[1] < 1e-9


def test_decision_intervals_hold(demo_db: duckdb.DuckDBPyConnection) -> None:
    """Every interval contains its estimate and has width; every decision is there; the
    verdicts follow the intervals where the threshold is 0."""
    decisions = {
        row[0]
        for row in demo_db.execute(
            "select distinct decision from main.mart_decision_confidence"
        ).fetchall()
    }
    assert decisions == {
        f"cpl_{level}"
        for level in ("leads", "qualified", "meetings", "bookings", "payments", "won")
    } | {"drr_pct", "lc_minus_linear_leads", "lc_minus_linear_revenue", "lead_share"}
    bad = demo_db.execute("""
        select count(*) from main.mart_decision_confidence
        where not (ci_low <= estimate * (1 + 1e-9) and (ci_high is null or estimate <= ci_high * (1 + 1e-9))
                   and (ci_high is null or ci_high > ci_low))
    """).fetchone()[0]
    assert bad == 0
    wrong = demo_db.execute("""
        select count(*) from main.mart_decision_confidence
        where decision like 'lc_minus_linear_%' and verdict <> case
            when ci_low > 0 then 'last_click_overstates' when ci_high < 0 then 'last_click_understates'
            else 'no_clear_difference' end
    """).fetchone()[0]
    assert wrong == 0
