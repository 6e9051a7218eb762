"""The contact history's wiring, read from the files: the history flag (var dbt_snapshots)
is read in one place, and the pipeline runner names no dbt node (it selects by the
selectors and tags of selectors.yml)."""

from __future__ import annotations

import re

from dbt_helpers import PROJECT_DIR

DBT_FILES = ("dbt_project.yml", "selectors.yml", "models", "macros", "snapshots", "tests/dbt")


def dbt_project_files() -> list[str]:
    found = []
    for name in DBT_FILES:
        path = PROJECT_DIR / name
        paths = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        found += [
            str(file.relative_to(PROJECT_DIR)) for file in paths if file.suffix in (".yml", ".sql")
        ]
    return found


FLAG = "var('dbt_snapshots', target.type != 'spark') | string | lower"
# dbt renders the configs of YAML data tests without the project's macros, so the replay's
# key tests (enabled where the replay is the history) spell the macro's expression out.
YAML_TEST_READERS = ["models/intermediate/crm/_int_crm__models.yml"]


def test_the_history_flag_is_read_once() -> None:
    """Only the macro dbt_snapshots_enabled reads var dbt_snapshots: the snapshot's enabled
    config, the replay check and the models that read the history all ask it, so they agree
    on every value of the var and on every target. The one exception, YAML test configs,
    negates the macro's very expression."""
    readers = [
        name
        for name in dbt_project_files()
        if re.search(r"""var\(\s*['"]dbt_snapshots['"]""", (PROJECT_DIR / name).read_text())
    ]
    assert readers == [*YAML_TEST_READERS, "macros/crm/contact_history.sql"]
    macro = (PROJECT_DIR / "macros" / "crm" / "contact_history.sql").read_text()
    assert f"return({FLAG} == 'true')" in macro
    for name in YAML_TEST_READERS:
        expressions = re.findall(r"enabled: \"\{\{ (.*) \}\}\"", (PROJECT_DIR / name).read_text())
        assert expressions == [f"{FLAG} != 'true'"]
    snapshot = (PROJECT_DIR / "snapshots" / "snp_crm__contacts.sql").read_text()
    assert "enabled=dbt_snapshots_enabled()" in snapshot


RUNNER = ("scripts/run_pipeline.py", "scripts/contact_history_step.py", "scripts/dbt_session.py")


def test_the_runner_names_no_dbt_node() -> None:
    """No model, snapshot or data test of the project is named in the runner's modules."""
    nodes = {
        path.stem
        for folder in ("models", "snapshots", "tests/dbt")
        for path in (PROJECT_DIR / folder).rglob("*.sql")
    }
    assert "snp_crm__contacts" in nodes
    named = {
        (module, node)
        for module in RUNNER
        for node in nodes
        if re.search(rf"\b{node}\b", (PROJECT_DIR / module).read_text())
    }
    assert named == set()
