"""Attribution checked against references built independently of the SQL: the heuristic
models of fct_attribution against ChannelAttribution's heuristic_models, and
mart_markov_attribution against an exact numpy solution of the same Markov chain and
against ChannelAttribution's simulated markov_model.

Paths (the same definition as the mart's, rebuilt here with pandas): a lead's converting
path is the channels of the touches `linear` credits in fct_attribution, by
touch_position (`(none)` without touches); a person with touches and no lead gives a
non-converting path of the touches the models would credit (the non-direct ones, all
when only direct), by (touched_at, touch_id). Identical paths are aggregated into
ChannelAttribution's input: path 'a > b > c', total_conversions, total_conversion_value,
total_null.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd
import pytest
from ChannelAttribution import heuristic_models, markov_model

SEP = " > "
NO_TOUCH = "(none)"
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"

# ChannelAttribution simulates: 1e7 journeys take ~2 s and put its shares within ~0.001
# (absolute) of the exact ones on the demo data; its seed makes the run deterministic.
MARKOV_SIMULATIONS = 1e7
MARKOV_SEED = 0


def journey_paths(db: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """ChannelAttribution's input: one row per distinct path."""
    credited = db.sql(
        "select lead_id, touch_position, channel from fct_attribution where model = 'linear'"
    ).df()
    conversions = db.sql("select lead_id, person_id, revenue_rub from fct_conversions").df()
    touches = db.sql(
        "select touch_id, person_id, touched_at, channel, is_direct from fct_touchpoints"
    ).df()

    converting = (
        credited.sort_values(["lead_id", "touch_position"])
        .groupby("lead_id")["channel"]
        .agg(SEP.join)
        .rename("path")
        .reset_index()
        .merge(conversions, on="lead_id", how="inner", validate="one_to_one")
    )
    assert len(converting) == len(conversions)

    converted_persons = set(conversions["person_id"].dropna())
    others = touches[
        touches["person_id"].notna() & ~touches["person_id"].isin(converted_persons)
    ].copy()
    others["has_non_direct"] = (~others["is_direct"]).groupby(others["person_id"]).transform("any")
    credited_others = others[~others["is_direct"] | ~others["has_non_direct"]]
    non_converting = (
        credited_others.sort_values(["person_id", "touched_at", "touch_id"])
        .groupby("person_id")["channel"]
        .agg(SEP.join)
        .rename("path")
        .reset_index()
    )

    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    "path": converting["path"],
                    "total_conversions": 1,
                    "total_conversion_value": converting["revenue_rub"].astype(float),
                    "total_null": 0,
                }
            ),
            pd.DataFrame(
                {
                    "path": non_converting["path"],
                    "total_conversions": 0,
                    "total_conversion_value": 0.0,
                    "total_null": 1,
                }
            ),
        ]
    )
    return rows.groupby("path", as_index=False).sum()


def chain_paths(paths: pd.DataFrame) -> pd.DataFrame:
    """The paths of the Markov chain: leads without touches stay out of it."""
    return paths[paths["path"] != NO_TOUCH].reset_index(drop=True)


def transition_probabilities(paths: pd.DataFrame) -> pd.DataFrame:
    """First-order transitions; consecutive repeats of a channel are one state (as
    ChannelAttribution estimates them)."""
    counts: dict[tuple[str, str], int] = {}
    for path, conversions, nulls in paths[["path", "total_conversions", "total_null"]].itertuples(
        index=False
    ):
        channels = path.split(SEP)
        states = [START] + [
            channel for i, channel in enumerate(channels) if i == 0 or channel != channels[i - 1]
        ]
        moves = [(a, b, conversions + nulls) for a, b in itertools.pairwise(states)]
        moves += [(states[-1], CONVERSION, conversions), (states[-1], NULL, nulls)]
        for from_state, to_state, n in moves:
            if n:
                counts[from_state, to_state] = counts.get((from_state, to_state), 0) + n
    frame = pd.DataFrame(
        [(a, b, n) for (a, b), n in counts.items()], columns=["from_state", "to_state", "n"]
    )
    frame["probability"] = frame["n"] / frame.groupby("from_state")["n"].transform("sum")
    return frame


def exact_removal_effects(paths: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """P(conversion) from (start) through the fundamental matrix N = (I − Q)^-1 (Q: the
    transient-to-transient probabilities, r: into (conversion); absorption N·r), and the
    same with each channel removed (its column of Q and its r set to 0)."""
    transitions = transition_probabilities(paths)
    channels = sorted(set(transitions["from_state"]) - {START})
    index = {state: i for i, state in enumerate([START, *channels])}
    size = len(index)
    q = np.zeros((size, size))
    r = np.zeros(size)
    for from_state, to_state, probability in transitions[
        ["from_state", "to_state", "probability"]
    ].itertuples(index=False):
        if to_state == CONVERSION:
            r[index[from_state]] += probability
        elif to_state != NULL:
            q[index[from_state], index[to_state]] += probability

    def p_conversion(removed: str | None) -> float:
        q_removed, r_removed = q.copy(), r.copy()
        if removed is not None:
            q_removed[:, index[removed]] = 0
            q_removed[index[removed], :] = 0
            r_removed[index[removed]] = 0
        fundamental = np.linalg.inv(np.eye(size) - q_removed)
        return float((fundamental @ r_removed)[index[START]])

    base = p_conversion(None)
    effects = pd.DataFrame({"channel": channels})
    effects["conversion_probability_without_channel"] = [p_conversion(c) for c in channels]
    effects["removal_effect"] = 1 - effects["conversion_probability_without_channel"] / base
    effects["removal_effect_share"] = effects["removal_effect"] / effects["removal_effect"].sum()
    return base, effects.set_index("channel")


def markov_mart(db: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.sql("select * from mart_markov_attribution").df().set_index("channel")


def test_heuristic_models_match_fct_attribution(demo_db: duckdb.DuckDBPyConnection) -> None:
    converting = journey_paths(demo_db).query("total_conversions > 0")
    reference = heuristic_models(
        converting,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        flg_pro=False,
    ).set_index("channel_name")
    warehouse = demo_db.sql(
        "select model, channel, sum(credit) as credit, sum(revenue_credit) as revenue_credit"
        " from fct_attribution group by model, channel"
    ).df()
    for package_model, model in [
        ("first_touch", "first_click"),
        ("last_touch", "last_click"),
        ("linear_touch", "linear"),
    ]:
        ours = warehouse[warehouse["model"] == model].set_index("channel")
        theirs = reference[reference[f"{package_model}_conversions"] > 0]
        assert set(ours.index) == set(theirs.index), model
        conversions = ours["credit"] - theirs.loc[ours.index, f"{package_model}_conversions"]
        value = ours["revenue_credit"] - theirs.loc[ours.index, f"{package_model}_value"]
        print(
            f"{model}: max |diff| conversions {conversions.abs().max():.2e},"
            f" value {value.abs().max():.2e}"
        )
        assert conversions.abs().max() <= 1e-6, model
        assert value.abs().max() <= 1e-6, model


def test_markov_mart_is_exact(demo_db: duckdb.DuckDBPyConnection) -> None:
    paths = journey_paths(demo_db)
    chain = chain_paths(paths)
    base, reference = exact_removal_effects(chain)
    mart = markov_mart(demo_db)
    in_chain = mart.drop(index=NO_TOUCH)

    assert set(in_chain.index) == set(reference.index)
    n_paths = int(chain["total_conversions"].sum() + chain["total_null"].sum())
    n_conversions = int(chain["total_conversions"].sum())
    # A chain estimated from path counts reproduces the observed conversion rate exactly.
    assert base == pytest.approx(n_conversions / n_paths, abs=1e-12)
    assert (in_chain["chain_paths"] == n_paths).all()
    assert (in_chain["chain_conversions"] == n_conversions).all()
    assert np.abs(in_chain["conversion_probability"] - base).max() <= 1e-9
    for column in [
        "conversion_probability_without_channel",
        "removal_effect",
        "removal_effect_share",
    ]:
        diff = (in_chain[column] - reference.loc[in_chain.index, column]).abs().max()
        print(f"{column}: max |mart − numpy| {diff:.2e}")
        assert diff <= 1e-9, column

    # Untouched leads keep their own credit; the mart distributes every lead and rouble.
    untouched = paths[paths["path"] == NO_TOUCH]
    assert mart.loc[NO_TOUCH, "attributed_conversions"] == untouched["total_conversions"].sum()
    assert mart["attributed_conversions"].sum() == pytest.approx(
        paths["total_conversions"].sum(), abs=1e-6
    )
    assert mart["attributed_revenue"].sum() == pytest.approx(
        paths["total_conversion_value"].sum(), abs=1e-3
    )


def test_markov_shares_match_channel_attribution(demo_db: duckdb.DuckDBPyConnection) -> None:
    """The package simulates journeys through the same chain (its transition matrix must be
    ours exactly) and reports each channel's share of converting journeys through it, which
    is the removal effect. Its Monte-Carlo error on a share s is about sqrt(s / n_conv):
    roughly constant in absolute terms, so a relative bound would be at the mercy of the
    smallest channels (direct: share 0.02, where 2% is 0.0004 and the package is off by
    ~0.0005 at 1e7 journeys). Asserted: |share − package share| ≤ 0.02 for every channel
    (the absolute bound), and ≤ 2% relative for channels with a share of at least 5%."""
    chain = chain_paths(journey_paths(demo_db))
    result = markov_model(
        chain,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=1,
        out_more=True,
        nsim_start=MARKOV_SIMULATIONS,
        seed=MARKOV_SEED,
        verbose=False,
        flg_pro=False,
    )
    effects = result["removal_effects"].set_index("channel_name")["removal_effects_conversion"]

    # The package's transition matrix names channels by their 1-based position in its output.
    names = list(result["removal_effects"]["channel_name"])
    matrix = result["transition_matrix"].replace(
        {
            column: {str(i + 1): name for i, name in enumerate(names)}
            for column in ["channel_from", "channel_to"]
        }
    )
    ours = transition_probabilities(chain).merge(
        matrix,
        left_on=["from_state", "to_state"],
        right_on=["channel_from", "channel_to"],
        how="outer",
        validate="one_to_one",
    )
    assert (ours["probability"] - ours["transition_probability"]).abs().max() <= 1e-12

    package_share = effects / effects.sum()
    mart_share = markov_mart(demo_db).drop(index=NO_TOUCH)["removal_effect_share"]
    assert set(mart_share.index) == set(package_share.index)
    absolute = (mart_share - package_share.loc[mart_share.index]).abs()
    relative = absolute / mart_share
    print(
        pd.DataFrame(
            {"mart": mart_share, "package": package_share, "abs": absolute, "rel": relative}
        )
        .sort_values("mart")
        .to_string()
    )
    assert absolute.max() <= 0.02
    assert relative[mart_share >= 0.05].max() <= 0.02


# The hand case of the unit test markov_removal_effects_by_hand (_markov__models.yml):
#   paths a > a > c (converts), b > c (converts), a > c (null), b > c (null).
#   With a > a as one state: start→a 2/4, start→b 2/4, a→c 1, b→c 1, c→conversion 2/4,
#   c→null 2/4. v(c) = 1/2, v(a) = v(b) = v(c) = 1/2, P(conversion) = v(start) = 1/2
#   (= 2 conversions / 4 paths).
#   Without a: v(a) = 0, v(start) = 1/2 · 0 + 1/2 · 1/2 = 1/4, removal effect
#   1 − (1/4) / (1/2) = 1/2. Without b: 1/2 likewise. Without c: nothing converts, 1.
#   Sum 2, shares 1/4, 1/4, 1/2.
HAND_PATHS = pd.DataFrame(
    {
        "path": ["a > a > c", "b > c", "a > c"],
        "total_conversions": [1, 1, 0],
        "total_conversion_value": [100.0, 300.0, 0.0],
        "total_null": [0, 1, 1],
    }
)
HAND_EFFECTS = {"a": (0.25, 0.5, 0.25), "b": (0.25, 0.5, 0.25), "c": (0.0, 1.0, 0.5)}


def test_reference_solver_on_the_hand_case() -> None:
    base, effects = exact_removal_effects(HAND_PATHS)
    assert base == pytest.approx(0.5, abs=1e-15)
    for channel, expected in HAND_EFFECTS.items():
        got = effects.loc[
            channel,
            ["conversion_probability_without_channel", "removal_effect", "removal_effect_share"],
        ]
        assert tuple(got) == pytest.approx(expected, abs=1e-15), channel


# The models give the hand case: the dbt unit test markov_transitions_by_hand turns these
# paths (plus a lead without touches, a converting person's touch, a direct touch inside a
# path, a touch without a person) into the chain above, test_fixed_point.py solves that chain
# through fixed_point, and markov_removal_effects_by_hand turns its solution into exactly
# these removal effects (the unit tests run in test_dbt_unit_tests.py).
