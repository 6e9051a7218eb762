"""The serving directory's layout: the names of its files, links and versions (see
scripts/publish_serving.py), where it sits beside a warehouse, and what a publication returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "serving.duckdb"
DATABASE_VERSION_PREFIX = "serving-"
PARQUET_LINK = "parquet"
PARQUET_VERSION_PREFIX = "parquet-"
MANIFEST_NAME = "manifest.json"
META_TABLE = "meta.serving_manifest"
PARTIAL = ".partial"
LOCK_NAME = ".publish.lock"


@dataclass(frozen=True)
class MartCopy:
    """One published mart: its rows and the checksums of its table and its parquet file."""

    name: str
    rows: int
    checksum: int
    parquet_checksum: int


@dataclass(frozen=True)
class Publication:
    """What a publication swapped in: where, which version, its marts, how long it took."""

    serving_dir: Path
    version: str
    marts: tuple[MartCopy, ...]
    seconds: float

    @property
    def database(self) -> Path:
        return self.serving_dir / DATABASE_NAME

    @property
    def parquet_dir(self) -> Path:
        return self.serving_dir / PARQUET_LINK


def serving_dir_for(db_path: Path) -> Path:
    """The serving directory of a warehouse file: `serving/` beside it."""
    return db_path.resolve().parent / "serving"
