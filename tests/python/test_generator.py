"""Tests of the synthetic data generator (scripts/generate_data.py)."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scripts.contract import ENUMS, TABLES, TABLES_BY_FOLDER  # noqa: E402
from scripts.generate_data import generate, main  # noqa: E402

SMALL = {"days": 10, "contacts": 300, "scale": 1.0, "seed": 7, "start_date": date(2026, 1, 5)}
FILE_RE = re.compile(r"^(?P<table>[a-z_]+)_(?P<day>\d{4}-\d{2}-\d{2})\.parquet$")


def read_all(root: Path) -> dict[str, pa.Table]:
    """Every parquet file under root, keyed by relative path."""
    return {str(p.relative_to(root)): pq.read_table(p) for p in sorted(root.rglob("*.parquet"))}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate(out, **SMALL)
    return out


@pytest.fixture(scope="module")
def malformed(small: Path) -> pa.Table:
    return pq.read_table(small / "ground_truth" / "malformed_rows.parquet")


def con_for(root: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    raw = root / "raw"
    for t in TABLES:
        con.execute(
            f'CREATE VIEW "{t.system}_{t.name}" AS SELECT *, filename AS _file FROM '
            f"read_parquet('{raw / t.folder}/*.parquet', filename = true, union_by_name = true)"
        )
    for p in (root / "ground_truth").glob("*.parquet"):
        con.execute(f"CREATE VIEW gt_{p.stem} AS SELECT * FROM read_parquet('{p}')")
    return con


# ----------------------------------------------------------------------------- determinism


def test_same_args_give_identical_files(small: Path, tmp_path: Path) -> None:
    generate(tmp_path, **SMALL)
    a, b = read_all(small), read_all(tmp_path)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].equals(b[name]), name


def test_spilling_to_disk_changes_nothing(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big tables wait in spool files per export day; forcing that on every chunk gives the same files."""
    from scripts.generator import spool

    written: list[Path] = []
    real_spill = spool.TableSpool.spill

    def spill(self: spool.TableSpool, through_day: int | None = None) -> None:
        real_spill(self, through_day)
        written.extend(p for parts in self.parts.values() for p in parts if isinstance(p, Path))

    monkeypatch.setattr(spool.TableSpool, "spill", spill)
    monkeypatch.setattr(spool, "ADD_CHUNK", 40)  # big adds are sorted into days in slices
    generate(tmp_path, **SMALL, spill_rows=50)
    assert len(written) > 100
    a, b = read_all(small), read_all(tmp_path)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].equals(b[name]), name
    assert not (tmp_path / ".spool").exists()


def test_other_seed_differs(small: Path, tmp_path: Path) -> None:
    generate(tmp_path, **{**SMALL, "seed": 8})
    a, b = read_all(small / "raw"), read_all(tmp_path / "raw")
    assert any(name not in b or not a[name].equals(b[name]) for name in a)


def test_cli_overwrites_previous_output(tmp_path: Path) -> None:
    stale = tmp_path / "raw" / "esp" / "events" / "events_1999-01-01.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    assert main(["--out", str(tmp_path), "--days", "3", "--contacts", "120", "--seed", "3"]) == 0
    assert not stale.exists()
    assert (tmp_path / "raw" / "crm" / "contacts" / "contacts_2026-01-07.parquet").exists()


# ----------------------------------------------------------------------------- contract


def test_every_file_follows_the_contract(small: Path, malformed: pa.Table) -> None:
    bad_keys = {(r["table"], r["file"], r["primary_key"]) for r in malformed.to_pylist()}
    for table in TABLES:
        folder = small / "raw" / table.folder
        files = sorted(folder.glob("*"))
        assert files, f"no files for {table.folder}"
        for path in files:
            m = FILE_RE.match(path.name)
            assert m and m["table"] == table.name, path
            t = pq.read_table(path)
            assert t.num_rows > 0, path
            assert dict(zip(t.schema.names, t.schema.types)) == dict(
                zip(table.schema.names, table.schema.types)
            ), path
            keys = [
                tuple(r[c] for c in table.primary_key)
                for r in t.select(list(table.primary_key)).to_pylist()
            ]
            flat = [None if k[0] is None else "|".join(str(v) for v in k) for k in keys]
            allowed = [k for k in flat if (table.folder, path.name, k) in bad_keys]
            good = [k for k in flat if (table.folder, path.name, k) not in bad_keys]
            assert len(good) == len(set(good)), f"duplicate primary key in {path}"
            assert None not in good, f"unlisted null primary key in {path}"
            for (folder_name, column), values in ENUMS.items():
                if folder_name != table.folder:
                    continue
                bad = set(pc.unique(t.column(column)).to_pylist()) - set(values) - {None}
                listed = {r["reason"] for r in malformed.to_pylist() if r["file"] == path.name}
                for value in bad:
                    assert any(repr(value) in reason for reason in listed), (path, column, value)
            del allowed


def test_malformed_rows_are_rare_and_exist(small: Path, malformed: pa.Table) -> None:
    assert 5 <= malformed.num_rows <= 30
    for r in malformed.to_pylist():
        assert (small / "raw" / r["table"] / r["file"]).exists()


def test_call_times_are_moscow_text(small: Path, malformed: pa.Table) -> None:
    con = con_for(small)
    bad = con.sql(
        "SELECT count(*) FROM calltracking_calls "
        "WHERE try_strptime(call_started_at, '%d.%m.%Y %H:%M:%S') IS NULL"
    ).fetchone()[0]
    listed = sum(1 for r in malformed.to_pylist() if "call_started_at" in r["reason"])
    assert bad == listed > 0


# ----------------------------------------------------------------------------- conventions


def test_one_change_per_contact_per_day(small: Path) -> None:
    con = con_for(small)
    worst = con.sql("""
        WITH v AS (SELECT DISTINCT contact_id, updated_at FROM crm_contacts WHERE contact_id IS NOT NULL)
        SELECT max(n) FROM (SELECT contact_id, CAST(updated_at AT TIME ZONE 'Europe/Moscow' AS DATE) d,
                                   count(*) n FROM v GROUP BY ALL)""").fetchone()[0]
    assert worst == 1


def test_history_reproduces_every_export(small: Path) -> None:
    con = con_for(small)
    diff = con.sql("""
        WITH exp AS (
            SELECT contact_id, updated_at, activity_segment, segment_codes, is_deleted,
                   regexp_extract(_file, 'contacts_(\\d{4}-\\d{2}-\\d{2})', 1)::DATE AS d
            FROM crm_contacts WHERE contact_id IS NOT NULL),
        days AS (SELECT DISTINCT d, (d + INTERVAL 1 DAY - INTERVAL 3 HOUR - INTERVAL 1 SECOND) AS t FROM exp),
        truth AS (
            SELECT h.contact_id, h.valid_from AS updated_at, h.activity_segment, h.segment_codes, h.is_deleted, days.d
            FROM gt_contact_history h JOIN days
              ON h.valid_from <= days.t::TIMESTAMPTZ AND (h.valid_to IS NULL OR h.valid_to > days.t::TIMESTAMPTZ))
        SELECT (SELECT count(*) FROM (SELECT * FROM exp EXCEPT ALL SELECT * FROM truth)),
               (SELECT count(*) FROM (SELECT * FROM truth EXCEPT ALL SELECT * FROM exp)),
               (SELECT count(*) FROM exp)""").fetchone()
    assert diff[0] == 0 and diff[1] == 0 and diff[2] > 0


def test_sends_are_covered_by_exported_versions(small: Path) -> None:
    """Segment at send from the exports' versions equals the ground truth for every send."""
    con = con_for(small)
    res = con.sql("""
        WITH v AS (SELECT DISTINCT contact_id, updated_at, activity_segment, segment_codes FROM crm_contacts
                   WHERE contact_id IS NOT NULL),
        s AS (SELECT g.*, v.activity_segment AS seg_snap, v.segment_codes AS codes_snap
              FROM gt_sends g ASOF LEFT JOIN v ON g.contact_id = v.contact_id AND g.sent_at >= v.updated_at)
        SELECT count(*), count(*) FILTER (WHERE seg_snap IS DISTINCT FROM activity_segment
                                             OR codes_snap IS DISTINCT FROM segment_codes) FROM s""").fetchone()
    assert res[0] > 0 and res[1] == 0


def test_sends_match_esp_sent_events(small: Path) -> None:
    con = con_for(small)
    res = con.sql("""
        WITH sent AS (SELECT DISTINCT event_id, campaign_id, event_at FROM esp_events WHERE event_type = 'sent' AND event_id IS NOT NULL)
        SELECT (SELECT count(*) FROM gt_sends), (SELECT count(*) FROM sent),
               (SELECT count(*) FROM gt_sends g JOIN sent s USING (event_id, campaign_id)
                 WHERE s.event_at = g.sent_at::TIMESTAMP),
               (SELECT count(*) FROM (SELECT campaign_id, contact_id FROM gt_sends GROUP BY ALL HAVING count(*) > 1))
    """).fetchone()
    assert res[0] == res[1] == res[2] and res[3] == 0


def test_trigger_sends_in_the_minute_of_a_segment_change(tmp_path: Path) -> None:
    # 1,000 contacts: the 300 of `small` give about 4 such sends, each at the exact moment
    # with probability 0.3, so "none exact" happened by chance (once the planted effect
    # reshuffled the draws); here about 15
    generate(tmp_path, **{**SMALL, "contacts": 1000})
    con = con_for(tmp_path)
    n_same, n_exact = con.sql("""
        WITH h AS (SELECT *, lag(activity_segment) OVER (PARTITION BY contact_id ORDER BY valid_from) AS prev
                   FROM gt_contact_history),
        ch AS (SELECT contact_id, valid_from FROM h WHERE prev IS NOT NULL AND prev <> activity_segment)
        SELECT count(*), count(*) FILTER (WHERE s.sent_at = ch.valid_from)
        FROM gt_sends s JOIN ch USING (contact_id)
        WHERE s.sent_at >= ch.valid_from AND s.sent_at < ch.valid_from + INTERVAL 60 SECOND""").fetchone()
    assert n_same > 0 and n_exact > 0


def test_first_day_and_new_contact_sends(small: Path) -> None:
    con = con_for(small)
    first_day, new_contacts = con.sql("""
        SELECT count(*) FILTER (WHERE CAST(s.sent_at AT TIME ZONE 'Europe/Moscow' AS DATE) = DATE '2026-01-05'),
               count(*) FILTER (WHERE c.registered_at >= TIMESTAMPTZ '2026-01-04 21:00:00+00')
        FROM gt_sends s JOIN (SELECT DISTINCT contact_id, registered_at FROM crm_contacts) c USING (contact_id)
    """).fetchone()
    assert first_day > 0 and new_contacts > 0


def test_deleted_contacts_get_no_later_sends(small: Path) -> None:
    con = con_for(small)
    late = con.sql("""
        WITH gone AS (SELECT contact_id, min(valid_from) FILTER (WHERE is_deleted) AS del_at,
                             max(valid_to) AS end_at, bool_and(valid_to IS NOT NULL) AS removed
                      FROM gt_contact_history GROUP BY contact_id)
        SELECT count(*) FROM gt_sends s JOIN gone g USING (contact_id)
        WHERE s.sent_at >= g.del_at OR (g.removed AND s.sent_at >= g.end_at)""").fetchone()[0]
    assert late == 0


def test_identities_cover_raw_identifiers(small: Path) -> None:
    con = con_for(small)
    ident = pq.read_table(small / "ground_truth" / "identities.parquet")
    assert set(ident.column("identifier_type").to_pylist()) == {
        "contact_id",
        "email",
        "phone",
        "client_id",
    }
    shared = con.sql(
        "SELECT count(*), count(person_id) FROM gt_identities WHERE is_shared"
    ).fetchone()
    assert shared[0] >= 3 and shared[1] == 0
    # a shared phone is on more than 5 contacts
    per_phone = con.sql("""
        SELECT min(n) FROM (
            SELECT i.identifier, count(DISTINCT c.contact_id) n FROM gt_identities i
            JOIN crm_contacts c ON '+7' || right(regexp_replace(c.phone, '\\D', '', 'g'), 10) = i.identifier
            WHERE i.is_shared GROUP BY 1)""").fetchone()[0]
    assert per_phone > 5
    missing = con.sql("""
        SELECT count(*) FROM (SELECT DISTINCT client_id FROM calltracking_sessions WHERE client_id IS NOT NULL) s
        ANTI JOIN gt_identities i ON i.identifier_type = 'client_id' AND i.identifier = s.client_id""").fetchone()[
        0
    ]
    assert missing == 0


def test_contact_days_match_exports(small: Path) -> None:
    con = con_for(small)
    res = con.sql("""
        WITH exp AS (SELECT contact_id, regexp_extract(_file, 'contacts_(\\d{4}-\\d{2}-\\d{2})', 1)::DATE AS date,
                            activity_segment FROM crm_contacts WHERE contact_id IS NOT NULL)
        SELECT (SELECT count(*) FROM (SELECT * FROM exp EXCEPT ALL SELECT * FROM gt_contact_days)),
               (SELECT count(*) FROM (SELECT * FROM gt_contact_days EXCEPT ALL SELECT * FROM exp))""").fetchone()
    assert res == (0, 0)


# ----------------------------------------------------------------------------- bundled demo


@pytest.mark.demo
def test_bundled_demo_is_reproducible(tmp_path: Path) -> None:
    """DEMO: regenerating with the defaults reproduces seeds/raw and seeds/ground_truth exactly."""
    seeds = REPO / "seeds"
    if not (seeds / "raw").exists():
        pytest.skip("bundled demo not generated yet")
    generate(tmp_path)
    for sub in ("raw", "ground_truth"):
        a, b = read_all(seeds / sub), read_all(tmp_path / sub)
        assert a.keys() == b.keys(), sub
        for name in a:
            assert a[name].equals(b[name]), f"{sub}/{name}"
    bad = pq.read_table(seeds / "ground_truth" / "malformed_rows.parquet").num_rows
    total = sum(pq.read_metadata(p).num_rows for p in (seeds / "raw").rglob("*.parquet"))
    assert 0 < bad < 0.001 * total
    size = sum(p.stat().st_size for p in (seeds / "raw").rglob("*") if p.is_file())
    assert size < 15 * 1024 * 1024
    assert {t.folder for t in TABLES} == {
        str(p.relative_to(seeds / "raw")) for p in (seeds / "raw").glob("*/*")
    }
    assert set(TABLES_BY_FOLDER) == {t.folder for t in TABLES}
