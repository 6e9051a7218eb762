"""mart_segment_flow_uplift recovers the effect planted in the generator (ground_truth/
planted_effects) on the `uplift` preset, where it is the only way an email moves at-risk
contacts, and finds none where none was planted. Generated and built once (about a minute)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from dbt_helpers import run_pipeline

from scripts.generate_data import generate_preset


@pytest.fixture(scope="module")
def uplift_zone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("uplift")
    generate_preset(root, "uplift")
    db = root / "warehouse.duckdb"
    done = run_pipeline(root / "raw", db)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    connection = duckdb.connect(str(db), read_only=True)
    yield root, connection
    connection.close()


def untreated_share(truth: Path, campaign: pd.Series, effect: pd.Series) -> float:
    """From the ground truth alone: among contacts in the effect's segment on the campaign's
    launch day who were not sent it, the share in to_segment `horizon_days` days later."""
    days = pd.read_parquet(truth / "contact_days.parquet")
    sent = set(
        pd.read_parquet(
            truth / "sends.parquet", filters=[("campaign_id", "=", campaign.campaign_id)]
        )["contact_id"]
    )
    launch = (campaign.launched_at + dt.timedelta(hours=3)).date()  # Europe/Moscow, no DST
    before = days[
        (days["date"] == launch)
        & (days["activity_segment"] == effect.segment_at_send)
        & ~days["contact_id"].isin(sent)
    ]
    after = days[days["date"] == launch + dt.timedelta(days=int(effect.horizon_days))].set_index(
        "contact_id"
    )
    landed = after["activity_segment"].reindex(before["contact_id"]) == effect.to_segment
    return float(landed.mean())


def test_planted_effect_is_recovered(uplift_zone: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    """Each campaign the effect applies to: the interval covers the planted uplift,
    (responses / eligible sends) × (1 − the untreated share in to_segment), and excludes 0
    when the row is conclusive. The later campaign's control is small (other brands'
    activations within the horizon exclude many), so only one is required to be conclusive."""
    root, db = uplift_zone
    effect = pq.read_table(root / "ground_truth" / "planted_effects.parquet").to_pandas().iloc[0]
    campaigns = pq.read_table(root / "raw" / "esp" / "campaigns").to_pandas()
    planted = campaigns[
        (campaigns["email_type"] == effect.email_type)
        & (campaigns["brand_code"] == effect.brand_code)
    ]
    response = effect.responses / effect.eligible_sends
    assert response == pytest.approx(effect.response_probability * 0.965, abs=0.1)
    checked, conclusive = 0, 0
    for campaign in planted.itertuples():
        row = db.execute(
            """
            select uplift, uplift_ci_low, uplift_ci_high, is_conclusive from main.mart_segment_flow_uplift
            where campaign_id = ? and segment_at_send = ? and horizon_days = ? and to_segment = ?
        """,
            [
                campaign.campaign_id,
                effect.segment_at_send,
                int(effect.horizon_days),
                effect.to_segment,
            ],
        ).fetchone()
        if row is None:  # horizon past the last export
            continue
        expected = response * (1 - untreated_share(root / "ground_truth", campaign, effect))
        uplift, low, high, is_conclusive = row
        assert low <= expected <= high, (campaign.campaign_id, expected, row)
        assert low <= uplift <= high
        assert low > 0 or not is_conclusive, (campaign.campaign_id, row)
        checked += 1
        conclusive += is_conclusive
    assert checked >= 2 and conclusive >= 1


def test_no_effect_where_none_was_planted(
    uplift_zone: tuple[Path, duckdb.DuckDBPyConnection],
) -> None:
    """Webinar invitations move nobody out of at_risk on this preset: every conclusive
    interval for at_risk → active covers 0."""
    _, db = uplift_zone
    rows = db.execute("""
        select uplift.campaign_id, uplift.horizon_days, uplift.uplift, uplift.uplift_ci_low,
               uplift.uplift_ci_high
        from main.mart_segment_flow_uplift as uplift
        inner join main.dim_campaigns as campaigns on uplift.campaign_id = campaigns.campaign_id
        where campaigns.email_type = 'webinar_invitation' and uplift.segment_at_send = 'at_risk'
            and uplift.to_segment = 'active' and uplift.is_conclusive
    """).fetchall()
    assert len(rows) >= 3
    for campaign_id, horizon, uplift, low, high in rows:
        assert low < 0 < high, (campaign_id, horizon, uplift, low, high)


def test_every_destination_and_interval(
    uplift_zone: tuple[Path, duckdb.DuckDBPyConnection],
) -> None:
    """Each campaign × segment × horizon has every destination once, the rates sum to 1,
    and every interval with a control contains its uplift and has width."""
    _, db = uplift_zone
    per_group = db.execute("""
        select count(*), count(distinct to_segment), sum(treated_rate), sum(control_rate)
        from main.mart_segment_flow_uplift where treated_contacts > 0
        group by campaign_id, segment_at_send, horizon_days
    """).fetchall()
    assert per_group and all(n == 6 == distinct for n, distinct, _, _ in per_group)
    assert all(abs(t - 1) < 1e-9 and abs(c - 1) < 1e-9 for _, _, t, c in per_group)
    bad = db.execute("""
        select count(*) from main.mart_segment_flow_uplift
        where treated_contacts > 0 and not (uplift_ci_low <= uplift and uplift <= uplift_ci_high
                                            and uplift_ci_low < uplift_ci_high)
    """).fetchone()[0]
    assert bad == 0
