"""Parity: every spec mart (docs/contracts/marts.md) built on local Spark equals the DuckDB
build of the same bundled landing zone: the same columns, the same rows, numbers within 1e-9
relative.

Both warehouses are built by the README's runner (scripts/run_pipeline.py), DuckDB with its
snapshots, Spark with the replayed contact history (docs/scaling.md), twice: without
the newest export days, then with them, each engine incrementally on its first build (that
the DuckDB increment equals its full build is tests/python/test_replay.py). Both runs of a
stage judge "new" files against the same publication, so mart_data_quality's is_new compares. The Spark
marts are read through a Spark session on the build's metastore (export_spark_marts.py),
the DuckDB marts from its file.

Tolerated representation differences (normalize()), each the same value in another type:
* timestamps: Spark's TIMESTAMP is an instant (arrow: UTC-aware), DuckDB's a UTC wall
  clock (naive): both become naive UTC;
* decimals: Spark types some arithmetic on literals as DECIMAL, DuckDB as DOUBLE: floats;
* integer widths (int32/int64/int128) and integral floats compare as numbers;
* lists: arrays of either engine become tuples (element order is compared);
* column order: Spark moves partition columns last; columns are compared by name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "tests" / "python"))

from dbt_helpers import dbt_env, passed_unit_tests, unit_tests_in_yaml  # noqa: E402

DEMO_RAW = PROJECT_DIR / "seeds" / "raw"
SPEC = PROJECT_DIR / "docs" / "contracts" / "marts.md"
REL_TOL = 1e-9
# An absolute floor for values that are 0 in one engine and a rounding residue in the other.
ABS_TOL = 1e-12

Marts = tuple[list[str], list[dict[str, Any]]]

SPEC_MARTS = [
    "dim_contacts",
    "dim_persons",
    "dim_campaigns",
    "dim_date",
    "fct_email_sends",
    "fct_segment_transitions",
    "mart_email_funnel",
    "mart_email_funnel_by_segment",
    "mart_segment_flow",
    "fct_touchpoints",
    "fct_conversions",
    "fct_attribution",
    "mart_channel_performance",
    "mart_drr_by_period",
    "mart_attribution_comparison",
    "mart_data_quality",
    "mart_segment_flow_uplift",
    "mart_decision_confidence",
    "dq_rejected_rows",
]


# The Spark warehouse is first built without the newest export days, which then land and
# are built incrementally (int_email_sends: insert_overwrite of their days); both states are
# compared with a DuckDB warehouse built from scratch on the same files.
LATE_DAYS = 2
STAGES = ["without_late_days", "after_late_days"]
FILE_DAY = re.compile(r"_(\d{4}-\d{2}-\d{2})\.parquet$")


def run_pipeline(target: str, raw: Path, db: Path, spark_dir: Path) -> None:
    env = {**dbt_env(raw, db), "MW_SPARK_DIR": str(spark_dir)}
    done = subprocess.run(
        [
            sys.executable,
            "scripts/run_pipeline.py",
            "--raw-dir",
            str(raw),
            "--db",
            str(db),
            "--target",
            target,
            "--warn-error",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{target} build failed:\n" + (done.stdout + done.stderr)[-8000:]


def copy_landing_zone(target: Path, keep: Callable[[Path], bool]) -> None:
    for file in DEMO_RAW.rglob("*.parquet"):
        if keep(file):
            destination = target / file.relative_to(DEMO_RAW)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, destination)


def read_duckdb(db: Path) -> dict[str, Marts]:
    with duckdb.connect(str(db), read_only=True) as connection:
        connection.execute("set timezone = 'UTC'")
        return {
            name: read_arrow(connection.sql(f"select * from main.{name}").fetch_arrow_table())
            for name in SPEC_MARTS
        }


def read_spark(spark_dir: Path, out_dir: Path) -> dict[str, Marts]:
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "export_spark_marts.py"),
            str(spark_dir),
            str(out_dir),
            *SPEC_MARTS,
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-8000:]
    return {name: read_arrow(pq.read_table(out_dir / f"{name}.parquet")) for name in SPEC_MARTS}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parity")


@pytest.fixture(scope="module")
def marts(root: Path) -> dict[str, tuple[dict, dict]]:
    """Per stage: (DuckDB marts, Spark marts), each {mart: (columns, rows)}."""
    days = sorted({FILE_DAY.search(file.name).group(1) for file in DEMO_RAW.rglob("*.parquet")})
    cutoff = days[-LATE_DAYS - 1]

    def is_late(file: Path) -> bool:
        return FILE_DAY.search(file.name).group(1) > cutoff

    raw, spark_dir = root / "raw", root / "spark"
    copy_landing_zone(raw, lambda file: not is_late(file))
    states = {}
    for stage in STAGES:
        if stage == "after_late_days":
            copy_landing_zone(raw, is_late)
        db = root / "warehouse.duckdb"
        run_pipeline("duckdb", raw, db, spark_dir)
        run_pipeline("spark", raw, db, spark_dir)
        states[stage] = (read_duckdb(db), read_spark(spark_dir, root / stage / "spark_marts"))
    return states


def read_arrow(table: Any) -> Marts:
    return table.column_names, table.to_pylist()


def normalize(value: Any) -> Any:
    """One representation per value (the tolerated differences of the module docstring)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (list, tuple)):
        return tuple(normalize(item) for item in value)
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sort_key(value: Any) -> tuple[Any, ...]:
    """Orders mixed rows; numbers by 6 significant digits so that engines' last-bit
    differences do not reorder them."""
    if value is None:
        return (0,)
    if is_number(value):
        return (1, float(f"{value:.6g}"))
    if isinstance(value, tuple):
        return (2, tuple(sort_key(item) for item in value))
    return (3, type(value).__name__, value)


def values_match(left: Any, right: Any) -> bool:
    if is_number(left) and is_number(right):
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(map(values_match, left, right))
    return left == right and type(left) is type(right)


def sorted_rows(columns: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    normalized = [tuple(normalize(row[column]) for column in columns) for row in rows]
    return sorted(normalized, key=lambda row: tuple(sort_key(value) for value in row))


def differences(
    columns: list[str],
    expected: list[tuple[Any, ...]],
    actual: list[tuple[Any, ...]],
    limit: int = 5,
) -> list[str]:
    found = []
    for number, (want, got) in enumerate(zip(expected, actual)):
        for column, left, right in zip(columns, want, got):
            if not values_match(left, right):
                found.append(f"row {number} column {column}: duckdb {left!r} spark {right!r}")
                if len(found) == limit:
                    return found
    return found


def test_dbt_unit_tests_pass_on_spark(marts: dict, root: Path) -> None:
    """The unit tests that the runner's build leaves out, once on the built Spark warehouse
    (their input models give the column types)."""
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "test",
            "--target",
            "spark",
            "--select",
            "test_type:unit",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={
            **dbt_env(root / "raw", root / "warehouse.duckdb"),
            "MW_SPARK_DIR": str(root / "spark"),
        },
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-8000:]
    assert passed_unit_tests(done.stdout) == unit_tests_in_yaml(), done.stdout[-3000:]


def test_spec_marts_are_the_marts_of_the_spec() -> None:
    table = SPEC.read_text().split("## The relations", 1)[1]
    assert re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE) == SPEC_MARTS


@pytest.mark.parametrize("mart", SPEC_MARTS)
@pytest.mark.parametrize("stage", STAGES)
def test_mart_on_spark_equals_duckdb(stage: str, mart: str, marts: dict) -> None:
    duck_columns, duck_rows = marts[stage][0][mart]
    spark_columns, spark_rows = marts[stage][1][mart]
    assert sorted(spark_columns) == sorted(duck_columns)
    assert len(duck_rows) > 0, f"{mart} is empty on DuckDB: nothing would be compared"
    assert len(spark_rows) == len(duck_rows)
    expected = sorted_rows(duck_columns, duck_rows)
    actual = sorted_rows(duck_columns, spark_rows)
    assert differences(duck_columns, expected, actual) == []
