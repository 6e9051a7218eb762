"""The serving copy (scripts/publish_serving.py): what it holds, that readers never see a
half-published state while the warehouse is rebuilt, and that a failure keeps the previous
copy byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_RAW, PROJECT_DIR
from dbt_helpers import dbt_env, run_pipeline, stable_paths
from fingerprints import fingerprints, relation_names
from serving_reader import read_duckdb, read_parquet
from test_replay import differences

from scripts import publish_serving

READER = Path(__file__).with_name("serving_reader.py")
MART_PATTERN = "^(dim|fct|mart|dq|metricflow)_"


def warehouse_state(db: Path) -> dict[str, list]:
    """Per mart of the warehouse: rows and the sum of its rows' hashes, read straight from
    the build's file."""
    connection = duckdb.connect(str(db), read_only=True)
    try:
        names = relation_names(connection, MART_PATTERN)
        return {
            name: [int(count), str(total)]
            for name in names
            for count, total in [
                connection.execute(
                    f'select count(*), coalesce(sum(hash(t)), 0) from main."{name}" as t'
                ).fetchone()
            ]
        }
    finally:
        connection.close()


def snapshot(serving_dir: Path) -> dict[str, str]:
    """Every entry of the serving directory: files by content hash, links by target."""
    entries = {}
    for root, directories, files in os.walk(serving_dir):
        for name in directories + files:
            path = Path(root) / name
            key = str(path.relative_to(serving_dir))
            if path.is_symlink():
                entries[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                entries[key] = "dir"
            else:
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


def publish(db: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "scripts/publish_serving.py", "--db", str(db)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def copy_warehouse(demo_warehouse: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    copy = folder / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse, copy)
    return copy


def tamper(db: Path) -> None:
    """Makes a warehouse differ from what a rebuild produces (fewer rows in two marts)."""
    with duckdb.connect(str(db)) as connection:
        connection.execute("delete from mart_email_funnel where rowid % 2 = 0")
        connection.execute("delete from mart_segment_flow where rowid % 3 = 0")


def test_serving_copy_holds_every_mart_exactly(demo_warehouse: Path) -> None:
    """The pipeline run of the session fixture published the marts: every dim_/fct_/mart_/dq_
    relation of the warehouse, row for row, in serving.duckdb and in the parquet files, and
    nothing else (no staging, no personal data)."""
    serving = demo_warehouse.parent / "serving"
    link = serving / "parquet"
    assert link.is_symlink() and not os.readlink(link).startswith("/")
    assert (serving / "dashboard.html").exists()

    connection = duckdb.connect()
    connection.execute(f"attach '{demo_warehouse}' as wh (read_only)")
    connection.execute(f"attach '{serving / 'serving.duckdb'}' as srv (read_only)")
    marts = [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_catalog = 'wh'"
            " and table_schema = 'main' and regexp_matches(table_name, ?) order by 1",
            [MART_PATTERN],
        ).fetchall()
    ]
    served = connection.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_catalog = 'srv' order by 1"
    ).fetchall()
    assert {"mart_email_funnel", "fct_email_sends", "dim_contacts", "dq_row_accounting"} <= set(
        marts
    )
    assert [name for (name,) in served] == sorted(
        [f"main.{mart}" for mart in marts] + ["meta.serving_manifest"]
    )
    assert sorted(path.stem for path in link.glob("*.parquet")) == marts

    for mart in marts:
        for copy in (f"srv.main.{mart}", f"read_parquet('{link / (mart + '.parquet')}')"):
            only_one_side = connection.execute(f"""
                select count(*) from (
                    (select * from wh.main.{mart} except all select * from {copy})
                    union all
                    (select * from {copy} except all select * from wh.main.{mart}))
            """).fetchone()[0]
            assert only_one_side == 0, f"{copy} differs from the warehouse"
    # Readable by every DuckDB client from 1.0 on (BI drivers bundle their own DuckDB).
    assert (
        connection.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'srv'"
        ).fetchone()[0]
        == "v1.0.0+"
    )
    listed = dict(
        connection.execute("select mart, row_count from srv.meta.serving_manifest").fetchall()
    )
    actual = {
        mart: connection.execute(f"select count(*) from wh.main.{mart}").fetchone()[0]
        for mart in marts
    }
    assert listed == actual


@dataclass
class Rebuild:
    """What the readers saw while a damaged copy of the demo warehouse was rebuilt from empty
    (`--full-rebuild`) and republished, and the states before and after."""

    db: Path
    old_state: dict[str, list]
    new_state: dict[str, list]
    parquet_states: list[dict[str, list]]
    fresh: list[dict]
    held: list[dict]
    started: float
    ended: float


@pytest.fixture(scope="module")
def rebuild_under_readers(
    tmp_path_factory: pytest.TempPathFactory, demo_warehouse: Path
) -> Rebuild:
    """Two BI-like readers query the serving copy in a loop (one opens a connection for each
    read, one holds its connection open) while a damaged copy of the demo warehouse is rebuilt
    from empty and republished. One rebuild serves two tests: what the readers saw, and that
    the rebuild equals the first build bit for bit."""
    folder = tmp_path_factory.mktemp("rebuild")
    db = copy_warehouse(demo_warehouse, folder / "wh")
    tamper(db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("delete from snapshots.snp_crm__contacts where contact_id like '%1'")
        connection.execute("delete from main.fct_email_sends")
    assert differences(demo_warehouse, db) != {}
    old_state = warehouse_state(db)
    publish(db)
    serving = db.parent / "serving"
    old_parquet = json.loads((serving / "parquet" / "manifest.json").read_text())

    stop = folder / "stop"
    logs = {"fresh": folder / "fresh.jsonl", "held": folder / "held.jsonl"}
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                str(READER),
                str(serving),
                str(log),
                str(stop),
                *(["--hold"] if name == "held" else []),
            ]
        )
        for name, log in logs.items()
    ]
    try:
        wait_for(lambda: all(len(lines(log)) >= 2 for log in logs.values()), 120)
        started = time.time()
        done = run_pipeline(DEMO_RAW, db, "--full-rebuild")
        ended = time.time()
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert f"serving copy: {serving / 'serving.duckdb'}" in done.stdout
        new_state = warehouse_state(db)
        new_parquet = json.loads((serving / "parquet" / "manifest.json").read_text())
        wait_for(
            lambda: (
                {(entry["kind"], entry.get("version")) for entry in lines(logs["fresh"])}
                >= {("duckdb", new_parquet["version"]), ("parquet", new_parquet["version"])}
            ),
            60,
        )
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=120)
    parquet_states = [
        {mart: [entry["rows"], entry["checksum"]] for mart, entry in manifest["marts"].items()}
        for manifest in (old_parquet, new_parquet)
    ]
    return Rebuild(
        db,
        old_state,
        new_state,
        parquet_states,
        lines(logs["fresh"]),
        lines(logs["held"]),
        started,
        ended,
    )


def test_readers_see_the_old_or_the_new_copy_during_a_rebuild(
    rebuild_under_readers: Rebuild,
) -> None:
    """No read fails, every read (one connection, or one resolved parquet directory) equals
    the old or the new publication as a whole, and a reader holding its connection open
    neither blocks the publication nor sees it change under it."""
    rebuild = rebuild_under_readers
    old_state, new_state = rebuild.old_state, rebuild.new_state
    assert new_state != old_state  # the rebuild restored the rows the damage removed
    assert new_state["mart_email_funnel"][0] > old_state["mart_email_funnel"][0]
    for state, parquet_state in zip((old_state, new_state), rebuild.parquet_states):
        assert {mart: rows for mart, (rows, _) in parquet_state.items()} == {
            mart: rows for mart, (rows, _) in state.items()
        }

    fresh, held = rebuild.fresh, rebuild.held
    for entry in fresh + held:
        assert "error" not in entry, entry["error"]
        assert entry["mismatches"] == [], entry["mismatches"]
    during = [entry for entry in fresh if rebuild.started <= entry["at"] <= rebuild.ended]
    assert len(during) >= 3, "the reader did not read while the warehouse was rebuilt"

    states = (("duckdb", old_state, new_state), ("parquet", *rebuild.parquet_states))
    for kind, old, new in states:
        seen = [entry["measured"] for entry in fresh if entry["kind"] == kind]
        assert all(measured in (old, new) for measured in seen), f"{kind}: a mixed state"
        assert old in seen and new in seen
        first_new = seen.index(new)
        assert old not in seen[first_new:], f"{kind}: the old copy came back"
    assert len(held) >= 2 and all(entry["measured"] == old_state for entry in held)


def test_a_full_rebuild_of_a_damaged_copy_equals_the_first_build_bit_for_bit(
    rebuild_under_readers: Rebuild, demo_warehouse: Path
) -> None:
    """Identical input gives identical output: the rebuild equals the first build of the
    bundled landing zone bit for bit, in every relation BI tools read (so the serving copy's
    checksums change only when the data do); the damage shows that it started from empty."""
    db = rebuild_under_readers.db
    assert differences(demo_warehouse, db) == {}
    first, second = fingerprints(demo_warehouse), fingerprints(db)
    assert set(first) == set(second)
    assert {
        "mart_channel_performance",
        "mart_drr_by_period",
        "mart_attribution_comparison",
        "mart_markov_attribution",
        "mart_data_quality",
        "mart_segment_flow_uplift",
        "mart_decision_confidence",
    } <= set(first)
    assert {name for name in first if first[name] != second[name]} == set()


def lines(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.endswith("}")]


def wait_for(condition, seconds: float) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def test_a_build_failing_its_landing_zone_check_keeps_the_serving_copy(
    tmp_path: Path, demo_warehouse: Path
) -> None:
    db = copy_warehouse(demo_warehouse, tmp_path / "wh")
    publish(db)
    before = snapshot(db.parent / "serving")
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw)
    (raw / "esp" / "events" / "events_2026-04-05.parquet").write_bytes(b"not a parquet file")

    done = run_pipeline(raw, db)

    assert done.returncode != 0
    assert "events_2026-04-05.parquet" in done.stdout + done.stderr
    assert "serving copy:" not in done.stdout
    assert snapshot(db.parent / "serving") == before


FAIL_AT_THE_FINAL_BUILD = """
import sys
sys.path.insert(0, {project!r})
from scripts import run_pipeline

invoke = run_pipeline.Dbt.invoke

def failing(self, phase, *args, **options):
    if phase == "build":  # the final build of everything
        invoke(self, phase, "build", "--select", "mart_email_funnel")  # part of it runs
        raise SystemExit("forced failure in the final build")
    invoke(self, phase, *args, **options)

run_pipeline.Dbt.invoke = failing
sys.exit(run_pipeline.main(["--raw-dir", {raw!r}, "--db", {db!r}]))
"""


def test_a_build_failing_after_rebuilding_marts_keeps_the_serving_copy(
    tmp_path: Path, demo_warehouse: Path
) -> None:
    """The build fails after it has rebuilt a mart in the warehouse: the serving copy keeps
    the previous publication, byte for byte, while the warehouse has moved on."""
    db = copy_warehouse(demo_warehouse, tmp_path / "wh")
    tamper(db)
    publish(db)
    serving = db.parent / "serving"
    before = snapshot(serving)
    published_rows = warehouse_state(db)["mart_email_funnel"][0]

    with stable_paths(DEMO_RAW, db) as (raw_link, db_link):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                FAIL_AT_THE_FINAL_BUILD.format(
                    project=str(PROJECT_DIR), raw=str(raw_link), db=str(db_link)
                ),
            ],
            cwd=PROJECT_DIR,
            env=dbt_env(raw_link, db_link),
            capture_output=True,
            text=True,
            check=False,
        )

    assert done.returncode != 0 and "forced failure" in done.stderr, done.stdout[-3000:]
    assert warehouse_state(db)["mart_email_funnel"][0] > published_rows
    assert snapshot(serving) == before
    assert (
        read_duckdb(serving / "serving.duckdb")["measured"]["mart_email_funnel"][0]
        == published_rows
    )


@pytest.mark.parametrize("failing_step", ["write_aside", "parquet_projection"])
def test_an_interrupted_publication_keeps_the_previous_copy(
    tmp_path: Path, demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch, failing_step: str
) -> None:
    """A publication that fails after writing everything aside (write_aside), or halfway
    through the marts (parquet_projection, on the fifth mart), leaves the previous copy
    byte for byte and no partial files."""
    db = copy_warehouse(demo_warehouse, tmp_path / "wh")
    publish(db)
    serving = db.parent / "serving"
    before = snapshot(serving)
    original = getattr(publish_serving, failing_step)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if failing_step == "write_aside":
            original(*args, **kwargs)
            raise RuntimeError("interrupted after writing aside")
        if len(calls) == 5:
            raise RuntimeError("interrupted halfway")
        return original(*args, **kwargs)

    monkeypatch.setattr(publish_serving, failing_step, failing)
    with pytest.raises(RuntimeError, match="interrupted"):
        publish_serving.publish(db)

    assert snapshot(serving) == before
    assert not [path for path in serving.iterdir() if path.name.endswith(".partial")]


def test_the_reader_invariant_catches_a_half_swapped_copy(
    tmp_path: Path, demo_warehouse: Path
) -> None:
    """The consistency check of the reader is not vacuous: a mart that does not match its
    manifest, in the DuckDB file or among the parquet files, is reported."""
    serving = tmp_path / "serving"
    shutil.copytree(demo_warehouse.parent / "serving", serving, symlinks=True)
    assert read_duckdb(serving / "serving.duckdb")["mismatches"] == []
    assert read_parquet(serving / "parquet")["mismatches"] == []

    with duckdb.connect(str(serving / "serving.duckdb")) as connection:
        connection.execute("delete from mart_segment_flow where rowid % 2 = 0")
    assert any(
        problem.startswith("mart_segment_flow")
        for problem in read_duckdb(serving / "serving.duckdb")["mismatches"]
    )

    directory = serving / os.readlink(serving / "parquet")
    shutil.copyfile(
        directory / "mart_drr_by_period.parquet", directory / "mart_attribution_comparison.parquet"
    )
    assert any(
        problem.startswith("mart_attribution_comparison")
        for problem in read_parquet(serving / "parquet")["mismatches"]
    )


def test_old_parquet_versions_are_removed_but_the_previous_one_is_kept(
    tmp_path: Path, demo_warehouse: Path
) -> None:
    db = copy_warehouse(demo_warehouse, tmp_path / "wh")
    versions = [publish_serving.publish(db).version for _ in range(3)]
    serving = db.parent / "serving"
    assert sorted(path.name for path in serving.glob("parquet-*")) == [
        f"parquet-{version}" for version in versions[1:]
    ]
    assert os.readlink(serving / "parquet") == f"parquet-{versions[-1]}"
    assert sorted(path.name for path in serving.glob("serving-*.duckdb")) == [
        f"serving-{version}.duckdb" for version in versions[1:]
    ]
    assert os.readlink(serving / "serving.duckdb") == f"serving-{versions[-1]}.duckdb"
