"""The data-quality gate over a sequence of runs on one landing zone (issue "Trust II").

Findings on files new in a run decide its exit code; findings on history stay in
mart_data_quality without failing later builds. Exit 0: the serving copy was published from
this run. Exit 1: nothing was published, the previous serving copy is kept and readable.
The runs share one landing zone and one warehouse, so the tests below run in file order.

Expected statuses by hand: rows_rejected errors above 5% only when the lower 95% Wilson
bound is above it. 2 of 30: bound 0.0185 (warn, since any reject warns); 30 of 200: bound
0.1071 (error). Freshness: crm/contacts allows 1 day (error past it), calltracking/requests
7 days (warning past it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR
from gate_landing_zone import copy_project, day_of, land_day

SERVING = "serving"
HEADER = "check_name,check_scope,day,source_file,reason,acknowledged_by\n"
CALLS = "calltracking/calls"


class Sequence:
    """One project copy (its acknowledgement seed is edited), landing zone and warehouse."""

    def __init__(self, root: Path) -> None:
        self.project = copy_project(PROJECT_DIR, root / "project")
        self.raw = root / "raw"
        self.db = root / "warehouse.duckdb"
        self.outputs: list[str] = []  # each run's stdout

    @property
    def serving_db(self) -> Path:
        return self.db.parent / SERVING / "serving.duckdb"

    def acknowledge(self, *rows: str) -> None:
        (self.project / "seeds" / "dq_acknowledged.csv").write_text(
            HEADER + "".join(row + "\n" for row in rows)
        )

    def run(self) -> subprocess.CompletedProcess[str]:
        done = self._run()
        self.outputs.append(done.stdout)
        return done

    def _run(self) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "MW_RAW_DIR": str(self.raw),
            "MW_DUCKDB_PATH": str(self.db),
            "DBT_PROFILES_DIR": str(self.project),
            # its own target folder: the worker's would hold another project's parse state,
            # and each run would parse this copy in full again
            "DBT_TARGET_PATH": str(self.project / "target"),
        }
        return subprocess.run(
            [
                sys.executable,
                "scripts/run_pipeline.py",
                "--raw-dir",
                str(self.raw),
                "--db",
                str(self.db),
            ],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def findings(self, where: str = "status in ('warn', 'error')") -> set[tuple]:
        """(check, scope, day, numerator, denominator, status, is_new, acknowledged_by,
        blocks_publish) of the warehouse's mart_data_quality."""
        with duckdb.connect(str(self.db), read_only=True) as connection:
            return set(
                connection.execute(
                    "select check_name, check_scope, day, numerator, denominator, status, is_new,"
                    " acknowledged_by, blocks_publish from main.mart_data_quality where " + where
                ).fetchall()
            )

    def served_version(self) -> tuple[str, int]:
        """The serving copy's version and its calls row count, read as a BI tool would."""
        with duckdb.connect(str(self.serving_db), read_only=True) as connection:
            version = connection.execute(
                "select distinct version from meta.serving_manifest"
            ).fetchone()[0]
            files = connection.execute("select count(*) from dq_landing_files").fetchone()[0]
        return version, files


def row(
    check: str,
    scope: str,
    day: int,
    numerator: float,
    denominator: float | None,
    status: str,
    is_new: bool,
    by: str | None = None,
    blocks: bool = False,
) -> tuple:
    return (check, scope, day_of(day), numerator, denominator, status, is_new, by, blocks)


def assert_exit(done: subprocess.CompletedProcess[str], code: int) -> None:
    assert done.returncode == code, done.stdout[-4000:] + done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Sequence:
    return Sequence(tmp_path_factory.mktemp("gate"))


@pytest.fixture(scope="module")
def published(sequence: Sequence) -> dict[str, tuple[str, int]]:
    """Serving-copy versions by the name of the run that published them."""
    return {}


def test_sparse_feeds_build_green_and_a_silent_one_warns(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    """25 days. crm/activities writes files only on odd days and on the last day: green.
    calltracking/requests stopped after day 5 (20 days of silence): a warning, green."""
    for number in range(1, 26):
        skip = (() if number % 2 or number == 25 else ("crm/activities",)) + (
            ("calltracking/requests",) if number > 5 else ()
        )
        land_day(sequence.raw, number, skip=skip)

    done = sequence.run()

    assert_exit(done, 0)
    published["first"] = sequence.served_version()
    assert published["first"][1] == len(list(sequence.raw.rglob("*.parquet")))
    assert sequence.findings() == {
        row("freshness_lag_days", "calltracking/requests", 25, 20, None, "warn", True)
    }
    assert sequence.findings(
        "check_name = 'freshness_lag_days' and check_scope in ('crm/activities', 'crm/contacts')"
    ) == {
        row("freshness_lag_days", "crm/activities", 25, 0, None, "pass", True),
        row("freshness_lag_days", "crm/contacts", 25, 0, None, "pass", True),
    }


def test_new_day_with_a_high_reject_rate_on_few_rows_warns(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    land_day(sequence.raw, 26, skip=("calltracking/requests",), calls=(30, 2))
    held = duckdb.connect(str(sequence.serving_db), read_only=True)  # a pooled BI connection

    done = sequence.run()

    assert_exit(done, 0)
    published["warned"] = sequence.served_version()  # a reconnect while `held` is open
    assert published["warned"][0] != published["first"][0]
    assert (
        held.execute("select distinct version from meta.serving_manifest").fetchone()[0]
        == published["first"][0]
    )
    held.close()
    assert sequence.findings() == {
        row("freshness_lag_days", "calltracking/requests", 26, 21, None, "warn", True),
        row("rows_rejected", CALLS, 26, 2, 30, "warn", True),
    }


def test_a_new_day_snapshots_the_last_export_taken_in_and_itself_only(sequence: Sequence) -> None:
    """No card changed after day 1, so the snapshot's newest version is from day 1; the
    export days taken in are recorded apart, and the run of day 26 redid day 25 (the last
    one taken in, a no-op when complete) and took in day 26, not every day since day 1."""
    first, second = sequence.outputs[:2]
    assert f"snapshot {day_of(1)} to {day_of(25)}: 25 days in one pass" in first
    snapshotted = [
        line.split(":")[0] for line in second.splitlines() if line.startswith("snapshot ")
    ]
    assert snapshotted == [f"snapshot {day_of(25)}", f"snapshot {day_of(26)}"]


def test_new_day_with_a_high_reject_rate_on_many_rows_fails_and_keeps_the_serving_copy(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    land_day(sequence.raw, 27, skip=("calltracking/requests",), calls=(200, 30))

    done = sequence.run()

    assert_exit(done, 1)
    assert sequence.served_version() == published["warned"]
    assert sequence.findings("blocks_publish") == {
        row("rows_rejected", CALLS, 27, 30, 200, "error", True, blocks=True)
    }
    assert (
        f"rows_rejected: table {CALLS}, day {day_of(27)}, file "
        f"{CALLS}/calls_{day_of(27)}.parquet: 30 of 200 = 0.1500, 95% interval 0.1071 to"
        " 0.2061, above the error threshold 0.05"
    ) in done.stderr
    assert "Nothing was published; the previous serving copy in" in done.stderr
    assert f"rows_rejected,{CALLS},{day_of(27)},,<why it is accepted>,<who>" in done.stderr
    # The day of few rows is history now: reported, judged no more.
    assert row("rows_rejected", CALLS, 26, 2, 30, "warn", False) in sequence.findings()


def test_acknowledged_error_builds_green_and_stays_visible(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    sequence.acknowledge(
        f"rows_rejected,{CALLS},{day_of(27)},,vendor outage,anna",
        f"rows_rejected,{CALLS},,{CALLS}/calls_{day_of(3)}.parquet,typo,anna",
    )

    done = sequence.run()

    assert_exit(done, 0)
    published["acknowledged"] = sequence.served_version()
    assert published["acknowledged"][0] != published["warned"][0]
    assert sequence.findings("status = 'error' or check_name = 'acknowledgement_unmatched'") == {
        row("rows_rejected", CALLS, 27, 30, 200, "error", True, by="anna"),
        row(
            "acknowledgement_unmatched",
            f"rows_rejected {CALLS} {CALLS}/calls_{day_of(3)}.parquet",
            27,
            1,
            None,
            "warn",
            True,
            by="anna",
        ),
    }


def test_the_same_bad_days_as_history_are_reported_and_green(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    sequence.acknowledge()
    land_day(sequence.raw, 28, skip=("calltracking/requests",))

    done = sequence.run()

    assert_exit(done, 0)
    published["history"] = sequence.served_version()
    assert published["history"][0] != published["acknowledged"][0]
    assert sequence.findings() == {
        row("freshness_lag_days", "calltracking/requests", 28, 23, None, "warn", True),
        row("rows_rejected", CALLS, 26, 2, 30, "warn", False),
        row("rows_rejected", CALLS, 27, 30, 200, "error", False),
    }


def test_daily_contacts_export_missing_for_three_days_fails(
    sequence: Sequence, published: dict[str, tuple[str, int]]
) -> None:
    before = sequence.served_version()
    for number in (29, 30, 31):
        land_day(sequence.raw, number, skip=("calltracking/requests", "crm/contacts"))

    done = sequence.run()

    assert_exit(done, 1)
    assert sequence.served_version() == before
    assert sequence.findings("blocks_publish") == {
        row("freshness_lag_days", "crm/contacts", 31, 3, None, "error", True, blocks=True)
    }
    assert (
        f"freshness_lag_days: table crm/contacts, day {day_of(31)}: 3, above the error threshold 1"
    ) in done.stderr


def test_state_of_the_data_per_feed(sequence: Sequence) -> None:
    """mart_data_freshness (the banner's data) as published by the last green run (day 28),
    which the failed run left in place: new files, newest day and findings per feed."""
    with duckdb.connect(str(sequence.serving_db), read_only=True) as connection:
        state = {
            name: rest
            for name, *rest in connection.execute(
                "select table_name, files, new_files, newest_file_day, lag_days, freshness_status,"
                " open_errors, blocking_errors, open_warnings from main.mart_data_freshness"
            ).fetchall()
        }
    assert state["crm/contacts"] == [28, 1, day_of(28), 0, "pass", 0, 0, 0]
    assert state[CALLS] == [28, 1, day_of(28), 0, "pass", 1, 0, 1]
    assert state["calltracking/requests"] == [5, 0, day_of(5), 23, "warn", 0, 0, 1]
    assert state["esp/campaigns"] == [1, 0, day_of(1), 27, "pass", 0, 0, 0]
