"""The contact history's wiring, read from the files: the history flag (var dbt_snapshots)
is read in one place."""

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


def test_the_history_flag_is_read_once() -> None:
    """Only the macro dbt_snapshots_enabled reads var dbt_snapshots: the snapshot's enabled
    config, the replay check and the models that read the history all ask it, so they agree
    on every value of the var and on every target."""
    readers = [
        name
        for name in dbt_project_files()
        if re.search(r"""var\(\s*['"]dbt_snapshots['"]""", (PROJECT_DIR / name).read_text())
    ]
    assert readers == ["macros/crm/contact_history.sql"]
    snapshot = (PROJECT_DIR / "snapshots" / "snp_crm__contacts.sql").read_text()
    assert "enabled=dbt_snapshots_enabled()" in snapshot
