-- Every interval of the two confidence marts contains its estimate and has some width
-- (a CPL or DRR interval may have no upper bound: ci_high null; an uplift row
-- without any comparable control has none). A decision interval may have zero width only
-- where every bootstrap replicate gave the same value (replicates_vary false: the only
-- channel's lead share, say): that is the data, not a defect.
select
    'mart_decision_confidence' as relation,
    decision as what,
    estimate,
    ci_low,
    ci_high
from {{ ref('mart_decision_confidence') }}
where
    ci_low is null
    or ci_low > estimate + 1e-9 * abs(estimate)
    or ci_high < estimate - 1e-9 * abs(estimate)
    or (ci_high <= ci_low and replicates_vary)
union all
select
    'mart_segment_flow_uplift',
    to_segment,
    uplift,
    uplift_ci_low,
    uplift_ci_high
from {{ ref('mart_segment_flow_uplift') }}
where
    treated_contacts > 0
    and (
        uplift_ci_low is null
        or uplift_ci_high is null
        or uplift_ci_low > uplift + 1e-12
        or uplift_ci_high < uplift - 1e-12
        or uplift_ci_high <= uplift_ci_low
    )
