"""The dbt unit tests (the `unit_tests:` of the model YAML: segment at send at the moment of a
change, the registration rule, attribution weights, Markov removal effects, ...). The daily
build leaves them out (they test the SQL, not the day's data); they run here, once, against a
copy of the built demo warehouse, which gives their input models' column types."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEMO_RAW
from dbt_helpers import passed_unit_tests, run_dbt, unit_tests_in_yaml


def test_every_dbt_unit_test_runs_and_passes(scratch_db: Path, demo_warehouse: Path) -> None:
    db = scratch_db
    shutil.copy(demo_warehouse, db)

    done = run_dbt(["test", "--select", "test_type:unit"], DEMO_RAW, db)

    assert done.returncode == 0, done.stdout[-5000:]
    assert passed_unit_tests(done.stdout) == unit_tests_in_yaml(), done.stdout[-5000:]
