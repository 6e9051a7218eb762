"""Every model has a primary-key test: `unique` on one column that is also tested not null (by a
`not_null` on the column, or listed in the model's `not_null_columns`), or the project's
`unique_combination_of_columns` on the model. Reads the model files and their YAML only.

Run as a script to list the models without one: python tests/python/test_primary_keys.py"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
COMBINATION_TEST = "unique_combination_of_columns"
NOT_NULL_COLUMNS_TEST = "not_null_columns"


def key_tests(tests: list | None) -> Iterator[tuple[str, dict]]:
    """(name, arguments) of each test in a data_tests list. A test filtered by `where` is on
    part of the rows only, so it keys nothing: left out."""
    for test in tests or []:
        name, body = (test, {}) if isinstance(test, str) else next(iter(test.items()))
        body = body or {}
        if "where" not in (body.get("config") or {}):
            yield name, body.get("arguments") or body


def has_primary_key_test(model: dict) -> bool:
    model_tests = list(key_tests(model.get("data_tests")))
    if any(
        name == COMBINATION_TEST and arguments.get("combination_of_columns")
        for name, arguments in model_tests
    ):
        return True
    not_null_columns = {
        column
        for name, arguments in model_tests
        if name == NOT_NULL_COLUMNS_TEST
        for column in arguments.get("columns") or []
    }
    for column in model.get("columns") or []:
        names = {name for name, _ in key_tests(column.get("data_tests"))}
        if column["name"] in not_null_columns:
            names.add("not_null")
        if {"unique", "not_null"} <= names:
            return True
    return False


def model_properties() -> dict[str, dict]:
    """Every model's properties from the YAML files under models/."""
    properties = {}
    for path in sorted(MODELS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            properties[model["name"]] = model
    return properties


def models_without_primary_key_test() -> list[str]:
    properties = model_properties()
    models = sorted(path.stem for path in MODELS_DIR.rglob("*") if path.suffix in {".sql", ".py"})
    return [name for name in models if not has_primary_key_test(properties.get(name, {}))]


def test_every_model_has_a_primary_key_test() -> None:
    assert models_without_primary_key_test() == []


def test_the_check_sees_keys_and_their_absence() -> None:
    assert has_primary_key_test({"columns": [{"name": "id", "data_tests": ["unique", "not_null"]}]})
    assert has_primary_key_test(
        {"data_tests": [{COMBINATION_TEST: {"arguments": {"combination_of_columns": ["a"]}}}]}
    )
    assert not has_primary_key_test({"columns": [{"name": "id", "data_tests": ["not_null"]}]})
    assert not has_primary_key_test(
        {"columns": [{"name": "id", "data_tests": [{"unique": {"config": {"where": "x"}}}]}]}
    )
    assert not has_primary_key_test({"data_tests": [{COMBINATION_TEST: {"arguments": {}}}]})


def test_the_check_sees_unique_with_not_null_columns() -> None:
    def model(not_null_test: dict) -> dict:
        return {
            "data_tests": [{NOT_NULL_COLUMNS_TEST: not_null_test}],
            "columns": [{"name": "id", "data_tests": ["unique"]}, {"name": "day"}],
        }

    assert has_primary_key_test(model({"arguments": {"columns": ["day", "id"]}}))
    # another column not null, or the key not null on some rows only, keys nothing
    assert not has_primary_key_test(model({"arguments": {"columns": ["day"]}}))
    assert not has_primary_key_test(
        model({"arguments": {"columns": ["id"]}, "config": {"where": "x"}})
    )
    assert not has_primary_key_test(
        {"data_tests": [{NOT_NULL_COLUMNS_TEST: {"arguments": {"columns": ["id"]}}}]}
    )
    assert not has_primary_key_test({})


if __name__ == "__main__":
    for name in models_without_primary_key_test():
        print(name)
