"""The macro fixed_point on its own: a scratch dbt project holding only it (and the loops that
use it: connected components, the Markov value iteration) runs small fixed points on a
scratch DuckDB; the results, the iterations it logs, its error on no convergence and that it
leaves no work table behind."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import DBT, PROJECT_DIR

MACROS = [
    "fixed_point.sql",
    "identity/connected_components.sql",
    "attribution/markov_chain.sql",
    "metrics/exact_sum.sql",
]

# x(k+1) = min(x(k) + 1, 5) from 0: five iterations change the row, the sixth does not.
COUNT_UP = """
{{ config(post_hook="{{ fixed_point_drop_work_tables(['count']) }}") }}
{%- set counted = fixed_point(
    'count',
    start_sql='select 0 as n',
    step=count_up_step,
    residual=count_up_changed,
    max_iterations=var('max_iterations', 64),
) -%}
select n from {{ counted }}
"""

COUNT_UP_MACROS = """
{% macro count_up_step(previous) %}
    select least(n + 1, 5) as n from {{ previous }}
{% endmacro %}

{% macro count_up_changed(previous, current) %}
    select count(*) from {{ previous }} as previous_row
    inner join {{ current }} as current_row on previous_row.n <> current_row.n
{% endmacro %}
"""

# Two paths whose nodes are numbered out of order (hooks chain up, several rounds), a
# triangle and a node without edges.
EDGES = [
    ("n5", "n9"),
    ("n9", "n2"),
    ("n2", "n7"),
    ("n7", "n4"),
    ("n4", "n8"),
    ("n8", "n1"),
    ("m3", "m1"),
    ("m1", "m2"),
    ("m2", "m3"),
]
COMPONENTS = {
    **dict.fromkeys(["n1", "n2", "n4", "n5", "n7", "n8", "n9"], "n1"),
    **dict.fromkeys(["m1", "m2", "m3"], "m1"),
    "z0": "z0",
}


def _values(rows: list[tuple[object, ...]], columns: str) -> str:
    return (
        "select * from (values "
        + ", ".join("(" + ", ".join(repr(value) for value in row) + ")" for row in rows)
        + f") as given({columns})"
    )


COMPONENTS_MODEL = """
{{ config(post_hook="{{ connected_components_drop_work_tables() }}") }}
{%- set labels = connected_components(
    edges=ref('edges'), nodes="(select distinct node from " ~ ref('nodes') ~ ")"
) -%}
select node, component from {{ labels }}
"""

# The chain of the unit test markov_removal_effects_by_hand (_markov__models.yml).
HAND_TRANSITIONS = [
    ("(start)", "a", 0.5),
    ("(start)", "b", 0.5),
    ("a", "c", 1.0),
    ("b", "c", 1.0),
    ("c", "(conversion)", 0.5),
    ("c", "(null)", 0.5),
]
ABSORPTION_MODEL = """
{{ config(post_hook="{{ fixed_point_drop_work_tables(['absorption']) }}") }}
{%- set absorption = fixed_point(
    'absorption',
    start_sql=markov_absorption_start_sql(ref('transitions')),
    step=markov_absorption_round,
    residual=markov_absorption_change,
    args={'transitions': ref('transitions')},
    tolerance=1e-12,
    max_iterations=1000,
) -%}
select * from {{ absorption }}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fixed_point")
    (root / "macros").mkdir()
    for macro in MACROS:
        shutil.copy(PROJECT_DIR / "macros" / macro, root / "macros" / Path(macro).name)
    (root / "macros" / "count_up.sql").write_text(COUNT_UP_MACROS)
    models = root / "models"
    models.mkdir()
    nodes = [(node,) for node in COMPONENTS]
    models_sql = {
        "count_up": COUNT_UP,
        "edges": _values(EDGES, "node_a, node_b"),
        "nodes": _values(nodes, "node"),
        "components": COMPONENTS_MODEL,
        "transitions": _values(HAND_TRANSITIONS, "from_state, to_state, probability"),
        "absorption": ABSORPTION_MODEL,
    }
    for name, sql in models_sql.items():
        (models / f"{name}.sql").write_text(sql)
    (root / "dbt_project.yml").write_text(
        "name: fixed_point_check\nversion: '1.0'\nconfig-version: 2\n"
        "profile: fixed_point_check\nmodels:\n  fixed_point_check:\n"
        "    +materialized: table\n"
    )
    (root / "profiles.yml").write_text(
        "fixed_point_check:\n  target: duckdb\n  outputs:\n    duckdb:\n"
        f"      type: duckdb\n      path: {root / 'scratch.duckdb'}\n      threads: 1\n"
    )
    return root


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_TARGET_PATH": str(project / "target"),
        "DBT_LOG_PATH": str(project / "logs"),
    }
    return subprocess.run(
        [DBT, *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def query(project: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(project / "scratch.duckdb"), read_only=True) as db:
        return db.sql(sql).fetchall()


def work_tables(project: Path) -> list[tuple[object, ...]]:
    return query(project, "select table_name from duckdb_tables() where table_name like '%\\_\\_%'")


def test_converges_logs_each_iteration_and_drops_its_tables(project: Path) -> None:
    done = run(project, "run", "--log-level", "debug", "--select", "count_up")

    assert done.returncode == 0, done.stdout[-3000:]
    assert query(project, "select n from count_up") == [(5,)]
    iterations = [
        line for line in done.stdout.splitlines() if "count_up / count: iteration" in line
    ]
    assert [line.split("residual ")[1] for line in iterations] == ["1.0"] * 5 + ["0.0"]
    assert "fixed_point count_up / count: converged after 6 iterations" in done.stdout
    assert work_tables(project) == []


def test_no_convergence_fails_naming_the_loop(project: Path) -> None:
    done = run(project, "run", "--select", "count_up", "--vars", "{max_iterations: 3}")

    assert done.returncode == 1
    assert "fixed_point count_up / count: no convergence after 3 iterations" in done.stdout
    assert work_tables(project) == []


def test_connected_components(project: Path) -> None:
    done = run(project, "run", "--select", "+components")

    assert done.returncode == 0, done.stdout[-3000:]
    assert dict(query(project, "select node, component from components")) == COMPONENTS  # type: ignore[arg-type]
    assert "components / jumps: converged" in done.stdout
    assert work_tables(project) == []


def test_markov_absorption_of_the_hand_chain(project: Path) -> None:
    done = run(project, "run", "--select", "+absorption")

    assert done.returncode == 0, done.stdout[-3000:]
    from_start = dict(
        query(
            project,
            "select scenario, conversion_probability from absorption where state = '(start)'",
        )
    )
    assert from_start == pytest.approx({"(base)": 0.5, "a": 0.25, "b": 0.25, "c": 0.0}, abs=1e-12)
    assert work_tables(project) == []
