"""The dashboard's size depends on its output dimensions only: a serving copy with every
combination of the large preset's dimensions (13 months, 13 brands, 10 specialties, 4 email
types, 7 segments, 11 channels, 5 models, 2,000 ad campaigns) gives a page under 5 MB, and
a hundred times more sends or leads in the same dimensions give a page of the same size."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scripts.dashboard.render import render

DIMENSIONS = """
    create table months as select m, (date '2025-01-01' + to_months(m))::date as month
        from range(13) as r(m);
    create table brands as select 'BR' || b as brand from range(13) as r(b);
    create table specialties as select 'specialty_' || s as specialty from range(10) as r(s);
    create table email_types as select unnest(['webinar_invitation', 'digest', 'activation',
        'trigger']) as email_type;
    create table segments as select unnest(['new', 'active', 'at_risk', 'churned', 'deleted',
        'unknown', 'not_yet_known']) as segment;
    create table channels as select 'channel_' || c as channel from range(11) as r(c);
    create table models as select unnest(['last_click', 'first_click', 'linear',
        'position_based', 'time_decay']) as model;
    create table campaigns as select 'ad_campaign_' || c as utm_campaign from range(2000) as r(c);
"""

MARTS = """
    create table mart_email_funnel as
    select month as sent_date, brand as brand_code, specialty, email_type,
           segment as segment_at_send,
           {k} * (1 + hash(month, brand, specialty, email_type, segment) % 9000) as sent,
           sent * 97 // 100 as delivered, sent * 37 // 100 as unique_opens,
           sent * 9 // 100 as unique_clicks, sent // 80 as registrations,
           sent // 400 as unsubscribes
    from months, brands, specialties, email_types, segments;

    create table dim_campaigns as
    select 'EC' || row_number() over () as campaign_id, month as launched_date,
           brand as brand_code, email_type
    from months, brands, email_types;

    create table mart_segment_flow as
    select campaign_id, s1.segment as segment_at_send, s2.segment as segment_after,
           14 as flow_days, {k} * (1 + hash(campaign_id, s1.segment, s2.segment) % 5000) as sends
    from dim_campaigns, segments as s1, segments as s2;

    create table mart_channel_performance as
    select month, channel, model, {k} * 123456.78 as spend_rub,
           {k} * (hash(month, channel, model) % 100000) / 7.0 as leads,
           leads / 2 as qualified, leads / 3 as meetings, leads / 4 as bookings,
           leads / 5 as payments, leads / 6 as won, leads * 54321.0 as revenue_rub
    from months, channels, models;

    create table mart_drr_by_period as
    select grain as period_grain, month as period, channel, model,
           {k} * 123456.78 as spend_rub, {k} * 7654321.09 as revenue_rub, {k} * 12.5 as won,
           month < date '2026-01-01' as is_complete, 30 as days_with_data
    from months, channels, models, (select unnest(['month', 'quarter', 'half_year'])) as g(grain);

    create table mart_attribution_comparison as
    select month, channel, utm_campaign,
           {k} * (hash(month, channel, utm_campaign) % 1000) / 3.0 as leads_last_click,
           leads_last_click * 0.9 as leads_linear, leads_last_click * 54321.0 as revenue_last_click,
           leads_linear * 54321.0 as revenue_linear
    from months, channels, campaigns;

    create table mart_data_quality as
    select date '2026-01-31' as day, 'check_' || c as check_name, 'scope' as check_scope,
           0.01 as value, 0.05 as threshold, 'pass' as status
    from range(60) as r(c);

    create table dim_periods as
    select 'month' as period_grain, month as period, month < date '2026-01-01' as is_complete,
           30 as days_with_data
    from months;
"""


def page_bytes(tmp_path: Path, scale: int) -> int:
    db = tmp_path / f"serving_{scale}.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute(DIMENSIONS)
        connection.execute(MARTS.format(k=scale))
    return render(db, tmp_path / f"dashboard_{scale}.html").stat().st_size


def test_the_page_at_the_large_presets_dimensions_is_under_5_mb(tmp_path: Path) -> None:
    size = page_bytes(tmp_path, 1)
    print(f"dashboard at the l preset's dimensions: {size / 2**20:.2f} MiB")
    assert size < 5 * 10**6
    # A hundred times the volume in the same dimensions: a few more digits per number, no rows.
    assert page_bytes(tmp_path, 100) < size * 1.25
