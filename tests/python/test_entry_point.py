"""The one entry point `python -m scripts`: it lists every command, and each command's
--help is its own module's parser (no build runs: --help exits before any work)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from dbt_helpers import PROJECT_DIR

# each command, and options that only its own parser has
COMMAND_OPTIONS = {
    "build": ["--full-rebuild", "--day-by-day", "--raw-dir"],
    "rebuild": ["--full-rebuild", "--raw-dir"],
    "publish": ["--serving-dir"],
    "report": ["--serving-db", "--screenshot"],
    "bench": ["--preset", "--timeout-minutes"],
    "generate": ["--preset", "--no-heavy-truth"],
    "contract": ["--check", "--out-dir", "--contract"],
}


def entry_point(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "COLUMNS": "200"},  # one line per command in --help
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_every_command_with_its_line() -> None:
    result = entry_point("--help")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in COMMAND_OPTIONS:
        line = next((line for line in lines if line.split()[:1] == [name]), None)
        assert line is not None, f"{name} missing from:\n{result.stdout}"
        assert len(line.split()) > 1, f"{name} has no description line"


@pytest.mark.parametrize("name", COMMAND_OPTIONS)
def test_command_help_is_its_own_parser(name: str) -> None:
    result = entry_point(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"usage: python -m scripts {name}" in result.stdout
    for option in COMMAND_OPTIONS[name]:
        assert option in result.stdout, f"{name} --help lacks {option}:\n{result.stdout}"


def test_unknown_command_is_refused() -> None:
    result = entry_point("no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
