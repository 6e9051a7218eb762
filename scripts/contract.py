"""The landing-zone contract as data: contracts/raw_exports.yml, loaded and checked.

contracts/raw_exports.yml is the one source of the raw tables, columns, types, keys, enums
and cadence. The generator takes its arrow schemas from here; `python -m scripts contract`
(scripts/contract_files.py) writes the source YAML, the raw_contract() macro and the
tables of docs/contracts/raw_exports.md from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

CONTRACT_PATH = Path(__file__).resolve().parents[1] / "contracts" / "raw_exports.yml"

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "ts": pa.timestamp("us"),
    "tstz": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
    "list<str>": pa.list_(pa.string()),
}
# kinds staging parses a value as (macro cast_as), beyond the contract types
PARSE_KINDS = (*ARROW_TYPES, "local_ts")
CADENCES = ("increment", "full")  # an append-only daily increment, or a full export a day


@dataclass(frozen=True)
class Column:
    """One contract column. `staged_as`: its name in staging when that differs; `parse_as`:
    the cast_as kind when staging parses it as more than its type (local time as text)."""

    name: str
    kind: str
    description: str = ""
    enum: tuple[str, ...] = ()
    staged_as: str = ""
    parse_as: str = ""

    @property
    def staged_name(self) -> str:
        return self.staged_as or self.name

    @property
    def parse_kind(self) -> str:
        return self.parse_as or self.kind


@dataclass(frozen=True)
class Table:
    """One landing-zone table: a folder `<system>/<name>/` of `<name>_YYYY-MM-DD.parquet` files."""

    system: str
    name: str
    primary_key: tuple[str, ...]
    column_specs: tuple[Column, ...]
    description: str = ""
    cadence: str = "increment"
    loaded_at_field: str = ""
    notes: str = ""  # a paragraph for the contract page, under the table's columns

    @property
    def folder(self) -> str:
        return f"{self.system}/{self.name}"

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return tuple((column.name, column.kind) for column in self.column_specs)

    @property
    def base_model(self) -> str:
        return f"base_{self.system}__{self.name}"

    @property
    def staged_key(self) -> tuple[str, ...]:
        names = {column.name: column.staged_name for column in self.column_specs}
        return tuple(names[column] for column in self.primary_key)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(column, ARROW_TYPES[kind]) for column, kind in self.columns])

    def file_name(self, day: str) -> str:
        return f"{self.name}_{day}.parquet"


@dataclass(frozen=True)
class System:
    """One exporting system (a dbt source): its tables, and how often it must deliver."""

    name: str
    title: str
    description: str
    freshness_warn_after_days: int
    tables: tuple[Table, ...]


def _fields(where: str, entry: dict[str, Any], required: set[str], optional: set[str]) -> None:
    missing, unknown = required - entry.keys(), entry.keys() - required - optional
    if missing or unknown:
        raise ValueError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")


def _column(where: str, entry: dict[str, Any]) -> Column:
    _fields(where, entry, {"name", "type"}, {"description", "enum", "staged_as", "parse_as"})
    column = Column(
        name=entry["name"],
        kind=entry["type"],
        description=entry.get("description", ""),
        enum=tuple(entry.get("enum", ())),
        staged_as=entry.get("staged_as", ""),
        parse_as=entry.get("parse_as", ""),
    )
    if column.kind not in ARROW_TYPES or column.parse_kind not in PARSE_KINDS:
        raise ValueError(f"{where}.{column.name}: unknown type {column.kind!r}")
    if column.enum and column.kind != "str":
        raise ValueError(f"{where}.{column.name}: an enum must be a str column")
    return column


def _table(system: str, name: str, entry: dict[str, Any]) -> Table:
    where = f"{system}/{name}"
    _fields(
        where,
        entry,
        {"description", "cadence", "primary_key", "loaded_at_field", "columns"},
        {"notes"},
    )
    columns = tuple(_column(where, column) for column in entry["columns"])
    table = Table(
        system=system,
        name=name,
        primary_key=tuple(entry["primary_key"]),
        column_specs=columns,
        description=entry["description"],
        cadence=entry["cadence"],
        loaded_at_field=entry["loaded_at_field"],
        notes=entry.get("notes", ""),
    )
    names = [column.name for column in columns]
    if len(set(names)) != len(names) or not set(table.primary_key) <= set(names):
        raise ValueError(f"{where}: repeated columns, or a key column not among them")
    if table.cadence not in CADENCES:
        raise ValueError(f"{where}: cadence {table.cadence!r} is not one of {CADENCES}")
    return table


def load(path: Path = CONTRACT_PATH) -> tuple[System, ...]:
    """The contract's systems, in the file's order; a malformed entry raises ValueError."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    systems = []
    for name, entry in document["systems"].items():
        _fields(name, entry, {"title", "description", "freshness_warn_after_days", "tables"}, set())
        systems.append(
            System(
                name=name,
                title=entry["title"],
                description=entry["description"],
                freshness_warn_after_days=int(entry["freshness_warn_after_days"]),
                tables=tuple(_table(name, table, spec) for table, spec in entry["tables"].items()),
            )
        )
    return tuple(systems)


SYSTEMS: tuple[System, ...] = load()
TABLES: tuple[Table, ...] = tuple(table for system in SYSTEMS for table in system.tables)
TABLES_BY_FOLDER: dict[str, Table] = {table.folder: table for table in TABLES}

# Structural enums: a value outside them rejects the row (raw_exports.md, last section).
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    (table.folder, column.name): column.enum
    for table in TABLES
    for column in table.column_specs
    if column.enum
}

BRANDS = (
    "cardiovita",
    "neurolex",
    "gastrofin",
    "pulmocare",
    "dermaline",
    "osteoforte",
    "immunex",
    "glucobalance",
    "allerstop",
    "urolife",
    "oftamed",
    "pediakid",
)
SPECIALTIES = (
    "therapist",
    "pediatrician",
    "cardiologist",
    "neurologist",
    "gastroenterologist",
    "endocrinologist",
    "dentist",
    "pharmacist",
)
SEGMENT_CODES_BY_GROUP: dict[str, tuple[str, ...]] = {
    "engagement": (
        "eng_openers_30d",
        "eng_clickers_30d",
        "eng_non_openers_90d",
        "eng_webinar_registrants",
        "eng_webinar_attendees",
        "eng_content_downloaders",
    ),
    "interest": tuple(f"int_{brand}" for brand in BRANDS),
    "specialty_cluster": ("spec_primary_care", "spec_narrow_specialists", "spec_pharmacy"),
    "lifecycle": ("life_new_30d", "life_tenure_1y", "life_reactivated", "life_lapsed"),
    "consent": ("cons_email_only", "cons_multichannel", "cons_no_third_party"),
    "value": ("val_high", "val_medium", "val_low"),
    "region": ("reg_moscow", "reg_spb", "reg_regions"),
}
