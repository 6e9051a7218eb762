"""Writes relations of a local Spark build (profiles.yml target `spark`) to parquet files,
read through a Spark session on the build's metastore. Run as a separate process: the
embedded Derby metastore stays locked while a JVM that opened it is alive.

Usage: python tests/spark/export_spark_marts.py SPARK_DIR OUT_DIR RELATION...
"""

from __future__ import annotations

import sys
from pathlib import Path


def export(spark_dir: Path, out_dir: Path, relations: list[str]) -> None:
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=false",
        )
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .enableHiveSupport()
        .getOrCreate()
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for relation in relations:
            pq.write_table(
                session.table(f"main.{relation}").toArrow(), out_dir / f"{relation}.parquet"
            )
    finally:
        session.stop()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    export(Path(args[0]), Path(args[1]), args[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
