"""Publishes the marts of a finished build to the serving copy that BI tools read.

BI tools never open the build's DuckDB file: a reader would block the next build (DuckDB
allows one writing process, and a reader's lock stops it) and could see a build half done.
Instead every successful build publishes, next to the warehouse file:

    serving/
      serving.duckdb -> serving-<v>.duckdb
                                every mart (dim_*, fct_*, mart_*, dq_* of schema main, and the
                                time spines metricflow_*) as a table, with the dbt descriptions
                                as comments, plus meta.serving_manifest: per mart its rows and
                                checksum
      parquet -> parquet-<v>    a symlink to the current version's directory
      parquet-<v>/<mart>.parquet, parquet-<v>/manifest.json

The swap is atomic. Everything is written aside first (a `.partial` file and directory),
checked against the warehouse, then put in place by rename: `os.replace` of the
`serving.duckdb` symlink, then of the `parquet` symlink. A reader opens either the old or the
new file and resolves either the old or the new directory, never a mixture; a reader that
has the old file open keeps reading it, and a reconnect in the same process opens the new
one (DuckDB keeps one instance per resolved path). A build that fails never gets here, and
a publication that fails removes its partial files: the previous serving copy stays byte
for byte. The previous version is kept for readers still inside it; older ones are removed.

The parts live in scripts/serving_copy/ (the directory's layout, the marts' SQL, their
descriptions, the versions); this module writes a version aside, swaps it in, and is the
command line. It re-exports the parts under their old names.

Usage: python scripts/publish_serving.py [--db PATH] [--serving-dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from scripts.serving_copy.descriptions import (  # noqa: E402
    comment_statements,
    merged_descriptions,
    model_descriptions,
    warehouse_comments,
)
from scripts.serving_copy.layout import (  # noqa: E402
    DATABASE_NAME,
    DATABASE_VERSION_PREFIX,
    LOCK_NAME,
    MANIFEST_NAME,
    META_TABLE,
    PARQUET_LINK,
    PARQUET_VERSION_PREFIX,
    PARTIAL,
    MartCopy,
    Publication,
    serving_dir_for,
)
from scripts.serving_copy.marts import (  # noqa: E402
    MART_PREFIXES,
    PARQUET_CASTS,
    checksum_sql,
    list_marts,
    literal,
    parquet_projection,
    quote,
)
from scripts.serving_copy.versions import (  # noqa: E402
    KEEP_PREVIOUS_VERSIONS,
    fsync_path,
    new_version,
    publish_lock,
    remove_old_database_versions,
    remove_old_versions,
    remove_partials,
)

__all__ = [
    "DATABASE_NAME",
    "DATABASE_VERSION_PREFIX",
    "KEEP_PREVIOUS_VERSIONS",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "MART_PREFIXES",
    "META_TABLE",
    "PARQUET_CASTS",
    "PARQUET_LINK",
    "PARQUET_VERSION_PREFIX",
    "PARTIAL",
    "MartCopy",
    "Publication",
    "checksum_sql",
    "comment_statements",
    "copying_connection",
    "fsync_path",
    "list_marts",
    "literal",
    "main",
    "merged_descriptions",
    "model_descriptions",
    "new_version",
    "parquet_projection",
    "publish",
    "publish_after_build",
    "publish_lock",
    "quote",
    "release_dbt_connections",
    "remove_old_database_versions",
    "remove_old_versions",
    "remove_partials",
    "serving_dir_for",
    "warehouse_comments",
    "write_aside",
]


def release_dbt_connections() -> None:
    """Closes the database dbt-duckdb keeps open after an in-process invoke (its profile
    option keep_open defaults to true), so this process can attach the warehouse."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()


def copying_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB held to the build's limits (profiles.yml and its environment
    variables). With DuckDB's defaults (80% of RAM, insertion order kept) copying the marts
    of the l preset alone peaked at 8.0 GiB."""
    return duckdb.connect(
        config={
            "memory_limit": os.environ.get("MW_DUCKDB_MEMORY_LIMIT", "6GB"),
            "threads": int(os.environ.get("MW_DUCKDB_THREADS", "2")),
            "preserve_insertion_order": False,
            "temp_directory": os.environ.get(
                "MW_DUCKDB_TEMP_DIR", str(PROJECT_DIR / "target" / "duckdb_tmp")
            ),
        }
    )


def write_aside(warehouse: Path, version: str, database: Path, parquet_dir: Path) -> list[MartCopy]:
    """Writes the serving DuckDB file and the parquet files of one version aside, checks
    both against the warehouse, and returns the marts."""
    published_at = dt.datetime.now(dt.UTC)
    descriptions = model_descriptions(
        Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target")) / "manifest.json"
    )
    marts: list[MartCopy] = []
    connection = copying_connection()
    try:
        connection.execute(f"attach {literal(str(warehouse))} as wh (read_only)")
        connection.execute(f"attach {literal(str(database))} as srv")
        names = list_marts(connection, "wh")
        # One transaction for every write to the new file (much cheaper than one per statement).
        connection.execute("begin transaction")
        if not names:
            raise RuntimeError(
                f"no dim_/fct_/mart_/dq_ relation in {warehouse}: nothing to publish"
            )
        for name in names:
            source, served = f"wh.main.{quote(name)}", f"srv.main.{quote(name)}"
            parquet = parquet_dir / f"{name}.parquet"
            connection.execute(f"create table {served} as select * from {source}")
            columns = [
                (name, kind)
                for name, kind, *_ in connection.execute(f"describe {source}").fetchall()
            ]
            projection = parquet_projection(columns)
            connection.execute(
                f"copy (select {projection} from {source}) to "
                f"{literal(str(parquet))} (format parquet, compression zstd)"
            )
            comments = comment_statements(
                name,
                columns,
                merged_descriptions(warehouse_comments(connection, name), descriptions.get(name)),
            )
            if comments:
                connection.execute(";\n".join(comments))
            expected = connection.execute(checksum_sql(source)).fetchone()
            copied = connection.execute(checksum_sql(served)).fetchone()
            expected_parquet = connection.execute(
                checksum_sql(f"(select {projection} from {source})")
            ).fetchone()
            written = connection.execute(
                checksum_sql(f"read_parquet({literal(str(parquet))})")
            ).fetchone()
            if copied != expected or written != expected_parquet:
                raise RuntimeError(
                    f"{name}: the copy differs from the warehouse "
                    f"(duckdb {copied} vs {expected}, parquet {written} vs "
                    f"{expected_parquet})"
                )
            # checksum_sql is an aggregate: always one row
            assert expected is not None and written is not None
            marts.append(MartCopy(name, int(expected[0]), int(expected[1]), int(written[1])))
        connection.execute("create schema srv.meta")
        connection.execute(f"""
            create table srv.{META_TABLE} (
                mart varchar primary key, row_count bigint, row_checksum hugeint,
                parquet_file varchar, parquet_checksum hugeint,
                version varchar, published_at timestamptz, warehouse varchar)""")
        connection.executemany(
            f"insert into srv.{META_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    mart.name,
                    mart.rows,
                    mart.checksum,
                    f"{PARQUET_VERSION_PREFIX}{version}/{mart.name}.parquet",
                    mart.parquet_checksum,
                    version,
                    published_at,
                    str(warehouse),
                ]
                for mart in marts
            ],
        )
        connection.execute(
            f"comment on table srv.{META_TABLE} is "
            "'What this serving copy holds: one row per mart, with its row count, "
            "an order-independent checksum (sum of hash(row)) and the parquet "
            "file of the same version.'"
        )
        connection.execute("commit")
        connection.execute("detach srv")  # checkpoints: the file is complete, no WAL left
    finally:
        connection.close()
    manifest = {
        "version": version,
        "published_at": published_at.isoformat(),
        "warehouse": str(warehouse),
        "marts": {
            mart.name: {
                "file": f"{mart.name}.parquet",
                "rows": mart.rows,
                "checksum": str(mart.parquet_checksum),
            }
            for mart in marts
        },
    }
    (parquet_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return marts


def publish(warehouse: Path, serving_dir: Path | None = None) -> Publication:
    """Copies the marts of `warehouse` to the serving directory and swaps them in
    atomically; returns what was published."""
    started = time.monotonic()
    warehouse = warehouse.resolve()
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    serving_dir = (serving_dir or serving_dir_for(warehouse)).resolve()
    serving_dir.mkdir(parents=True, exist_ok=True)
    link = serving_dir / PARQUET_LINK
    if link.exists() and not link.is_symlink():
        raise RuntimeError(
            f"{link} is a real directory; it must be the symlink this script manages (move it away)"
        )
    with publish_lock(serving_dir):
        remove_partials(serving_dir)
        version = new_version()
        database_aside = serving_dir / f".{DATABASE_NAME}.{version}{PARTIAL}"
        parquet_aside = serving_dir / f"{PARQUET_VERSION_PREFIX}{version}{PARTIAL}"
        parquet_final = serving_dir / f"{PARQUET_VERSION_PREFIX}{version}"
        link_aside = serving_dir / f".{PARQUET_LINK}.{version}{PARTIAL}"
        database_final = serving_dir / f"{DATABASE_VERSION_PREFIX}{version}.duckdb"
        database_link_aside = serving_dir / f".{DATABASE_NAME}.{version}.link{PARTIAL}"
        database_swapped = False
        try:
            parquet_aside.mkdir()
            marts = write_aside(warehouse, version, database_aside, parquet_aside)
            for path in [*parquet_aside.iterdir(), parquet_aside, database_aside]:
                fsync_path(path)
            # The swap: each step is one atomic rename. The parquet version directory is
            # complete before its name appears; the DuckDB file, then the link, switch over.
            parquet_aside.rename(parquet_final)
            # Each version has its own file behind the link: DuckDB keeps one instance per
            # resolved path in a process, so a reconnect there opens the new version even
            # while a connection to the old one is still open.
            database_aside.rename(database_final)
            os.symlink(database_final.name, database_link_aside)
            os.replace(database_link_aside, serving_dir / DATABASE_NAME)
            database_swapped = True
            os.symlink(parquet_final.name, link_aside)
            os.replace(link_aside, link)
            fsync_path(serving_dir)
        except BaseException:
            remove_partials(serving_dir)
            # The manifest of a swapped DuckDB file names this version's parquet directory.
            if not database_swapped:
                if parquet_final.exists():
                    shutil.rmtree(parquet_final)
                database_final.unlink(missing_ok=True)
            raise
        remove_old_versions(serving_dir, parquet_final.name)
        remove_old_database_versions(serving_dir, database_final.name)
    return Publication(serving_dir, version, tuple(marts), time.monotonic() - started)


def publish_after_build(warehouse: Path) -> Publication:
    """What the pipeline runner calls after a successful build: releases dbt's hold on the
    warehouse, publishes, and prints where the serving copy is."""
    release_dbt_connections()
    publication = publish(warehouse)
    print(
        f"serving copy: {publication.database} and {publication.parquet_dir}/ "
        f"({len(publication.marts)} marts, version {publication.version}, "
        f"{publication.seconds:.1f} s)",
        flush=True,
    )
    return publication


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("MW_DUCKDB_PATH", PROJECT_DIR / "target" / "warehouse.duckdb")),
    )
    parser.add_argument(
        "--serving-dir", type=Path, default=None, help="default: serving/ beside the warehouse file"
    )
    args = parser.parse_args(argv)
    publication = publish(args.db, args.serving_dir)
    print(
        f"serving copy: {publication.database} and {publication.parquet_dir}/ "
        f"({len(publication.marts)} marts, version {publication.version}, "
        f"{publication.seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
